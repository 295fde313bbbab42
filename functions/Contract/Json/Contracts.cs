using System.Text.Json;
using System.Text.Json.Serialization;

namespace Failover.Functions.Json;

// The functions' requests and responses, and the source-generated context that reads and writes them: a record added here is
// registered in FunctionsJson below, in the same file.

/// Input of `decide`: what the workflow was started for, by whom, and the alarm event that triggered it, if any.
public sealed record DecideRequest
{
    public string? Action { get; init; }
    public string? Source { get; init; }
    /// An operator's "act regardless of health"; a `block` flag still wins.
    public bool? Force { get; init; }
    /// Set by the triggers (alarm rule, probe): a force flag does not act against a healthy primary for such a run.
    public bool? Unattended { get; init; }
    public string? Reason { get; init; }
    /// The Step Functions execution id: the lock's owner, the same on every retry. Required.
    public string? ExecutionId { get; init; }
    /// The run's lock token (the workflow makes it once, `States.UUID()`, the same on every retry): the lock is taken for it, and
    /// a lock of this execution is re-entered only with it. Required.
    public string? LockId { get; init; }
    /// The `detail` of an EventBridge "CloudWatch Alarm State Change" event.
    public AlarmEvent? Alarm { get; init; }
}

public sealed record AlarmEvent
{
    public string? AlarmName { get; init; }
    public AlarmEventState? State { get; init; }
}

public sealed record AlarmEventState
{
    public string? Value { get; init; }
    public string? Reason { get; init; }
    /// When the alarm entered this state, as CloudWatch writes it (`2026-11-26T17:04:40.989+0000`).
    public string? Timestamp { get; init; }
}

/// Output of `decide`.
public sealed record DecideResponse
{
    /// FAILOVER | FAILBACK | DRILL | BLOCKED | NO_ACTION
    public required string Decision { get; init; }
    public required string Action { get; init; }
    public required string Reason { get; init; }
    /// Who or what started the run, as the request said.
    public required string Source { get; init; }
    /// The operator's reason from the request, for the record and the notifications.
    public string? RequestReason { get; init; }
    public required FlagView Flag { get; init; }
    public required HealthView Health { get; init; }
    /// The run's token when this run took the lock for it; empty otherwise. Secret: no notice, log line or record carries it.
    public required string LockId { get; init; }
    /// The entry point Step Functions says ran this decision: `operator` (may force) or `trigger` (never forces, always unattended).
    public required string Entry { get; init; }
    /// What the input claimed (force, unattended, the triggering alarm) and what became of each claim.
    public required IReadOnlyList<ClaimView> Claims { get; init; }
    /// Someone should look: the evidence was missing, so automation did nothing.
    public bool Alert { get; init; }
    /// A failover's: the primary service's desired count as read from its region, the size to scale to; 0 when not read.
    public required int PrimaryDesiredCount { get; init; }
    /// Whether this run announces its BLOCKED or ALERT condition, or leaves it to the reminder (NoticeRepeat).
    public required NoticeView Notice { get; init; }
}

/// One claim of the input: `verified` (checked against Step Functions or a live source), `refused` (this entry point may not
/// claim it) or `unverified` (taken as a claim only, without power).
public sealed record ClaimView
{
    public required string Claim { get; init; }
    public required string Status { get; init; }
    public required string Detail { get; init; }
}

/// decide's answer on announcing. Notify: publish BLOCKED or ALERT now (a new condition, a reminder that is due, or the record
/// of the last announcement unusable); false for a condition announced less than the repeat interval ago, and for every
/// outcome that announces nothing. Reminder: one sentence for the notice and the execution's output.
public sealed record NoticeView
{
    public required bool Notify { get; init; }
    public required string Reminder { get; init; }
    /// When this condition is announced again if it lasts (absent when there is nothing to repeat, or it cannot be known).
    public string? NextReminderAt { get; init; }
}

/// The flag as it was applied, and where it came from.
public sealed record FlagView
{
    public required string Mode { get; init; }
    /// `override` (control table) or `default` (pulumi config).
    public required string Source { get; init; }
    public string? Reason { get; init; }
    public string? SetBy { get; init; }
    public string? ExpiresAt { get; init; }
}

public sealed record HealthView
{
    /// HEALTHY | UNHEALTHY | UNKNOWN
    public required string Status { get; init; }
    /// Two independent sources say UNHEALTHY, the direct probe among them: what an unattended failover needs.
    public required bool Confirmed { get; init; }
    public required IReadOnlyList<EvidenceView> Evidence { get; init; }
}

public sealed record EvidenceView
{
    public required string Source { get; init; }
    /// HEALTHY | UNHEALTHY | UNKNOWN
    public required string Verdict { get; init; }
    public required string Detail { get; init; }
}

/// Input of `shift-traffic`: failover | failback | drill, and the token of the lock held for it.
public sealed record ActionRequest
{
    public string? Action { get; init; }
    /// decide's lockId: without the token of the lock held for this action, nothing moves.
    public string? LockId { get; init; }
}

/// Input of `scale-service`: the action, and optionally the size to set regardless of it.
public sealed record ScaleServiceRequest
{
    public string? Action { get; init; }
    /// `active` | `standby`; absent: failback sets standby, failover and drill active.
    public string? Size { get; init; }
    /// active: scale to at least this many (the primary's desired count), within the scalable target's maximum; 0 or absent: the
    /// active count.
    public int? AtLeast { get; init; }
    /// decide's lockId: without the token of the lock held for this action, nothing is scaled.
    public string? LockId { get; init; }
}

/// Input of `check-service`: nothing, or when the workflow began waiting and for how long it may (both or neither).
public sealed record CheckServiceRequest
{
    /// Not read: the workflow passes its input through.
    public string? Action { get; init; }
    /// ISO-8601: when the workflow started waiting for readiness (e.g. the wait loop's entry time).
    public string? WaitingSince { get; init; }
    /// 1..86400: how long it may wait; past it an unready service is `timedOut`.
    public int? TimeoutSeconds { get; init; }
}

public sealed record ScaleServiceResponse
{
    public required string Action { get; init; }
    public required int DesiredCount { get; init; }
    public required int MinCapacity { get; init; }
    public required int PreviousDesiredCount { get; init; }
    public required int PreviousMinCapacity { get; init; }
    public required bool Changed { get; init; }
}

public sealed record CheckServiceResponse
{
    public required bool Ready { get; init; }
    public required int Running { get; init; }
    public required int Desired { get; init; }
    public required int HealthyTargets { get; init; }
    public string? RolloutState { get; init; }
    /// Not ready, and waited `timeoutSeconds` or longer since `waitingSince`; always false without them, and for a ready service.
    public required bool TimedOut { get; init; }
    /// Whole seconds since `waitingSince`, when the request gave it.
    public int? WaitedSeconds { get; init; }
}

public sealed record ShiftTrafficResponse
{
    /// False when the gate was already where the action wants it (idempotent retry).
    public required bool Shifted { get; init; }
    /// The gate health check id, or the routing control ARN in ARC mode.
    public required string Gate { get; init; }
    /// True while the gate keeps traffic off the primary (health check inverted, routing control Off).
    public required bool Inverted { get; init; }
    /// `metric`, `arc` or `route53-api` (TrafficGateModes).
    public required string Mode { get; init; }
    /// A failback that could not reach the region holding the primary's gate switch closed the secondary's gate instead:
    /// Route 53 answers PRIMARY while both records are unhealthy. Run failback again once that region answers.
    public bool Degraded { get; init; }
}

/// Input of `release-lock`: the lock to give back and how the run ended.
public sealed record ReleaseLockRequest
{
    /// The run's lock token: only its holder renews or releases the lock.
    public string? LockId { get; init; }
    /// The execution releasing, for the record (lastReleasedBy, the transition's owner).
    public string? ExecutionId { get; init; }
    public string? Action { get; init; }
    /// SUCCEEDED records the transition (active region, epoch, time); FAILED only releases; RENEW keeps the lock for leaseSeconds more.
    public string? Outcome { get; init; }
    /// RENEW: how long from now the lease runs: the longest the run's next phase can take.
    public int? LeaseSeconds { get; init; }
    /// The final release's (SUCCEEDED, FAILED) account of the run, for its measured record: the request it was started with
    /// (the workflow's `$.request`) and its stamps (`$.timings`, RunStamps).
    public RunStart? Request { get; init; }
    public IReadOnlyDictionary<string, RunStamp>? Timings { get; init; }
}

/// What a run was started with, as far as its record needs it.
public sealed record RunStart
{
    public string? Source { get; init; }
    /// The alarm event's `detail` when an alarm started the run. Read leniently: what a run was started with must never fail its
    /// release (decide refuses a malformed alarm, but the release after that refusal still runs).
    public JsonElement? Alarm { get; init; }
}

/// One workflow stamp: when the run entered the step (ISO 8601).
public sealed record RunStamp
{
    public string? At { get; init; }
}

public sealed record ReleaseLockResponse
{
    /// This execution holds the lock no longer: released now, or by an earlier call of the same execution.
    public required bool Released { get; init; }
    public required bool StateRecorded { get; init; }
    /// What happened, and when nothing did, why (another execution's lock, no lock, a repeated call).
    public required string Reason { get; init; }
    public string? ActiveRegion { get; init; }
    /// The transition's epoch when one was recorded; 0 when nothing was (a failed run, a drill).
    public required long Epoch { get; init; }
    /// The run's measured record (RunRecord) was written into the decision log: false for a renewal, a release of no lock of this
    /// run's, and a record that could not be written (`reason` says why; the lock is released all the same).
    public required bool Recorded { get; init; }
}

/// What the Runtime API's /error endpoints take.
public sealed record ErrorResponse(
    [property: JsonPropertyName("errorType")] string ErrorType,
    [property: JsonPropertyName("errorMessage")] string ErrorMessage);

/// The one source-generated JSON context: no reflection anywhere (trimming and AOT stay clean).
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    AllowTrailingCommas = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(DecideRequest))]
[JsonSerializable(typeof(DecideResponse))]
[JsonSerializable(typeof(ActionRequest))]
[JsonSerializable(typeof(ScaleServiceRequest))]
[JsonSerializable(typeof(CheckServiceRequest))]
[JsonSerializable(typeof(ScaleServiceResponse))]
[JsonSerializable(typeof(CheckServiceResponse))]
[JsonSerializable(typeof(ShiftTrafficResponse))]
[JsonSerializable(typeof(ReleaseLockRequest))]
[JsonSerializable(typeof(ReleaseLockResponse))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(ErrorResponse))]
public sealed partial class FunctionsJson : JsonSerializerContext;
