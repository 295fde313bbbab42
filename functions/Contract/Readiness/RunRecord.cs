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
    /// Seconds per phase (RecoveryPhases.All); null when not measured (detection and the DNS TTL always, the trigger
    /// unless an alarm started the run, a drill's recovery tasks and gate flip: RunMeasurement).
    public required IReadOnlyDictionary<string, double?> Phases { get; init; }
}

/// Where the run records live. In the decision log (DECISION_TABLE_NAME, the control table in eventual mode), beside decide's
/// records: the run's own `decision#OWNER` item gets attribute `measured` (STRING: the RunRecord's JSON, ReadinessJson), so it
/// expires with the decision (its TTL); the index item `runs` (ControlTableItems.Runs, no TTL) holds `recent` (STRING: a JSON
/// list of RunRecord, newest first, at most Kept, one per execution), `lastSucceededDrill` (STRING: the RunRecord of the newest
/// drill whose outcome is SUCCEEDED; kept however many runs follow) and `version` (NUMBER), the guard of its read-modify-write:
/// runs are serialised by the lock, so a conflict is rare and a retry or two settles it.
public static class RunRecords
{
    public const int Kept = 50;
    /// The index item's attributes and the decision record's.
    public const string Recent = "recent";
    public const string LastSucceededDrill = "lastSucceededDrill";
    public const string Version = "version";
    public const string Measured = "measured";
}

/// The workflow's stamps (`$.timings.NAME.at`, when the run entered the step), by name: the workflow writes them, release-lock
/// measures the phases between them.
public static class RunStamps
{
    /// The execution's start.
    public const string Started = "started";
    /// decide answered.
    public const string Decided = "decided";
    /// The region is scaled up and ready (or, for a failover with the primary confirmed down, partly ready).
    public const string Ready = "ready";
    /// The beforeShift recovery tasks are done (a failover's or failback's, right before the shift; none: right after ready).
    public const string Recovered = "recovered";
    /// shift-traffic moved the gate.
    public const string Shifted = "shifted";
    /// The run's work is done, just before its SUCCEEDED notice.
    public const string Finished = "finished";
}
