using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// Every alarm the decision and the gate depend on exists, and none sits in INSUFFICIENT_DATA where the design expects data:
/// a deleted alarm never fires, and one that CloudWatch cannot evaluate never fires either.
public sealed class AlarmsCheck : IReadinessCheck
{
    /// Each of these alarms reads no data as good or bad news (treatMissingData notBreaching or breaching), so CloudWatch moves it
    /// out of INSUFFICIENT_DATA at its first evaluation, minutes after a deploy creates or updates it. 30 min is a wide margin
    /// over those minutes (it does not depend on how often the check runs, which only decides when a stuck alarm is seen): a
    /// deploy's new alarm never fails the check, and one still without data after that is one CloudWatch cannot evaluate (its
    /// metric or a dimension names nothing that exists), which will not fire when it must.
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(30);

    /// DescribeAlarms answers at most MaxRecords alarms per page, 50 by default (CloudWatch API reference): a batch no larger
    /// fits one page, so no NextToken is left unread.
    private const int NamesPerCall = 50;

    public string Name => CheckNames.Alarms;

    public async Task<CheckResult> RunAsync(ReadinessContext context, CancellationToken ct)
    {
        var wanted = context.Plan.Alarms;
        // Every plan names the decision's and the gate's alarms: an empty list is a plan emptied by hand, which must not pass.
        if (wanted.Count == 0) return this.Says(CheckStatus.Fail, "the plan names no alarm, but every stack's decision and gate have alarms: the plan was emptied; deploy it again (failoverctl deploy)");
        var now = context.Time.GetUtcNow();
        var reads = wanted.GroupBy(a => a.Region).SelectMany(region => region.Chunk(NamesPerCall).Select(async batch =>
            (Region: region.Key, Found: await new CloudWatchClient(context.Aws, region.Key).DescribeAlarmsAsync([.. batch.Select(a => a.Name)], ct))));
        var found = (await Task.WhenAll(reads))
            .SelectMany(r => r.Found.Select(a => (r.Region, Alarm: a)))
            .DistinctBy(a => (a.Region, a.Alarm.Name))
            .ToDictionary(a => (a.Region, a.Alarm.Name), a => a.Alarm);

        var missing = new List<string>();
        var stuck = new List<string>();
        var lackingAsDesigned = new List<string>();
        foreach (var alarm in wanted)
        {
            if (!found.TryGetValue((alarm.Region, alarm.Name), out var state))
            {
                missing.Add($"{alarm.Name} in {alarm.Region}");
                continue;
            }
            if (state.State != "INSUFFICIENT_DATA") continue;
            if (alarm.MayLackData)
            {
                lackingAsDesigned.Add($"{alarm.Name} ({alarm.Why ?? "expected by design"})");
                continue;
            }
            var since = state.StateUpdated is { } at ? now - at : (TimeSpan?)null;
            if (since is null || since > Grace)
                stuck.Add($"{alarm.Name} in {alarm.Region} {(since is { } s ? $"for {Minutes(s)}" : "since a time CloudWatch does not give")}");
        }

        var problems = new List<string>();
        if (missing.Count > 0) problems.Add($"{missing.Count} missing ({string.Join(", ", missing)})");
        if (stuck.Count > 0) problems.Add($"{stuck.Count} in INSUFFICIENT_DATA longer than {Minutes(Grace)} ({string.Join(", ", stuck)}): CloudWatch cannot evaluate them, so they would not fire");
        var designed = lackingAsDesigned.Count > 0 ? $"; INSUFFICIENT_DATA as designed: {string.Join(", ", lackingAsDesigned)}" : "";
        return problems.Count > 0
            ? this.Says(CheckStatus.Fail, $"of {wanted.Count} alarms, {string.Join("; and ", problems)}{designed}")
            : this.Says(CheckStatus.Pass, $"all {wanted.Count} alarms exist and none is stuck in INSUFFICIENT_DATA{designed}");
    }

    private static string Minutes(TimeSpan span) => $"{(int)span.TotalMinutes} min";
}
