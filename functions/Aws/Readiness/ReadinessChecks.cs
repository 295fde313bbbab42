using Failover.Contract.Readiness;
using Failover.Functions.Runtime;

namespace Failover.Functions.Aws.Readiness;

/// Runs every check side by side, each within its own time: one check that hangs or fails to read answers unknown and never
/// holds back the others. The scheduled function and `failoverctl readiness` both run exactly this.
public static class ReadinessChecks
{
    /// In CheckNames.All's order.
    public static readonly IReadOnlyList<IReadinessCheck> All =
    [
        new StacksAgreeCheck(),
        new SameImageCheck(),
        new TaskDefinitionCheck(),
        new FargateQuotaCheck(),
        new ImageAndSecretsReachableCheck(),
        new AlarmsCheck(),
        new GateAgreesCheck(),
        new LockCheck(),
        new RolePermissionsCheck(),
        new DrillAgeCheck(),
        new DrillRecoveryTimeCheck(),
    ];

    public static async Task<IReadOnlyList<CheckResult>> RunAsync(ReadinessContext context, TimeSpan perCheck, CancellationToken ct)
    {
        var runs = All.Select(check => RunOneAsync(check, context, perCheck, ct)).ToList();
        return await Task.WhenAll(runs);
    }

    /// One check within its own time, an AWS error read as unknown: what RunAsync does for each.
    internal static async Task<CheckResult> RunOneAsync(IReadinessCheck check, ReadinessContext context, TimeSpan perCheck, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(perCheck);
        try
        {
            return await check.RunAsync(context, limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return new CheckResult { Check = check.Name, Status = CheckStatus.Unknown, Why = $"no answer within {perCheck.TotalSeconds:0} s" };
        }
        catch (FunctionException e)
        {
            return new CheckResult { Check = check.Name, Status = CheckStatus.Unknown, Why = $"could not read what it compares: {e.Message}" };
        }
    }
}
