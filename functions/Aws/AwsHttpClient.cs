using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Failover.Functions.Runtime;

namespace Failover.Functions.Aws;

/// How one service is reached and signed.
public sealed record AwsService(string Name, string SigningName, Uri Endpoint, string Region);

/// Retry bounds: full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"), and the time by which
/// the last attempt must have ended.
public sealed record AwsRetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    /// 5 attempts over at most ~6 s: long enough for a throttling burst, short against a Lambda deadline.
    public static readonly AwsRetryPolicy Default = new(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(3));

    /// An attempt is not started with less time than this left: a signed round trip to a regional endpoint takes tens of
    /// milliseconds when AWS is well, and an attempt that cannot finish only delays the typed error.
    public static readonly TimeSpan MinimumAttempt = TimeSpan.FromMilliseconds(250);

    /// Every attempt ends by then (cut off as unreachable), and none starts too close to it. Null: only the attempt count bounds.
    public DateTimeOffset? StopBy { get; init; }

    public TimeSpan DelayBefore(int retry) =>
        TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, retry)));
}

/// Sends signed requests, retries throttling (and replicated write conflicts), 5xx and network failures within the policy's time,
/// and turns every failure into a typed error of the catalogue (ErrorTypes).
public sealed class AwsHttpClient(HttpClient http, AwsEnvironment aws, AwsRetryPolicy retry, TimeProvider time)
{
    public AwsEnvironment Environment => aws;

    public async Task<string> SendAsync(AwsService service, HttpMethod method, string pathAndQuery, byte[]? body, string? contentType,
        IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        var uri = new Uri(service.Endpoint, pathAndQuery);
        Exception? last = null;
        // The first attempt that may have taken effect (no answer, or a server error): a later throttle or refusal does not
        // undo it, so that attempt, not the last one, says what the caller may assume.
        FunctionException? uncertain = null;
        for (var attempt = 1; ; attempt++)
        {
            var left = retry.StopBy is { } stop ? stop - time.GetUtcNow() : Timeout.InfiniteTimeSpan;
            if (retry.StopBy is not null && left < AwsRetryPolicy.MinimumAttempt)
                throw last is not null ? Final(last, uncertain) : Unreachable(service, new TimeoutException($"less than {AwsRetryPolicy.MinimumAttempt.TotalMilliseconds:0} ms left before the deadline"));

            using var request = new HttpRequestMessage(method, uri);
            var payload = body ?? [];
            if (body is not null)
            {
                request.Content = new ByteArrayContent(payload);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType!);
            }
            foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(k, v);
            SigV4.Sign(request, payload, aws.Credentials, service.Region, service.SigningName, time.GetUtcNow().UtcDateTime);

            using var attemptTime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (retry.StopBy is not null) attemptTime.CancelAfter(left);
            try
            {
                using var response = await http.SendAsync(request, attemptTime.Token);
                var text = await response.Content.ReadAsStringAsync(attemptTime.Token);
                if (response.IsSuccessStatusCode) return text;
                var error = ParseError(text) is { } parsed
                    ? new AwsServiceException(service.Name, parsed.Code, parsed.Message, (int)response.StatusCode, RequestId(response))
                    : AwsServiceException.NotAnAwsError(service, (int)response.StatusCode, text, RequestId(response));
                if (error.ErrorType == ErrorTypes.AwsServerError) uncertain ??= error;
                // A refusal is an answer, and callers act on some (a failed condition after a write that landed is how they learn it did).
                if (!error.Retryable) throw error;
                last = error;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // HttpClient's own timeout and our deadline both surface as cancellation; either way the service did not answer in time.
                var unreachable = Unreachable(service, e is OperationCanceledException ? new TimeoutException("no answer in time", e) : e);
                uncertain ??= unreachable;
                last = unreachable;
            }

            if (attempt >= retry.MaxAttempts) throw Final(last, uncertain);
            var delay = retry.DelayBefore(attempt - 1);
            if (retry.StopBy is { } deadline && time.GetUtcNow() + delay + AwsRetryPolicy.MinimumAttempt > deadline) throw Final(last, uncertain);
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    // A throttle after an attempt whose outcome is unknown is not "nothing changed".
    private static Exception Final(Exception last, FunctionException? uncertain) =>
        uncertain is not null && last is AwsServiceException { ErrorType: ErrorTypes.AwsThrottled } ? uncertain : last;

    private static AwsUnreachableException Unreachable(AwsService service, Exception cause) => new(service.Name, service.Endpoint.ToString(), cause);

    /// JSON protocols send `__type`/`message`; Query and REST-XML send `<Error><Code>/<Message>`. Null: the body is neither (a
    /// proxy's page, an empty body).
    internal static (string Code, string Message)? ParseError(string body)
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
        catch (Exception e) when (e is System.Text.Json.JsonException or System.Xml.XmlException or InvalidOperationException or ArgumentException)
        {
            // Fall through: no AWS error document (an HTML page is no well-formed XML).
        }
        return null;
    }

    private static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-amzn-RequestId", out var a) ? a.FirstOrDefault()
        : response.Headers.TryGetValues("x-amz-request-id", out var b) ? b.FirstOrDefault() : null;
}
