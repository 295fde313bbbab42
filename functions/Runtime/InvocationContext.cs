namespace Failover.Functions.Runtime;

/// What a handler may know about the invocation it serves.
public sealed record InvocationContext(string RequestId, string InvokedFunctionArn, DateTimeOffset Deadline, JsonLog Log)
{
    /// When handler work must end, so that its own typed error still reaches the Runtime API before the loop's cut-off.
    public DateTimeOffset StopBy => Deadline - TimeSpan.FromMilliseconds(1500);
}
