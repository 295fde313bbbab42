namespace Failover.Contract.Readiness;

// What each failover, failback and drill measures of itself, written by release-lock at the run's end into the decision log:
// onto the run's own decision record (`decision#OWNER`, attribute `measured`) and into the bounded index item `runs`
// (attribute `recent`, newest first, at most RunRecords.Kept; `lastSucceededDrill`), which `failoverctl report` and the
// drill checks read with one GetItem.

/// The phases of the recovery-time model, by wire name, in order. A phase not measured in a run is null in its record.
public static class RecoveryPhases
{
    public const string Detection = "detection";
    public const string Trigger = "trigger";
    public const string Decision = "decision";
    public const string ScaleUpAndReadiness = "scaleUpAndReadiness";
    public const string RecoveryTasks = "recoveryTasks";
    public const string GateFlip = "gateFlip";
    public const string DnsTtl = "dnsTtl";

    public static readonly IReadOnlyList<string> All = [Detection, Trigger, Decision, ScaleUpAndReadiness, RecoveryTasks, GateFlip, DnsTtl];
}

/// One run as measured.
public sealed record RunRecord
{
    /// The execution ARN.
    public required string Execution { get; init; }
    /// `failover`, `failback`, `drill`.
    public required string Action { get; init; }
    /// The stack whose workflow ran.
    public required string Stack { get; init; }
    /// SUCCEEDED or FAILED (as release-lock's outcome).
    public required string Outcome { get; init; }
    public required string Source { get; init; }
    /// ISO 8601 UTC.
    public required string StartedAt { get; init; }
    public required string FinishedAt { get; init; }
    /// Seconds per phase (RecoveryPhases.All); null when not measured (detection without an alarm's timestamp, a drill's gate).
    public required IReadOnlyDictionary<string, double?> Phases { get; init; }
}

/// The index item `runs`: its attributes and limits. Both attributes are DynamoDB strings holding JSON in ReadinessJson's form
/// (camelCase, nulls left out), not DynamoDB maps: `recent` the list of RunRecords, `lastSucceededDrill` one RunRecord. A
/// reader deserializes them with the same source-generated context the writer serialized them with, and a map's typed
/// attribute values would be a second encoding of one record to keep in step.
public static class RunRecords
{
    public const int Kept = 50;
    public const string Recent = "recent";
    public const string LastSucceededDrill = "lastSucceededDrill";
}
