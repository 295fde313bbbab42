using Failover.Contract;
using Failover.Contract.Readiness;
using Failover.Infra.Config;
using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// The Amazon States Language definition of one stack's workflow (docs/design.md §6), promoting this stack's region: failover
/// and drills in the secondary, failback in the primary. JSONPath only: every field it reads is one the contract says the
/// functions always write (FunctionContract.Results), and the execution's state always holds `request`, `lock`,
/// `decision` and `timings` (defaults first), so a notification can never fail on a missing path.
public static class WorkflowDefinition
{
    /// State names: what an operator sees in the console and what the tests drive.
    public static class States
    {
        public const string CheckAction = "CheckAction";
        public const string UnsupportedAction = "UnsupportedAction";
        public const string InvalidSource = "InvalidSource";
        public const string Defaults = "Defaults";
        public const string Prepare = "Prepare";
        public const string Decide = "Decide";
        public const string StampDecided = "StampDecided";
        public const string RouteDecision = "RouteDecision";
        public const string UnexpectedDecision = "UnexpectedDecision";
        public const string NoAction = "NoAction";
        public const string Blocked = "Blocked";
        public const string ScaleUp = "ScaleUp";
        public const string StartReadinessClock = "StartReadinessClock";
        public const string CheckReadiness = "CheckReadiness";
        public const string IsReady = "IsReady";
        public const string CountCheck = "CountCheck";
        public const string WaitForReadiness = "WaitForReadiness";
        public const string NotReady = "NotReady";
        public const string PartialReadiness = "PartialReadiness";
        public const string ShiftWithPartialCapacity = "ShiftWithPartialCapacity";
        public const string StampReady = "StampReady";
        public const string StampRecovered = "StampRecovered";
        public const string ShiftTraffic = "ShiftTraffic";
        public const string StampShifted = "StampShifted";
        public const string ScaleDownStandby = "ScaleDownStandby";
        public const string DrillScaleBack = "DrillScaleBack";
        public const string StampFinished = "StampFinished";
        public const string ReleaseLock = "ReleaseLock";
        public const string Done = "Done";
        public const string OnFailure = "OnFailure";
        public const string CheckRelease = "CheckRelease";
        public const string TransitionNotRecorded = "TransitionNotRecorded";
        public const string TrafficMoved = "TrafficMoved";
        public const string DrainBeforeScaleDown = "DrainBeforeScaleDown";
        public const string DrillScaleBackAfterFailure = "DrillScaleBackAfterFailure";
        public const string ReleaseAfterFailure = "ReleaseAfterFailure";
        /// Where the run renews its lock's lease for the phase ahead (see LockLeases).
        public const string RenewDuringReadiness = "RenewDuringReadiness";
        public const string RenewBeforeShift = "RenewBeforeShift";
        public const string RenewAfterShift = "RenewAfterShift";
        public const string Failed = "Failed";

        public static string Describe(string notice) => $"Describe{Pascal(notice)}";

        public static string Notify(string notice) => $"Notify{Pascal(notice)}";

        private static string Pascal(string notice) => notice[..1] + notice[1..].ToLowerInvariant();
    }

    /// What the workflow publishes, and when.
    public static class Notices
    {
        public const string Initiated = "INITIATED";
        public const string Blocked = "BLOCKED";
        public const string Succeeded = "SUCCEEDED";
        public const string Failed = "FAILED";
        /// Nothing was done, but someone should look (evidence missing, an unreadable lock or flag, a drill refused in an outage).
        public const string Alert = "ALERT";
    }

    /// Lambda's own transient errors (the invoke integration's names): the function did not run or did not answer.
    public static readonly IReadOnlyList<string> LambdaTransientErrors =
        ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException",
            "Lambda.ClientExecutionTimeoutException"];

    /// How often a task retries Lambda's transient errors (a throttle among them): the function's throttle alarm counts past it.
    public const int LambdaTransientRetries = 5;

    /// How often a task retries a function's retryable or outcome-unknown error: the function's error alarm counts past it.
    public const int FunctionErrorRetries = 3;

    /// Errors whose outcome is unknown besides the functions' own: a task that timed out, a function that crashed or ran
    /// out of memory. Every handler is idempotent, so repeating converges.
    public static readonly IReadOnlyList<string> OutcomeUnknownErrors = ["States.Timeout", "Lambda.Unknown", "Sandbox.Timedout"];

    /// Every Lambda task's retriers, first match wins: Lambda's transient errors, then the function's retryable or outcome-unknown ones.
    public static readonly TaskRetry LambdaTransientRetry = new()
    {
        Errors = LambdaTransientErrors, IntervalSeconds = 1, MaxAttempts = LambdaTransientRetries, MaxDelaySeconds = 16,
    };
    public static readonly TaskRetry FunctionErrorRetry = new()
    {
        Errors = [.. ErrorTypes.Retryable, .. OutcomeUnknownErrors], IntervalSeconds = 2, MaxAttempts = FunctionErrorRetries, MaxDelaySeconds = 20,
    };

    /// A Lambda task's time limit: its function's, and 10 s for the invoke around it.
    public static int TaskTimeoutSeconds(HandlerDescriptor handler) => handler.Size.TimeoutSeconds + 10;

    /// The longest one Lambda task can take through all its retries: each attempt a function error ends runs to the task's
    /// limit, every wait is its longest, and Lambda's transient errors (a throttle among them) answer at once. A function's
    /// watcher alarms sum its errors and throttles over this span, so a task that runs out of attempts is counted whole.
    public static int TaskRetrySpanSeconds(HandlerDescriptor handler) =>
        (FunctionErrorRetry.MaxAttempts + 1) * TaskTimeoutSeconds(handler) + FunctionErrorRetry.LongestWaitsSeconds + LambdaTransientRetry.LongestWaitsSeconds;

    /// The longest an execution may run (the readiness bound, the failback's drain, every recovery task's time limit, and an
    /// hour for every task's retries): an execution that somehow outlives it is stopped. The lock's lease is shorter: it covers
    /// the phase the run is in, and the run renews it between phases (LockLeases).
    public static int ExecutionTimeoutSeconds(WorkflowSettings settings, IReadOnlyList<RecoveryTask> recoveryTasks) =>
        settings.ReadinessTimeoutSeconds + settings.FailbackDrainSeconds + RecoveryTasks.TimeoutSeconds(recoveryTasks) + 3600;

    /// The actions an entry point's machine runs: the triggers' starts failovers, and drills only where the stack schedules them
    /// (drillSchedule: the schedule starts them there, unattended and never forced); the operators' whatever the stack's
    /// workflow runs (RoleProfile decides).
    public static IReadOnlyList<FailoverAction> ActionsFor(Role role, WorkflowEntry entry, bool scheduledDrills = false) =>
        entry == WorkflowEntry.Operator ? RoleProfile.WorkflowActionsOf(role)
        : scheduledDrills ? [FailoverAction.Failover, FailoverAction.Drill]
        : [FailoverAction.Failover];

    /// A failback (the primary's workflow): after the shift it drains, then scales the secondary back to standby.
    private static bool FailsBack(Role role) => RoleProfile.WorkflowActionsOf(role).Contains(FailoverAction.Failback);

    /// What a trigger's start is, whatever its input says: it never forces, and it is unattended (decide checks the same
    /// against Step Functions; this keeps the machine's own record of the request true).
    private static readonly Map TriggerOverrides = Map.Of(("force", false), (TriggerContract.Unattended, true));

    /// The definition; `targets` are the ARNs of the functions it invokes, `topic` the ARN it publishes notices to, and `recovery`
    /// adds the application's recovery tasks around the traffic shift (none when null).
    public static Map Build(Role role, string region, WorkflowSettings settings, WorkflowFunctions<Value> targets, Value topic, RecoveryTasks? recovery = null,
        WorkflowEntry entry = WorkflowEntry.Operator, bool scheduledDrills = false)
    {
        var failsBack = FailsBack(role);
        if (failsBack && targets.ScaleStandby is null)
            throw new ArgumentException("A primary's failback scales the secondary back to standby: it needs that function.", nameof(targets));
        if (failsBack && entry == WorkflowEntry.Trigger)
            throw new ArgumentException("Nothing triggers a failback: the primary has the operators' entry point only.", nameof(entry));
        var b = new Builder(role, region, settings, targets, topic, recovery, Leases(role, region, settings, targets, recovery), entry, scheduledDrills);
        var recoverySteps = recovery is { All.Count: > 0 } ? " Recovery tasks run before and after the shift as configured; a drill runs none." : "";
        return Map.Of(
            ("Comment", (failsBack
                ? $"Failback into {region}: decide, scale this region up, wait until ready, restore the traffic gate, scale the secondary back to standby."
                : entry == WorkflowEntry.Trigger && scheduledDrills
                ? $"Failover into {region} (and scheduled drills), started by the triggers (never forced): decide, scale this region up, wait until ready, close the primary's traffic gate."
                : entry == WorkflowEntry.Trigger
                ? $"Failover into {region}, started by the triggers (never forced): decide, scale this region up, wait until ready, close the primary's traffic gate."
                : $"Failover into {region} (and drills): decide, scale this region up, wait until ready, close the primary's traffic gate.") + recoverySteps),
            ("StartAt", States.CheckAction),
            ("TimeoutSeconds", ExecutionTimeoutSeconds(settings, recovery?.All ?? [])),
            ("States", new Map(b.States())));
    }

    /// The states that renew or release the lock: a phase ends when the run enters one.
    private static readonly IReadOnlySet<string> LockHolders = new HashSet<string>(StringComparer.Ordinal)
        { States.RenewDuringReadiness, States.RenewBeforeShift, States.RenewAfterShift, States.ReleaseLock, States.ReleaseAfterFailure };

    /// decide's lease when it takes the lock (LOCK_LEASE_SECONDS): the longest the run can take from decide until it first
    /// renews or releases the lock.
    public static int DecideLeaseSeconds(Role role, string region, WorkflowSettings settings, RecoveryTasks? recovery = null) =>
        Leases(role, region, settings, Placeholders(role), recovery)[States.Decide];

    /// Targets whose ARNs are all "arn": the leases depend on no ARN, so measuring them needs none.
    private static WorkflowFunctions<Value> Placeholders(Role role)
    {
        var placeholder = new Str("arn");
        return new WorkflowFunctions<Value>
        {
            Decide = placeholder, ScaleService = placeholder, CheckService = placeholder, ShiftTraffic = placeholder, ReleaseLock = placeholder,
            ScaleStandby = FailsBack(role) ? placeholder : null,
        };
    }

    /// Each renewal's lease and decide's, measured on the states themselves (the leases are in the states, but no duration depends
    /// on them, so one build with placeholders measures them).
    private static Dictionary<string, int> Leases(Role role, string region, WorkflowSettings settings, WorkflowFunctions<Value> targets, RecoveryTasks? recovery)
    {
        var states = new Builder(role, region, settings, targets, new Str("arn"), recovery, leases: null, WorkflowEntry.Operator, scheduledDrills: false).States();
        return new[] { States.Decide, States.RenewDuringReadiness, States.RenewBeforeShift, States.RenewAfterShift }
            .Where(states.ContainsKey)
            // Step Functions stops the run at its time limit, so no lease needs to be longer (retried recovery tasks can add up to more).
            .ToDictionary(name => name, name => Math.Min(LockLeases.From(states, name, LockHolders), ExecutionTimeoutSeconds(settings, recovery?.All ?? [])),
                StringComparer.Ordinal);
    }

    /// The longest lease any phase writes (decide's or a renewal's): a lease further ahead was written by no run (decide reads
    /// such a lock as none).
    public static int MaxLeaseSeconds(Role role, string region, WorkflowSettings settings, RecoveryTasks? recovery = null) =>
        Leases(role, region, settings, Placeholders(role), recovery).Values.Max();

    private sealed class Builder(Role role, string region, WorkflowSettings settings, WorkflowFunctions<Value> targets, Value topic, RecoveryTasks? recovery,
        IReadOnlyDictionary<string, int>? leases, WorkflowEntry entry, bool scheduledDrills)
    {
        private readonly Dictionary<string, Value> _states = new(StringComparer.Ordinal);
        private IReadOnlyList<FailoverAction> Actions { get; } = ActionsFor(role, entry, scheduledDrills);

        private bool FailsBack => Actions.Contains(FailoverAction.Failback);

        public Dictionary<string, Value> States()
        {
            var actions = Actions.Select(Wire.Of).ToList();
            _states[WorkflowDefinition.States.CheckAction] = Map.Of(
                ("Type", "Choice"),
                ("Comment", $"This stack's workflow runs {string.Join(" and ", actions)}."),
                ("Choices", Value.List(
                    // Notifications quote the source in a sentence: anything but text would break them, so it stops here.
                    Map.Of(
                        ("And", Value.List(
                            Map.Of(("Variable", "$.source"), ("IsPresent", true)),
                            Map.Of(("Not", Map.Of(("Variable", "$.source"), ("IsString", true)))))),
                        ("Next", WorkflowDefinition.States.InvalidSource)),
                    Map.Of(
                    ("And", Value.List(
                        Map.Of(("Variable", "$.action"), ("IsPresent", true)),
                        Map.Of(("Variable", "$.action"), ("IsString", true)),
                        Map.Of(("Or", Value.List(actions.Select(a => (Value)Map.Of(("Variable", "$.action"), ("StringEquals", a)))))))),
                    ("Next", WorkflowDefinition.States.Defaults)))),
                ("Default", WorkflowDefinition.States.UnsupportedAction));
            _states[WorkflowDefinition.States.InvalidSource] = Map.Of(
                ("Type", "Fail"),
                ("Error", ErrorTypes.InvalidInput),
                ("Cause", "'source' must be text: who or what started this run (an alarm, a schedule, an operator's name)."));
            _states[WorkflowDefinition.States.UnsupportedAction] = Map.Of(
                ("Type", "Fail"),
                ("Error", "UnsupportedAction"),
                ("Cause", FailsBack
                    ? $"The primary's workflow ({region}) runs failback only; failover and drills run in the secondary's workflow. Input must be {{\"action\": \"failback\", \"source\": ...}}."
                    : $"The secondary's workflow ({region}) runs failover and drill; failback runs in the primary's workflow. Input must be {{\"action\": \"failover\" | \"drill\", \"source\": ...}}."));

            // Defaults first, so every later path exists: a missing reason or source reaches decide as empty (it refuses a
            // missing source by name) and never breaks a notification. The defaults are a structure, not a JSON literal inside an
            // intrinsic function, whose braces and quotes AWS would want escaped.
            _states[WorkflowDefinition.States.Defaults] = Map.Of(
                ("Type", "Pass"),
                ("Parameters", Map.Of(
                    ("defaults", Map.Of(("source", ""), ("reason", ""), ("force", false))),
                    ("input.$", "$"),
                    ("overrides", entry == WorkflowEntry.Trigger ? TriggerOverrides : Map.Of()))),
                ("Next", WorkflowDefinition.States.Prepare));
            _states[WorkflowDefinition.States.Prepare] = Map.Of(
                ("Type", "Pass"),
                ("Parameters", Map.Of(
                    ("request.$", "States.JsonMerge(States.JsonMerge($.defaults, $.input, false), $.overrides, false)"),
                    // The run's lock token, made once (a retried decide presents the same one): decide takes the lock for it, and every
                    // function that acts asks for it. Naming this execution is not enough to act as it.
                    ("lock", Map.Of(("executionId.$", "$$.Execution.Id"), ($"{ResultFields.LockId}.$", "States.UUID()"))),
                    ("region", region),
                    ("decision", Map.Of(
                        ("decision", "UNDECIDED"), ("action", ""), (ResultFields.Entry, ""), ("reason", "no decision was made"), ("source", ""),
                        ("flag", Map.Of(("mode", "unknown"), ("source", "none"))),
                        ("health", Map.Of(("status", Wire.Of(Failover.Contract.Health.Unknown)), ("evidence", Value.List()))),
                        ("alert", false),
                        (ResultFields.Notice, Map.Of((ResultFields.Notify, false), (ResultFields.Reminder, "no decision was made"))))),
                    // What a release on the failure path records: FAILED until traffic has moved, then the transition.
                    ("releaseOutcome", "FAILED"),
                    // Whether traffic moved before the region was fully ready (a failover with the primary confirmed down).
                    ("partial", Map.Of(("shifted", false))),
                    // Each recovery task's result lands here; present from the start, so every notice can carry it.
                    ("recovery", HasRecovery ? Map.Of() : null),
                    ("timings", Map.Of((RunStamps.Started, Map.Of(("at.$", "$$.Execution.StartTime"))))))),
                ("Next", WorkflowDefinition.States.Decide));

            // The lock's owner is the execution id, its token the run's: a retried decide re-enters its own lock.
            LambdaTask(WorkflowDefinition.States.Decide, FunctionContract.Decide, targets.Decide,
                payload: "States.JsonMerge($.request, $.lock, false)", resultPath: "$.decision", next: WorkflowDefinition.States.StampDecided);
            Stamp(WorkflowDefinition.States.StampDecided, RunStamps.Decided, WorkflowDefinition.States.RouteDecision);

            var decision = "$.decision.decision";
            // BLOCKED and ALERT are published only when decide says so (notice.notify): a condition already announced is
            // repeated at most every noticeRepeatMinutes, however often the probe starts a run. Silent, the run still ends in
            // Blocked or NoAction with the decision, and decide's reminder sentence, in its output.
            var notify = Map.Of(("Variable", $"$.decision.{ResultFields.Notice}.{ResultFields.Notify}"), ("BooleanEquals", true));
            var acting = new List<Value>
            {
                Map.Of(
                    ("And", Value.List(Map.Of(("Variable", decision), ("StringEquals", Wire.Of(Decision.Blocked))), notify)),
                    ("Next", WorkflowDefinition.States.Describe(Notices.Blocked))),
                Rule(decision, Wire.Of(Decision.Blocked), WorkflowDefinition.States.Blocked),
                Map.Of(
                    ("And", Value.List(
                        Map.Of(("Variable", decision), ("StringEquals", Wire.Of(Decision.NoAction))),
                        Map.Of(("Variable", $"$.decision.{ResultFields.Alert}"), ("BooleanEquals", true)),
                        notify)),
                    ("Next", WorkflowDefinition.States.Describe(Notices.Alert))),
                Rule(decision, Wire.Of(Decision.NoAction), WorkflowDefinition.States.NoAction),
            };
            foreach (var action in Actions)
                acting.Add(Map.Of(
                    ("And", Value.List(
                        Map.Of(("Variable", "$.request.action"), ("StringEquals", Wire.Of(action))),
                        ActingDecision(action))),
                    ("Next", WorkflowDefinition.States.Describe(Notices.Initiated))));
            _states[WorkflowDefinition.States.RouteDecision] = Map.Of(
                ("Type", "Choice"),
                ("Choices", Value.List(acting)),
                ("Default", WorkflowDefinition.States.UnexpectedDecision));
            _states[WorkflowDefinition.States.UnexpectedDecision] = Map.Of(
                ("Type", "Pass"),
                ("Parameters", Map.Of(
                    ("Error", "UnexpectedDecision"),
                    ("Cause.$", "States.Format('decide answered {} to a {} request; nothing was changed', $.decision.decision, $.request.action)"))),
                ("ResultPath", "$.error"),
                ("Next", FailureEntry));
            _states[WorkflowDefinition.States.NoAction] = Map.Of(("Type", "Succeed"), ("Comment", "Nothing to do: healthy, already done, in cooldown or locked."));

            Notice(Notices.Alert, "nothing was done but someone should look", WorkflowDefinition.States.NoAction, repeated: true);
            Notice(Notices.Blocked, "the flag stops automation", WorkflowDefinition.States.Blocked, repeated: true);
            _states[WorkflowDefinition.States.Blocked] = Map.Of(("Type", "Succeed"), ("Comment", "The user request flag is block."));

            Notice(Notices.Initiated, "acting now", WorkflowDefinition.States.ScaleUp);
            // Scale before shifting: traffic must never land on a cold region.
            LambdaTask(WorkflowDefinition.States.ScaleUp, FunctionContract.ScaleService, targets.ScaleService,
                // At least the primary's desired count when decide could read it (a failover's; 0 otherwise: the active count).
                payload: ActionAnd(("size", "active"), ("atLeast.$", $"$.decision.{ResultFields.PrimaryDesiredCount}"), LockId), resultPath: "$.scale",
                next: WorkflowDefinition.States.StartReadinessClock);
            _states[WorkflowDefinition.States.StartReadinessClock] = Map.Of(
                ("Type", "Pass"),
                ("Parameters", Map.Of(("since.$", "$$.State.EnteredTime"), ("checks", 0))),
                ("ResultPath", "$.readiness"),
                ("Next", WorkflowDefinition.States.CheckReadiness));
            LambdaTask(WorkflowDefinition.States.CheckReadiness, FunctionContract.CheckService, targets.CheckService,
                payload: ActionAnd(("waitingSince.$", "$.readiness.since"), ("timeoutSeconds", settings.ReadinessTimeoutSeconds)),
                resultPath: "$.check", next: WorkflowDefinition.States.IsReady);
            // Bounded twice: by time (check-service compares against waitingSince, as JSONPath has no date arithmetic)
            // and by the number of checks, so a clock that never advances still ends the loop.
            _states[WorkflowDefinition.States.IsReady] = Map.Of(
                ("Type", "Choice"),
                ("Choices", Value.List(
                    Map.Of(("Variable", $"$.check.{ResultFields.Ready}"), ("BooleanEquals", true), ("Next", WorkflowDefinition.States.StampReady)),
                    Map.Of(("Variable", $"$.check.{ResultFields.TimedOut}"), ("BooleanEquals", true), ("Next", GaveUpWaiting)),
                    Map.Of(("Variable", "$.readiness.checks"), ("NumericGreaterThanEquals", settings.MaxReadinessChecks - 1), ("Next", GaveUpWaiting)))),
                ("Default", WorkflowDefinition.States.CountCheck));
            _states[WorkflowDefinition.States.CountCheck] = Map.Of(
                ("Type", "Pass"),
                ("Parameters", Map.Of(("since.$", "$.readiness.since"), ("checks.$", "States.MathAdd($.readiness.checks, 1)"))),
                ("ResultPath", "$.readiness"),
                ("Next", WorkflowDefinition.States.WaitForReadiness));
            _states[WorkflowDefinition.States.WaitForReadiness] = Map.Of(
                ("Type", "Wait"),
                ("Seconds", settings.ReadinessPollSeconds),
                ("Next", WorkflowDefinition.States.RenewDuringReadiness));
            RenewLease(WorkflowDefinition.States.RenewDuringReadiness, WorkflowDefinition.States.CheckReadiness);
            _states[WorkflowDefinition.States.NotReady] = Map.Of(
                ("Type", "Pass"),
                ("Parameters", Map.Of(
                    ("Error", "NotReady"),
                    ("Cause.$", "States.Format('{} did not become ready within " + settings.ReadinessTimeoutSeconds +
                        " s: {} of {} tasks running, {} healthy targets; traffic was not moved', $.region, $.check.running, $.check.desired, $.check.healthyTargets)"))),
                ("ResultPath", "$.error"),
                ("Next", FailureEntry));

            if (Actions.Contains(FailoverAction.Failover))
            {
                // The timeout passed short of activeCount: with the primary confirmed down by two sources (decide's probe among them),
                // serving with the healthy tasks there are beats a dead region serving none; the service keeps starting the rest.
                _states[WorkflowDefinition.States.PartialReadiness] = Map.Of(
                    ("Type", "Choice"),
                    ("Choices", Value.List(Map.Of(
                        ("And", Value.List(
                            Map.Of(("Variable", "$.request.action"), ("StringEquals", Wire.Of(FailoverAction.Failover))),
                            Map.Of(("Variable", $"$.decision.health.{ResultFields.Confirmed}"), ("IsPresent", true)),
                            Map.Of(("Variable", $"$.decision.health.{ResultFields.Confirmed}"), ("BooleanEquals", true)),
                            Map.Of(("Variable", $"$.check.{ResultFields.HealthyTargets}"), ("NumericGreaterThanEquals", settings.MinReadyTasksForShift)))),
                        ("Next", WorkflowDefinition.States.ShiftWithPartialCapacity)))),
                    ("Default", WorkflowDefinition.States.NotReady));
                _states[WorkflowDefinition.States.ShiftWithPartialCapacity] = Map.Of(
                    ("Type", "Pass"),
                    ("Parameters", Map.Of(
                        ("shifted", true),
                        ("healthyTargets.$", $"$.check.{ResultFields.HealthyTargets}"),
                        ("running.$", $"$.check.{ResultFields.Running}"),
                        ("desired.$", $"$.check.{ResultFields.Desired}"))),
                    ("ResultPath", "$.partial"),
                    ("Next", WorkflowDefinition.States.StampReady));
            }

            var hasDrill = Actions.Contains(FailoverAction.Drill);
            var hasMove = Actions.Any(a => a != FailoverAction.Drill);
            // The promotion's own path: beforeShift recovery tasks (a failure stops the run before traffic moves), then the shift.
            // A drill is routed off before them. The stamps around them time the model's recovery-task and gate-flip phases.
            var shift = hasMove && recovery is not null
                ? recovery.Chain(_states, RecoveryPhase.BeforeShift, region, WorkflowDefinition.States.StampRecovered, FailureEntry)
                : WorkflowDefinition.States.StampRecovered;
            Stamp(WorkflowDefinition.States.StampReady, RunStamps.Ready, WorkflowDefinition.States.RenewBeforeShift);
            RenewLease(WorkflowDefinition.States.RenewBeforeShift, hasDrill && hasMove ? "RouteReady" : hasDrill ? WorkflowDefinition.States.DrillScaleBack : shift);
            if (hasDrill && hasMove)
                _states["RouteReady"] = Map.Of(
                    ("Type", "Choice"),
                    ("Choices", Value.List(Rule("$.request.action", Wire.Of(FailoverAction.Drill), WorkflowDefinition.States.DrillScaleBack))),
                    ("Default", shift));

            if (hasMove)
            {
                Stamp(WorkflowDefinition.States.StampRecovered, RunStamps.Recovered, WorkflowDefinition.States.ShiftTraffic);
                LambdaTask(WorkflowDefinition.States.ShiftTraffic, FunctionContract.ShiftTraffic, targets.ShiftTraffic,
                    payload: ActionAnd(LockId), resultPath: "$.shift", next: WorkflowDefinition.States.TrafficMoved);
                // afterShift recovery tasks right after the shift, before the failback's drain: the application needs them as
                // soon as traffic arrives, and a failure leaves the secondary at its active size (safe, reported FAILED) rather
                // than scaled back.
                var afterShift = FailsBack ? WorkflowDefinition.States.DrainBeforeScaleDown : WorkflowDefinition.States.StampFinished;
                if (recovery is not null) afterShift = recovery.Chain(_states, RecoveryPhase.AfterShift, region, afterShift, FailureEntry);
                // From here on a failure must still record the transition: the gate has moved.
                _states[WorkflowDefinition.States.TrafficMoved] = Map.Of(
                    ("Type", "Pass"),
                    ("Result", "SUCCEEDED"),
                    ("ResultPath", "$.releaseOutcome"),
                    ("Next", WorkflowDefinition.States.StampShifted));
                Stamp(WorkflowDefinition.States.StampShifted, RunStamps.Shifted, WorkflowDefinition.States.RenewAfterShift);
                RenewLease(WorkflowDefinition.States.RenewAfterShift, afterShift, afterShift: true);
                if (FailsBack)
                {
                    // Resolvers keep answering the secondary for the record's TTL and Route 53's propagation: it keeps its
                    // capacity until they have moved.
                    _states[WorkflowDefinition.States.DrainBeforeScaleDown] = Map.Of(
                        ("Type", "Wait"),
                        ("Seconds", settings.FailbackDrainSeconds),
                        ("Next", WorkflowDefinition.States.ScaleDownStandby));
                    // After the shift and the drain, never before. Traffic has moved by now, so a failure here is reported in
                    // SUCCEEDED, not turned into a failed failback.
                    LambdaTask(WorkflowDefinition.States.ScaleDownStandby, FunctionContract.ScaleService, targets.ScaleStandby!,
                        payload: ActionAnd(("size", "standby"), LockId), resultPath: "$.standby", next: WorkflowDefinition.States.StampFinished,
                        catchTo: WorkflowDefinition.States.StampFinished, catchPath: "$.standby");
                }
            }
            if (hasDrill)
                LambdaTask(WorkflowDefinition.States.DrillScaleBack, FunctionContract.ScaleService, targets.ScaleService,
                    payload: ActionAnd(("size", "standby"), LockId), resultPath: "$.scaleBack", next: WorkflowDefinition.States.StampFinished);

            Stamp(WorkflowDefinition.States.StampFinished, RunStamps.Finished, WorkflowDefinition.States.Describe(Notices.Succeeded));
            // A primary's SUCCEEDED carries what scaling the secondary back did (its result, or its error after retries).
            IReadOnlyList<(string, Value?)> standby = FailsBack ? [("standby.$", "$.standby")] : [];
            // A failover's SUCCEEDED says whether traffic moved before the region was fully ready, and with how many healthy tasks.
            IReadOnlyList<(string, Value?)> partial = Actions.Contains(FailoverAction.Failover) ? [("partial.$", "$.partial")] : [];
            Notice(Notices.Succeeded, "done", WorkflowDefinition.States.ReleaseLock, extra: [.. standby, .. partial, .. RecoveryNotice]);
            // Records the new active region (failover, failback) and frees the lock in one conditional write.
            LambdaTask(WorkflowDefinition.States.ReleaseLock, FunctionContract.ReleaseLock, targets.ReleaseLock,
                payload: Release(("outcome", "SUCCEEDED")), resultPath: "$.release", next: WorkflowDefinition.States.CheckRelease);
            // A run whose lock was lost (lease expired, taken over) has moved traffic without recording it: that is a failure.
            _states[WorkflowDefinition.States.CheckRelease] = Map.Of(
                ("Type", "Choice"),
                ("Choices", Value.List(
                    Map.Of(("Variable", $"$.release.{ResultFields.StateRecorded}"), ("BooleanEquals", true), ("Next", WorkflowDefinition.States.Done)),
                    Map.Of(
                        ("And", Value.List(
                            Map.Of(("Variable", "$.request.action"), ("StringEquals", Wire.Of(FailoverAction.Drill))),
                            Map.Of(("Variable", $"$.release.{ResultFields.Released}"), ("BooleanEquals", true)))),
                        ("Next", WorkflowDefinition.States.Done)))),
                ("Default", WorkflowDefinition.States.TransitionNotRecorded));
            _states[WorkflowDefinition.States.TransitionNotRecorded] = Map.Of(
                ("Type", "Pass"),
                ("Parameters", Map.Of(
                    ("Error", "TransitionNotRecorded"),
                    ("Cause.$", "States.Format('the run finished but release-lock recorded nothing: {}', $.release.reason)"))),
                ("ResultPath", "$.error"),
                ("Next", FailureEntry));
            _states[WorkflowDefinition.States.Done] = Map.Of(("Type", "Succeed"));

            // Failure: give a drill's capacity back, release the lock (recording the transition if traffic has moved; a no-op when
            // no lock was taken), then tell people what happened, release included, and fail.
            if (hasDrill)
            {
                _states[WorkflowDefinition.States.OnFailure] = Map.Of(
                    ("Type", "Choice"),
                    // A drill routed to act reached ScaleUp; it gives the capacity back even when ScaleUp itself failed, since an
                    // outcome-unknown error (AwsServerError, States.Timeout, ...) may have scaled it up. A repeat is a no-op.
                    ("Choices", Value.List(Map.Of(
                        ("And", Value.List(
                            Map.Of(("Variable", "$.request.action"), ("StringEquals", Wire.Of(FailoverAction.Drill))),
                            ActingDecision(FailoverAction.Drill))),
                        ("Next", WorkflowDefinition.States.DrillScaleBackAfterFailure)))),
                    ("Default", WorkflowDefinition.States.ReleaseAfterFailure));
                LambdaTask(WorkflowDefinition.States.DrillScaleBackAfterFailure, FunctionContract.ScaleService, targets.ScaleService,
                    payload: ActionAnd(("size", "standby"), LockId), resultPath: "$.scaleBack", next: WorkflowDefinition.States.ReleaseAfterFailure,
                    catchTo: WorkflowDefinition.States.ReleaseAfterFailure, catchPath: "$.scaleBack");
            }
            LambdaTask(WorkflowDefinition.States.ReleaseAfterFailure, FunctionContract.ReleaseLock, targets.ReleaseLock,
                payload: Release(("outcome.$", "$.releaseOutcome")),
                resultPath: "$.release", next: WorkflowDefinition.States.Describe(Notices.Failed),
                catchTo: WorkflowDefinition.States.Describe(Notices.Failed), catchPath: "$.release");
            Notice(Notices.Failed, "stopped", WorkflowDefinition.States.Failed, failure: true, extra: RecoveryNotice);
            _states[WorkflowDefinition.States.Failed] = Map.Of(
                ("Type", "Fail"),
                ("ErrorPath", "$.error.Error"),
                ("CausePath", "$.error.Cause"));
            return _states;
        }

        private bool HasRecovery => recovery is { All.Count: > 0 };

        /// Where an exhausted readiness wait goes: a failover may still shift with partial capacity; anything else stops.
        private string GaveUpWaiting => Actions.Contains(FailoverAction.Failover) ? WorkflowDefinition.States.PartialReadiness : WorkflowDefinition.States.NotReady;

        /// The recovery tasks that ran (task ARN and why each stopped), in the SUCCEEDED and FAILED notices.
        private IReadOnlyList<(string, Value?)> RecoveryNotice => HasRecovery ? [("recovery.$", "$.recovery")] : [];

        /// The decisions on which a run of this action acts. A drill never moves traffic, whatever decide answers: the input's
        /// action picks the path.
        private static Map ActingDecision(FailoverAction action)
        {
            var decisions = action == FailoverAction.Drill
                ? new[] { Decision.Drill, Decision.Failover }
                : [action == FailoverAction.Failover ? Decision.Failover : Decision.Failback];
            return Map.Of(("Or", Value.List(decisions.Select(d => (Value)Map.Of(("Variable", "$.decision.decision"), ("StringEquals", Wire.Of(d)))))));
        }

        private static Map Rule(string variable, string equals, string next) =>
            Map.Of(("Variable", variable), ("StringEquals", equals), ("Next", next));

        private static Map ActionAnd(params (string Key, Value? Value)[] extra) =>
            Map.Of([("action.$", "$.request.action"), .. extra]);

        /// The run's lock token: every function that acts asks for it (they refuse it unless decide took the lock for it).
        private static readonly (string, Value?) LockId = ($"{ResultFields.LockId}.$", $"$.lock.{ResultFields.LockId}");

        /// release-lock's input: this run's token and execution, the action, and the outcome (a literal or a path); and what it
        /// measures the run by (RunRecord): the request (its source, a triggering alarm's time) and the stamps. Whole objects, both
        /// always present: a path to a field a run may lack (`$.request.alarm`) would fail the release itself.
        private static Map Release((string Key, Value? Value) outcome) => Map.Of(
            LockId,
            ("executionId.$", "$.lock.executionId"),
            ("action.$", "$.request.action"),
            outcome,
            ("request.$", "$.request"),
            ("timings.$", "$.timings"));

        /// release-lock with RENEW: the lease from now covers the phase ahead (measured, see LockLeases). Before the shift, a run
        /// whose lock is gone stops here (LockLost) and goes straight to the release: not even a drill's scale-back, which would
        /// shrink the region the run that took the lock over is scaling up. After the shift (`afterShift`) traffic has moved and
        /// the rest must run whatever the renewal says; the final release then reports a lost lock (TransitionNotRecorded).
        private void RenewLease(string name, string next, bool afterShift = false)
        {
            LambdaTask(name, FunctionContract.ReleaseLock, targets.ReleaseLock,
                payload: Map.Of(LockId, ("executionId.$", "$.lock.executionId"), ("action.$", "$.request.action"), ("outcome", "RENEW"),
                    ("leaseSeconds", leases?[name] ?? LockLeases.MarginSeconds)),
                resultPath: "$.lease", next: next, catchTo: afterShift ? next : null, catchPath: afterShift ? "$.lease" : "$.error",
                lockLostTo: afterShift ? null : WorkflowDefinition.States.ReleaseAfterFailure);
        }

        private void Stamp(string name, string step, string next) => _states[name] = Map.Of(
            ("Type", "Pass"),
            ("Parameters", Map.Of(("at.$", "$$.State.EnteredTime"))),
            ("ResultPath", $"$.timings.{step}"),
            ("Next", next));

        /// A Lambda task whose result keeps exactly the fields the contract says the handler always writes.
        /// Where every failure goes: a drill's scale-back check, or straight to releasing the lock.
        private string FailureEntry => Actions.Contains(FailoverAction.Drill) ? WorkflowDefinition.States.OnFailure : WorkflowDefinition.States.ReleaseAfterFailure;

        /// `lockLostTo`: where LockLost goes instead of the Catch-all (a renewal that found its lock gone).
        private void LambdaTask(string name, HandlerDescriptor handler, Value function, Value payload, string resultPath, string next,
            string? catchTo = null, string catchPath = "$.error", string? lockLostTo = null)
        {
            var catchAll = Map.Of(("ErrorEquals", Value.List("States.ALL")), ("ResultPath", catchPath), ("Next", catchTo ?? FailureEntry));
            IReadOnlyList<Value> catches = lockLostTo is null
                ? [catchAll]
                : [Map.Of(("ErrorEquals", Value.List(ErrorTypes.LockLost)), ("ResultPath", "$.error"), ("Next", lockLostTo)), catchAll];
            var payloadEntry = payload is Str path ? ("Payload.$", (Value?)path) : ("Payload", payload);
            _states[name] = Map.Of(
                ("Type", "Task"),
                ("Resource", "arn:aws:states:::lambda:invoke"),
                ("Parameters", Map.Of(("FunctionName", function), payloadEntry)),
                ("ResultSelector", Map.Of(handler.Results.Select(f => ($"{f}.$", (Value?)$"$.Payload.{f}")).ToArray())),
                ("ResultPath", resultPath),
                ("TimeoutSeconds", TaskTimeoutSeconds(handler)),
                ("Retry", Value.List(LambdaTransientRetry.ToRetrier(), FunctionErrorRetry.ToRetrier())),
                ("Catch", new Seq(catches)),
                ("Next", next));
        }

        private const int NoticeTimeoutSeconds = 10;

        /// Describe (a Pass building the message) then publish; a publish that fails after retries never stops the run.
        /// `repeated`: a notice decide may hold back as already announced (BLOCKED, ALERT); its summary ends with decide's sentence
        /// on when the next reminder comes, and it carries decide's whole answer on announcing as `repeat`.
        private void Notice(string notice, string meaning, string next, bool failure = false, IReadOnlyList<(string, Value?)>? extra = null,
            bool repeated = false)
        {
            var describe = WorkflowDefinition.States.Describe(notice);
            var publish = WorkflowDefinition.States.Notify(notice);
            var reminder = $"$.decision.{ResultFields.Notice}.{ResultFields.Reminder}";
            var summary = failure
                ? $"States.Format('Failover workflow {notice} in {region}: {{}} ({{}}) stopped with {{}}: {{}}', $.request.action, $.request.source, $.error.Error, $.error.Cause)"
                : repeated
                ? $"States.Format('Failover workflow {notice} in {region}: {{}} ({{}}), {meaning}. Decision {{}}: {{}}. Reminders: {{}}', $.request.action, $.request.source, $.decision.decision, $.decision.reason, {reminder})"
                : $"States.Format('Failover workflow {notice} in {region}: {{}} ({{}}), {meaning}. Decision {{}}: {{}}', $.request.action, $.request.source, $.decision.decision, $.decision.reason)";
            var fields = new List<(string, Value?)>
            {
                ("event", notice),
                ("summary.$", summary),
                ("action.$", "$.request.action"),
                ("region", region),
                ("execution.$", "$$.Execution.Id"),
                ("source.$", "$.request.source"),
                ("requestReason.$", "$.request.reason"),
                ("decision.$", "$.decision.decision"),
                ("why.$", "$.decision.reason"),
                ("flag.$", "$.decision.flag"),
                ("health.$", "$.decision.health.status"),
                ("timings.$", "$.timings"),
            };
            // A FAILED notice says what the release did (released, state recorded, or its own error) and what it recorded.
            if (failure) fields.AddRange([("error.$", "$.error"), ("release.$", "$.release"), ("releaseOutcome.$", "$.releaseOutcome")]);
            if (repeated) fields.Add(("repeat.$", $"$.decision.{ResultFields.Notice}"));
            fields.AddRange(extra ?? []);
            _states[describe] = Map.Of(
                ("Type", "Pass"),
                ("Parameters", Map.Of([.. fields])),
                ("ResultPath", "$.notice"),
                ("Next", publish));
            _states[publish] = Map.Of(
                ("Type", "Task"),
                ("Resource", "arn:aws:states:::sns:publish"),
                ("Parameters", Map.Of(
                    ("TopicArn", topic),
                    ("Subject", $"[failover] {notice} in {region}"),
                    ("Message.$", "States.JsonToString($.notice)"))),
                ("ResultSelector", Map.Of(("messageId.$", "$.MessageId"))),
                ("ResultPath", $"$.notified.{notice.ToLowerInvariant()}"),
                // One publish answers in milliseconds; a bound, so that the lock's lease can cover the notices.
                ("TimeoutSeconds", NoticeTimeoutSeconds),
                ("Retry", Value.List(Map.Of(("ErrorEquals", Value.List("States.TaskFailed")), ("IntervalSeconds", 1), ("MaxAttempts", 3),
                    ("BackoffRate", 2), ("JitterStrategy", "FULL")))),
                ("Catch", Value.List(Map.Of(("ErrorEquals", Value.List("States.ALL")), ("ResultPath", "$.noticeError"), ("Next", next)))),
                ("Next", next));
        }
    }
}
