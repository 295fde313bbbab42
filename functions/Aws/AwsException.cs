using Failover.Functions.Runtime;

namespace Failover.Functions.Aws;

/// AWS answered with an error after every attempt it was worth: the code, message and request id. The errorType follows the
/// catalogue: throttling (and a replicated write conflict) is AwsThrottled, a server error AwsServerError, anything else (a client
/// error) AwsServiceError.
public sealed class AwsServiceException(string service, string code, string message, int statusCode, string? requestId, string? sentence = null)
    : FunctionException(TypeOf(code, statusCode), sentence ?? $"{service} {code}: {BoundedText.Of(message, 300)} (HTTP {statusCode}, request id {requestId ?? "none"})")
{
    /// An answer that is no AWS error document (a proxy's or a load balancer's page), said as its status and what kind of body it
    /// was: the body itself would become the message of every error, log line and notification that repeats this one.
    public static AwsServiceException NotAnAwsError(AwsService service, int statusCode, string body, string? requestId)
    {
        var trimmed = body.Trim();
        var what = trimmed.Length == 0 ? "an empty body"
            : trimmed.StartsWith('<') && (trimmed.Contains("<html", StringComparison.OrdinalIgnoreCase) || trimmed.Contains("<!doctype", StringComparison.OrdinalIgnoreCase)) ? "an HTML page"
            : BoundedText.Of(trimmed.Split('\n')[0].Trim(), 80);
        return new AwsServiceException(service.Name, "Unknown", what, statusCode, requestId,
            $"HTTP {statusCode} from {service.Name} in {service.Region} ({what}, not an AWS error{(requestId is null ? "" : $"; request id {requestId}")})");
    }

    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded", "TooManyRequestsException",
        "RequestThrottled", "RequestThrottledException", "PriorRequestNotComplete", "SlowDown", "ProvisionedThroughputExceededException",
        "RequestLimitExceededException",
    };

    /// 400s that are no refusal: DynamoDB multi-Region strong consistency rejects a write racing one from another region for
    /// the same item, and the write did not happen (the AWS SDKs retry it). Read as a refusal, a failover/failback race on the
    /// lock would end in FAILED; retried, the loser's next attempt meets the winner's lock as an ordinary failed condition.
    private static readonly HashSet<string> TransientConflictCodes = new(StringComparer.Ordinal) { "ReplicatedWriteConflictException" };

    public string Service { get; } = service;
    public string Code { get; } = code;
    public int StatusCode { get; } = statusCode;
    public string? RequestId { get; } = requestId;

    /// Worth another attempt: AWS asked us to slow down, turned a write away as conflicting, or failed on its side.
    public bool Retryable => ErrorType != ErrorTypes.AwsServiceError;

    private static string TypeOf(string code, int statusCode) =>
        // Nothing was written, as with a throttle, so the same type: transient, and a workflow Retry may repeat it.
        ThrottlingCodes.Contains(code) || TransientConflictCodes.Contains(code) || statusCode == 429 ? ErrorTypes.AwsThrottled
        : statusCode >= 500 ? ErrorTypes.AwsServerError
        : ErrorTypes.AwsServiceError;
}

/// No answer from the service (connection refused or reset, DNS, a timeout, or no time left for another attempt).
public sealed class AwsUnreachableException(string service, string endpoint, Exception inner)
    : FunctionException(ErrorTypes.AwsUnreachable, $"{service} at {endpoint} could not be reached: {BoundedText.Of(inner.Message, 300)}");

/// AWS answered with success but without a field the workflow acts on, or with a body that is not JSON or XML at all.
/// Reading it as 0, false or a default could act on a fiction (scale to zero, skip a version check), so the call fails; the
/// request itself was fine and may have been applied, so the workflow may retry it (every handler is idempotent).
public sealed class AwsMalformedResponseException(string service, string action, string field)
    : FunctionException(ErrorTypes.AwsMalformedResponse, $"{service} {action} answered without {field}; nothing was read from it.");
