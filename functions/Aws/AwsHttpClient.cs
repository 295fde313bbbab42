using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Failover.Functions.Aws;

/// How one service is reached and signed.
public sealed record AwsService(string Name, string SigningName, Uri Endpoint, string Region);

/// Retry bounds: full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter").
public sealed record RetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    /// 5 attempts over at most ~6 s: long enough for a throttling burst, short against a Lambda deadline.
    public static readonly RetryPolicy Default = new(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(3));

    public TimeSpan DelayBefore(int retry) =>
        TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, retry)));
}

/// Sends signed requests, retries throttling, 5xx and network failures, and turns AWS errors into typed exceptions.
public sealed class AwsHttpClient(HttpClient http, AwsEnvironment aws, RetryPolicy retry, TimeProvider time)
{
    private static readonly HashSet<string> Throttling = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded", "TooManyRequestsException",
        "RequestThrottled", "RequestThrottledException", "PriorRequestNotComplete", "SlowDown",
    };

    public AwsEnvironment Environment => aws;

    public async Task<string> SendAsync(AwsService service, HttpMethod method, string pathAndQuery, byte[]? body, string? contentType,
        IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        var uri = new Uri(service.Endpoint, pathAndQuery);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, uri);
            var payload = body ?? [];
            if (body is not null)
            {
                request.Content = new ByteArrayContent(payload);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
            }
            foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(k, v);
            SigV4.Sign(request, payload, aws.Credentials, service.Region, service.SigningName, time.GetUtcNow().UtcDateTime);

            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= retry.MaxAttempts) throw new AwsUnreachableException(service.Name, service.Endpoint.ToString(), e);
                await Task.Delay(retry.DelayBefore(attempt - 1), time, cancellationToken);
                continue;
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode) return text;
                var (code, message) = ParseError(text);
                var transient = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests || Throttling.Contains(code);
                if (!transient || attempt >= retry.MaxAttempts)
                    throw new AwsServiceException(service.Name, code, message, (int)response.StatusCode, RequestId(response));
                await Task.Delay(retry.DelayBefore(attempt - 1), time, cancellationToken);
            }
        }
    }

    /// JSON protocols send `__type`/`message`; Query and REST-XML send `<Error><Code>/<Message>`.
    internal static (string Code, string Message) ParseError(string body)
    {
        var trimmed = body.TrimStart();
        try
        {
            if (trimmed.StartsWith('{') && JsonNode.Parse(trimmed) is JsonObject json)
            {
                var type = (json["__type"] ?? json["code"] ?? json["Code"])?.GetValue<string>() ?? "Unknown";
                var message = (json["message"] ?? json["Message"])?.GetValue<string>() ?? "";
                return (type[(type.LastIndexOf('#') + 1)..], message);
            }
            if (trimmed.StartsWith('<'))
            {
                var error = Xml.All(XDocument.Parse(trimmed), "Error").FirstOrDefault();
                if (error is not null)
                    return (Xml.Child(error, "Code") ?? "Unknown", Xml.Child(error, "Message") ?? "");
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or System.Xml.XmlException or InvalidOperationException)
        {
            // Fall through: report the raw body.
        }
        return ("Unknown", body.Length > 300 ? body[..300] : body);
    }

    private static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-amzn-RequestId", out var a) ? a.FirstOrDefault()
        : response.Headers.TryGetValues("x-amz-request-id", out var b) ? b.FirstOrDefault() : null;
}
