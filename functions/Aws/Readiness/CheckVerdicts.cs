using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// A check's verdict in one sentence.
public static class CheckVerdicts
{
    public static CheckResult Says(this IReadinessCheck check, CheckStatus status, string why) => new() { Check = check.Name, Status = status, Why = why };
}
