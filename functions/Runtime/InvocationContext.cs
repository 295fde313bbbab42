namespace Failover.Functions.Runtime;

/// What a handler may know about the invocation it serves.
public sealed record InvocationContext(string RequestId, string InvokedFunctionArn, DateTimeOffset Deadline, JsonLog Log);
