namespace Failover.Functions.Tests.Runtime;

/// A clock the test sets: what the handler takes for "now". Timers (retry backoff, an attempt's cut-off) still run in real time,
/// and with the clock standing still every deadline stays as far away as the invocation began with.
public sealed class ManualTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
