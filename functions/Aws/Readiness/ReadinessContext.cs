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
