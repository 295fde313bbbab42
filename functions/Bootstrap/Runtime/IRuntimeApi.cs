using Failover.Functions.Json;

namespace Failover.Functions.Runtime;

/// One event from the Lambda Runtime API, with the headers that describe it.
public sealed record Invocation(string RequestId, DateTimeOffset Deadline, string InvokedFunctionArn, string? TraceId, string Body);

/// The Lambda Runtime API as the loop sees it: the seam tests replace with a recording fake.
public interface IRuntimeApi
{
    Task<Invocation> NextAsync(CancellationToken cancellationToken);
    Task RespondAsync(string requestId, string body, CancellationToken cancellationToken);
    Task ReportErrorAsync(string requestId, ErrorResponse error, CancellationToken cancellationToken);
    Task ReportInitErrorAsync(ErrorResponse error, CancellationToken cancellationToken);
}
