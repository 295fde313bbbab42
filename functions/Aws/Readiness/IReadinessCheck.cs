using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// One readiness check: reads what it compares and says pass, fail or unknown in one sentence with the values.
public interface IReadinessCheck
{
    /// Its CheckNames name.
    string Name { get; }

    /// Throws only for defects: an AWS error is caught by the runner and reported as unknown with its message.
    Task<CheckResult> RunAsync(ReadinessContext context, CancellationToken ct);
}
