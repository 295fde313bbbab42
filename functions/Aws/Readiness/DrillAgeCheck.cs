using System.Globalization;
using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// The last drill that succeeded is younger than `failover:drillMaxAgeDays`: a failover path nobody has exercised for months
/// has had months of changes to break it unnoticed.
public sealed class DrillAgeCheck : IReadinessCheck
{
    public string Name => CheckNames.DrillAge;

    public async Task<CheckResult> RunAsync(ReadinessContext context, CancellationToken ct)
    {
        var plan = context.Plan;
        var drill = await LastDrill.ReadAsync(context, ct);
        if (drill is null)
            return this.Says(CheckStatus.Fail, $"no successful drill recorded in {plan.DecisionTableName} ({plan.Region}): run `failoverctl start drill --wait`");
        if (!DateTimeOffset.TryParse(drill.FinishedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var finished))
            return this.Says(CheckStatus.Unknown, $"the last successful drill ({drill.Execution}) has a finishedAt that is no time ({drill.FinishedAt})");
        var age = context.Time.GetUtcNow() - finished;
        var days = age.TotalDays.ToString("0.#", CultureInfo.InvariantCulture);
        var what = $"the last successful drill ({drill.Execution}) finished {Attr.Iso(finished)}, {days} days ago";
        return age > TimeSpan.FromDays(plan.DrillMaxAgeDays)
            ? this.Says(CheckStatus.Fail, $"{what}: older than drillMaxAgeDays {plan.DrillMaxAgeDays}; run `failoverctl start drill --wait`")
            : this.Says(CheckStatus.Pass, $"{what}, within drillMaxAgeDays {plan.DrillMaxAgeDays}");
    }
}
