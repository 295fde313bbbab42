using Failover.Functions.Runtime;

namespace Failover.Functions.Aws;

/// AWS answered with an error that retrying will not fix (or retries ran out): the code, message and request id.
public class AwsServiceException(string service, string code, string message, int statusCode, string? requestId)
    : FunctionException("AwsServiceError", $"{service} {code}: {message} (HTTP {statusCode}, request id {requestId ?? "none"})")
{
    public string Service { get; } = service;
    public string Code { get; } = code;
    public int StatusCode { get; } = statusCode;
    public string? RequestId { get; } = requestId;
}

/// The service could not be reached at all (connection refused, DNS, timeouts) after every retry.
public sealed class AwsUnreachableException(string service, string endpoint, Exception inner)
    : FunctionException("AwsUnreachable", $"{service} at {endpoint} could not be reached: {inner.Message}");

/// AWS answered with success but without a field the workflow acts on. Reading it as 0, false or a default could act
/// on a fiction (scale to zero, skip a version check), so the call fails; unlike InvalidInput, the request itself was fine.
public sealed class AwsMalformedResponseException(string service, string action, string field)
    : FunctionException("AwsMalformedResponse", $"{service} {action} answered without {field}; nothing was read from it.")
{
    public string Service { get; } = service;
    public string Action { get; } = action;
    public string Field { get; } = field;
}
