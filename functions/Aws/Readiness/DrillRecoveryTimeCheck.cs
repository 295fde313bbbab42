using System.Globalization;
using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// The last successful drill, measured, would keep a real failover within `rtoObjectiveMinutes`: its measured phases, with the
/// model's bound standing in for each phase a drill does not measure (detection, the trigger, the recovery tasks, the gate
/// flip and the DNS TTL: a drill moves no traffic and starts from an operator); the sum is RecoveryTimeEstimate's, as the
/// report's.
public sealed class DrillRecoveryTimeCheck : IReadinessCheck
{
    public string Name => CheckNames.DrillRecoveryTime;

    public async Task<CheckResult> RunAsync(ReadinessContext context, CancellationToken ct)
    {
        // A drill runs the secondary's failover path, so its model (the primary's own plan models failback, whose detection and
        // trigger are an operator's: nothing).
        var model = context.Plan.Role == "secondary" ? context.Plan.Model : context.Peer?.Model;
        if (model is null)
            return this.Says(CheckStatus.Unknown, $"the secondary's plan, whose failover model a drill is measured against, could not be read ({context.PeerMissing ?? "no reason given"})");
        var drill = await LastDrill.ReadAsync(context, ct);
        if (drill is null) return this.Says(CheckStatus.Unknown, "no successful drill recorded, so no recovery time has been measured");

        var estimate = RecoveryTimeEstimate.Of(drill, model);
        var why = $"the last successful drill ({drill.Execution}) measured {Seconds(estimate.MeasuredSeconds)} ({Phases(estimate.Measured)}), and the " +
                  $"model's bound for the rest is {Seconds(estimate.ModelledSeconds)} ({Phases(estimate.Modelled)}): {Seconds(estimate.TotalSeconds)}";
        return estimate.OverObjective
            ? this.Says(CheckStatus.Fail, $"{why}, over the objective of {Seconds(model.ObjectiveSeconds)}")
            : this.Says(CheckStatus.Pass, $"{why}, within the objective of {Seconds(model.ObjectiveSeconds)}");
    }

    private static string Phases(IReadOnlyDictionary<string, double> phases) =>
        phases.Count == 0 ? "no phase" : string.Join(", ", RecoveryPhases.All.Where(phases.ContainsKey)
            .Concat(phases.Keys.Where(k => !RecoveryPhases.All.Contains(k)).Order(StringComparer.Ordinal))
            .Select(p => $"{p} {Seconds(phases[p])}"));

    private static string Seconds(double seconds) => $"{Math.Round(seconds).ToString(CultureInfo.InvariantCulture)} s";
}
