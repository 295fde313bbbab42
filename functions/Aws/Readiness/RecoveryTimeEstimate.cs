using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// What a run says of the recovery time against the objective: the phases it measured, with the model's bound standing in for
/// each phase of the model it did not measure (a drill starts from an operator and moves no traffic; no run sees when an outage
/// began). One computation for the drill-recovery-time check and `failoverctl report`, so that a run is never within the
/// objective in one and over it in the other.
public sealed record RecoveryTimeEstimate
{
    /// Seconds per phase the run measured.
    public required IReadOnlyDictionary<string, double> Measured { get; init; }
    /// The model's bound, in seconds, per phase of the model the run did not measure.
    public required IReadOnlyDictionary<string, double> Modelled { get; init; }
    public required int ObjectiveSeconds { get; init; }

    public double MeasuredSeconds => Measured.Values.Sum();
    public double ModelledSeconds => Modelled.Values.Sum();
    public double TotalSeconds => MeasuredSeconds + ModelledSeconds;
    public bool OverObjective => TotalSeconds > ObjectiveSeconds;

    public static RecoveryTimeEstimate Of(RunRecord run, RecoveryModel model)
    {
        var measured = run.Phases.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!.Value, StringComparer.Ordinal);
        // The bound, not the typical figure: the question is whether the objective holds at worst for what was not measured.
        var modelled = model.Phases.Where(p => !measured.ContainsKey(p.Phase))
            .ToDictionary(p => p.Phase, p => (double)p.BoundSeconds, StringComparer.Ordinal);
        return new RecoveryTimeEstimate { Measured = measured, Modelled = modelled, ObjectiveSeconds = model.ObjectiveSeconds };
    }
}
