using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// One Retry entry of a workflow's Lambda tasks: which errors it retries, how often, and how long it waits between attempts
/// (doubling, capped, with full jitter so concurrent runs' retries do not collide again).
public sealed record TaskRetry
{
    private const int BackoffRate = 2;

    public required IReadOnlyList<string> Errors { get; init; }
    public required int IntervalSeconds { get; init; }
    /// Retries after the first attempt (Amazon States Language's MaxAttempts).
    public required int MaxAttempts { get; init; }
    public required int MaxDelaySeconds { get; init; }

    /// The most its waits add up to: full jitter draws each wait between 0 and its backoff, never beyond.
    public int LongestWaitsSeconds =>
        Enumerable.Range(0, MaxAttempts).Sum(retry => Math.Min(IntervalSeconds * (int)Math.Pow(BackoffRate, retry), MaxDelaySeconds));

    public Map ToRetrier() => Map.Of(("ErrorEquals", Value.Strings(Errors)), ("IntervalSeconds", IntervalSeconds), ("MaxAttempts", MaxAttempts),
        ("BackoffRate", BackoffRate), ("MaxDelaySeconds", MaxDelaySeconds), ("JitterStrategy", "FULL"));
}
