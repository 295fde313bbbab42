using System.Globalization;
using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// The recovery region can start what the move adds: its Fargate On-Demand vCPU quota, minus the vCPU already in use there,
/// covers (active count − tasks the service already runs) × task vCPU. A move that meets the quota stops part-way, its tasks
/// refused with a capacity error while traffic waits on them.
public sealed class FargateQuotaCheck : IReadinessCheck
{
    /// The usage figure Service Quotas itself compares with this quota: AWS/Usage ResourceCount with these dimensions, published
    /// by Fargate each minute (Amazon ECS Developer Guide, "AWS Fargate usage metrics"). ECS's own counts would miss other
    /// services' and EKS's Fargate tasks in the same account and region.
    public const string UsageNamespace = "AWS/Usage";
    public const string UsageMetric = "ResourceCount";
    public static readonly IReadOnlyList<(string Name, string Value)> UsageDimensions =
        [("Service", "Fargate"), ("Type", "Resource"), ("Resource", "vCPU"), ("Class", "Standard/OnDemand")];

    /// The last 15 minutes, of which the newest minute is used: the metric lags by a minute or two, and Fargate publishes it only
    /// while something runs.
    private static readonly TimeSpan UsageWindow = TimeSpan.FromMinutes(15);

    public string Name => CheckNames.FargateQuota;

    public async Task<CheckResult> RunAsync(ReadinessContext context, CancellationToken ct)
    {
        var plan = context.Plan;
        var region = plan.Region;
        var running = (await new EcsClient(context.Aws, plan.Service.Region).DescribeServiceAsync(plan.Service.Cluster, plan.Service.Service, ct)).RunningCount;
        var adds = Math.Max(0, plan.ActiveCount - running);
        var needed = adds * plan.TaskVcpu;
        var move = $"the move's {adds} more task(s) × {N(plan.TaskVcpu)} vCPU = {N(needed)} (active count {plan.ActiveCount}, {running} running)";

        var quota = await new ServiceQuotasClient(context.Aws, region).GetServiceQuotaAsync(FargateQuota.ServiceCode, FargateQuota.QuotaCode, ct);
        var now = context.Time.GetUtcNow();
        var usage = await new CloudWatchClient(context.Aws, region).GetMetricStatisticsAsync(UsageNamespace, UsageMetric, UsageDimensions,
            now - UsageWindow, now, TimeSpan.FromMinutes(1), "Maximum", ct);
        // No data point: Fargate publishes the metric only while something runs, so nothing is in use.
        // The newest minute, not the window's peak: the move's tasks are counted from the service's current running count, so a
        // peak from before a scale-down would count the tasks it stopped twice (as in use and as still to start).
        var inUse = usage.Count == 0 ? 0 : usage[^1].Value;
        var left = quota - inUse;
        var sums = $"{region}'s Fargate On-Demand vCPU quota {N(quota)} minus {N(inUse)} in use " +
            $"({UsageNamespace} {UsageMetric}, the figure Service Quotas compares{(usage.Count == 0 ? "; none published in 15 minutes" : "")}) leaves {N(left)}";
        return left >= needed
            ? new CheckResult { Check = Name, Status = CheckStatus.Pass, Why = $"{sums}, enough for {move}" }
            : new CheckResult { Check = Name, Status = CheckStatus.Fail, Why = $"{sums}, short of {move}" };
    }

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
