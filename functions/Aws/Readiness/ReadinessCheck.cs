using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// What every check receives: the stack's plan, the peer's plan when it could be read, signed AWS access and the clock.
public sealed record ReadinessContext
{
    public required ReadinessPlan Plan { get; init; }
    /// Null when the peer stack's plan item is missing or unreadable: checks that need it answer unknown.
    public ReadinessPlan? Peer { get; init; }
    /// Why the peer's plan is missing, for the checks' sentences.
    public string? PeerMissing { get; init; }
    public required AwsHttpClient Aws { get; init; }
    public required TimeProvider Time { get; init; }
}

/// One readiness check: reads what it compares and says pass, fail or unknown in one sentence with the values.
public interface IReadinessCheck
{
    /// Its CheckNames name.
    string Name { get; }

    /// Throws only for defects: an AWS error is caught by the runner and reported as unknown with its message.
    Task<CheckResult> RunAsync(ReadinessContext context, CancellationToken ct);
}

/// A check's verdict in one sentence.
public static class CheckVerdicts
{
    public static CheckResult Says(this IReadinessCheck check, CheckStatus status, string why) => new() { Check = check.Name, Status = status, Why = why };
}
