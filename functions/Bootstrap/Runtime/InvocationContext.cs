namespace Failover.Functions.Runtime;

/// What a handler may know about the invocation it serves.
public sealed record InvocationContext(string RequestId, string InvokedFunctionArn, DateTimeOffset Deadline, JsonLog Log)
{
    /// Left between StopBy and the loop's cut-off for the handler to turn a cancelled or refused call into its own typed
    /// error and return it: a few awaits and no I/O, well inside 500 ms even on a 128 MB function's CPU share.
    public const int WindDownMs = 500;

    /// When handler work must end (no new AWS call or retry may outlast it) for the handler's own typed error to reach
    /// the loop before the loop cuts it off and reports DeadlineExceeded.
    public DateTimeOffset StopBy => Deadline.AddMilliseconds(-(LambdaLoop.DeadlineMarginMs + WindDownMs));
}
