using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Failover.Functions.Json;

namespace Failover.Functions.Runtime;

/// The documented Runtime API over HTTP: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
public sealed class RuntimeApiClient(HttpClient http, string runtimeApi) : IRuntimeApi
{
    private const string Version = "2018-06-01";
    private readonly string _base = $"http://{runtimeApi}/{Version}/runtime";

    // Serialized before the first event: posted when serializing the real report fails (out of memory, typically).
    private readonly Dictionary<string, string> _fallbackBodies = ErrorTypes.All.Keys.ToDictionary(type => type,
        type => JsonSerializer.Serialize(new ErrorResponse(type, LambdaLoop.FallbackMessage), FunctionsJson.Default.ErrorResponse), StringComparer.Ordinal);

    public async Task<Invocation> NextAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"{_base}/invocation/next", HttpCompletionOption.ResponseContentRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new InvalidOperationException("The Runtime API sent an event without Lambda-Runtime-Aws-Request-Id.");
        var deadline = long.TryParse(Header(response, "Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : DateTimeOffset.UtcNow.AddMinutes(15);
        return new Invocation(requestId, deadline, Header(response, "Lambda-Runtime-Invoked-Function-Arn") ?? "", Header(response, "Lambda-Runtime-Trace-Id"), body);
    }

    public Task RespondAsync(string requestId, string body, CancellationToken cancellationToken) =>
        PostAsync($"{_base}/invocation/{requestId}/response", body, null, cancellationToken);

    public Task ReportErrorAsync(string requestId, ErrorResponse error, CancellationToken cancellationToken)
    {
        var type = error.ErrorType;
        string? body;
        try { body = JsonSerializer.Serialize(error, FunctionsJson.Default.ErrorResponse); }
        catch (Exception)
        {
            // Out of memory, typically: the prepared body of the same errorType (UnexpectedError outside the catalogue).
            if (!_fallbackBodies.TryGetValue(type, out body))
            {
                type = ErrorTypes.UnexpectedError;
                body = _fallbackBodies[type];
            }
        }
        return PostAsync($"{_base}/invocation/{requestId}/error", body, type, cancellationToken);
    }

    public Task ReportInitErrorAsync(ErrorResponse error, CancellationToken cancellationToken) =>
        PostAsync($"{_base}/init/error", JsonSerializer.Serialize(error, FunctionsJson.Default.ErrorResponse), error.ErrorType, cancellationToken);

    private async Task PostAsync(string url, string body, string? errorType, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        if (errorType is not null) request.Headers.TryAddWithoutValidation("Lambda-Runtime-Function-Error-Type", errorType);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
