// One contract across the process boundary: a library the functions (which read it), the compiler in infra/ (which sets each
// function's environment and reads its results) and failoverctl reference, and that the oracles read as
// tests/oracles/contract.json. Renaming a value here changes every side at once.
using Failover.Contract.Readiness;
using Failover.Functions.Json;

namespace Failover.Contract;

/// What a workflow run was started to do.
public enum FailoverAction { Failover, Failback, Drill }

/// The user request flag: let automation act, stop it, or make it act.
public enum FlagMode { Auto, Block, Force }

/// The primary's health as the evidence shows it.
public enum Health { Healthy, Unhealthy, Unknown }

/// What `decide` tells the workflow to do.
public enum Decision { Failover, Failback, Drill, Blocked, NoAction }

/// The size `scale-service` sets a service to: serving traffic, or waiting for it.
public enum ServiceSize { Active, Standby }

/// The wire spellings of the vocabulary, and lenient parsing of what operators and seed data write.
public static class Wire
{
    /// Every spelling a flag may have: the modes, and the seed booleans `true`/`false` meaning auto/block.
    public static readonly IReadOnlyDictionary<string, FlagMode> FlagSpellings = new Dictionary<string, FlagMode>(StringComparer.Ordinal)
    {
        ["auto"] = FlagMode.Auto, ["block"] = FlagMode.Block, ["force"] = FlagMode.Force,
        ["true"] = FlagMode.Auto, ["false"] = FlagMode.Block,
    };

    public static readonly IReadOnlyDictionary<string, FailoverAction> ActionSpellings = new Dictionary<string, FailoverAction>(StringComparer.Ordinal)
    {
        ["failover"] = FailoverAction.Failover, ["failback"] = FailoverAction.Failback, ["drill"] = FailoverAction.Drill,
    };

    /// A flag as an operator, `pulumi config` or the seed data wrote it (any case, surrounding spaces), or null.
    public static FlagMode? ParseFlag(string? value) =>
        value is not null && FlagSpellings.TryGetValue(value.Trim().ToLowerInvariant(), out var mode) ? mode : null;

    public static readonly IReadOnlyDictionary<string, ServiceSize> SizeSpellings = new Dictionary<string, ServiceSize>(StringComparer.Ordinal)
    {
        ["active"] = ServiceSize.Active, ["standby"] = ServiceSize.Standby,
    };

    public static FailoverAction? ParseAction(string? value) =>
        value is not null && ActionSpellings.TryGetValue(value.Trim().ToLowerInvariant(), out var action) ? action : null;

    public static ServiceSize? ParseSize(string? value) =>
        value is not null && SizeSpellings.TryGetValue(value.Trim().ToLowerInvariant(), out var size) ? size : null;

    public static string Of(FailoverAction action) => action.ToString().ToLowerInvariant();

    public static string Of(FlagMode mode) => mode.ToString().ToLowerInvariant();

    public static string Of(ServiceSize size) => size.ToString().ToLowerInvariant();

    public static string Of(Health health) => health.ToString().ToUpperInvariant();

    public static string Of(Decision decision) => decision == Decision.NoAction ? "NO_ACTION" : decision.ToString().ToUpperInvariant();
}

/// How the workflow should treat a function error: the errorType's meaning for Retry and Catch.
public enum ErrorCategory
{
    /// Retrying cannot help: the request or the setup is wrong, or AWS refused it for good. Nothing this call asked for happened.
    Rejected,
    /// AWS turned the request away for now (throttling); nothing changed. Retry after a backoff.
    Transient,
    /// The call may or may not have taken effect. Every handler is idempotent, so retrying is safe and converges.
    OutcomeUnknown,
}

/// The catalogue of errorType values the functions report: one list for the handlers, docs/functions.md and the workflow's Retry and Catch.
public static class ErrorTypes
{
    public const string InvalidInput = "InvalidInput";
    public const string ConfigurationError = "ConfigurationError";
    public const string AwsServiceError = "AwsServiceError";
    public const string AwsThrottled = "AwsThrottled";
    public const string AwsServerError = "AwsServerError";
    public const string AwsUnreachable = "AwsUnreachable";
    public const string AwsMalformedResponse = "AwsMalformedResponse";
    public const string DeadlineExceeded = "DeadlineExceeded";
    public const string ResponseRejected = "ResponseRejected";
    public const string LockLost = "LockLost";
    public const string LockNotHeld = "LockNotHeld";
    public const string NotAWorkflowRun = "NotAWorkflowRun";
    public const string UnexpectedError = "UnexpectedError";

    public static readonly IReadOnlyDictionary<string, (ErrorCategory Category, string Meaning)> All =
        new Dictionary<string, (ErrorCategory, string)>(StringComparer.Ordinal)
        {
            [InvalidInput] = (ErrorCategory.Rejected, "the event is malformed, too large or asks for something unknown; nothing was done"),
            [ConfigurationError] = (ErrorCategory.Rejected, "the function's environment lacks or garbles a setting; nothing was done"),
            [AwsServiceError] = (ErrorCategory.Rejected, "AWS refused a request (access denied, validation, not found) and will refuse it again; earlier steps of the same call may stand"),
            [ResponseRejected] = (ErrorCategory.Rejected, "the Lambda Runtime API refused the response (too large); the work was done, the answer is lost"),
            [LockLost] = (ErrorCategory.Rejected, "the run no longer holds the control table's lock (taken over after its lease ended, or released): its lease was not renewed and it must not go on"),
            [LockNotHeld] = (ErrorCategory.Rejected, "the request does not carry the token of the control table's lock for its action: only the run holding the lock moves traffic or scales; nothing was changed"),
            [NotAWorkflowRun] = (ErrorCategory.Rejected, "decide was not asked by a running execution of this stack's workflow (a direct invocation, or a run that has ended); nothing was changed"),
            [AwsThrottled] = (ErrorCategory.Transient, "AWS throttled every attempt (or turned each away as a write conflicting with one from another region); that request changed nothing"),
            [AwsServerError] = (ErrorCategory.OutcomeUnknown, "AWS answered with a server error on every attempt; a write may have landed"),
            [AwsUnreachable] = (ErrorCategory.OutcomeUnknown, "no answer from AWS (refused, reset, timed out, or out of time for another attempt); a write may have landed"),
            [AwsMalformedResponse] = (ErrorCategory.OutcomeUnknown, "AWS answered success with a body that could not be read; the change was probably applied"),
            [DeadlineExceeded] = (ErrorCategory.OutcomeUnknown, "the invocation ran out of time part-way; reported before Lambda's own deadline"),
            [UnexpectedError] = (ErrorCategory.OutcomeUnknown, "a defect in the function (any other exception); the message names its type"),
        };

    /// The errorTypes a Retry may repeat: transient and outcome-unknown ones (every handler is idempotent).
    public static IReadOnlyList<string> Retryable =>
        [.. All.Where(e => e.Value.Category != ErrorCategory.Rejected).Select(e => e.Key)];
}

/// What the triggers (the alarm rule, the probe) and `decide` agree on.
public static class TriggerContract
{
    /// The request field a trigger sets: a `force` flag does not make the run act against a healthy primary, and the alarm's
    /// state must carry its time to count.
    public const string Unattended = "unattended";

    /// 10 minutes: the trigger rules stop delivering an event this old, and `decide` no longer counts an alarm state this old
    /// as evidence (an alarm delivered late says nothing about the primary now).
    public const int MaxAlarmAgeSeconds = 600;
}

/// The handler names a function's `handler` setting (`_HANDLER`) may carry.
public static class HandlerNames
{
    public const string Decide = "decide";
    public const string ScaleService = "scale-service";
    public const string CheckService = "check-service";
    public const string ShiftTraffic = "shift-traffic";
    public const string ReleaseLock = "release-lock";
    /// Not a workflow step: each stack's scheduled readiness checks.
    public const string Readiness = "readiness";
}

/// Environment variables the compiler sets on the functions.
public static class EnvNames
{
    public const string ControlTableName = "CONTROL_TABLE_NAME";
    public const string DefaultFlag = "DEFAULT_FLAG";
    public const string PrimaryRegion = "PRIMARY_REGION";
    public const string SecondaryRegion = "SECONDARY_REGION";
    public const string PrimaryEndpointHealthCheckId = "PRIMARY_ENDPOINT_HEALTH_CHECK_ID";
    public const string PrimaryAlarmNames = "PRIMARY_ALARM_NAMES";
    public const string CooldownSeconds = "COOLDOWN_SECONDS";
    public const string LockLeaseSeconds = "LOCK_LEASE_SECONDS";
    public const string DecisionTtlDays = "DECISION_TTL_DAYS";
    public const string ClusterName = "CLUSTER_NAME";
    public const string ServiceName = "SERVICE_NAME";
    public const string TargetGroupArn = "TARGET_GROUP_ARN";
    public const string ActiveDesiredCount = "ACTIVE_DESIRED_COUNT";
    public const string ActiveMinCapacity = "ACTIVE_MIN_CAPACITY";
    public const string StandbyDesiredCount = "STANDBY_DESIRED_COUNT";
    public const string StandbyMinCapacity = "STANDBY_MIN_CAPACITY";
    /// The primary's public health URL through its load balancer (scheme, ALB name, port, health path): what decide and the
    /// Route 53 endpoint check probe.
    public const string PrimaryProbeUrl = "PRIMARY_PROBE_URL";
    /// The primary's ECS cluster and service (both or neither): decide reads its desired count, the size a failover scales to.
    public const string PrimaryClusterName = "PRIMARY_CLUSTER_NAME";
    public const string PrimaryServiceName = "PRIMARY_SERVICE_NAME";
    /// The primary's health answer (HealthAnswer) and the hosted zone's name servers to ask for it (a JSON list of host or
    /// host:port), together: decide reads Route 53's verdict from its DNS, not from its API in us-east-1.
    public const string HealthAnswerName = "HEALTH_ANSWER_NAME";
    public const string HealthAnswerNameServers = "HEALTH_ANSWER_NAME_SERVERS";
    /// Which kind of traffic gate shift-traffic moves (TrafficGateModes); the other gate settings depend on it.
    public const string TrafficGateMode = "TRAFFIC_GATE_MODE";
    /// route53-api: the primary's gate health check, whose inversion shift-traffic flips through Route 53's control plane.
    public const string GateHealthCheckId = "GATE_HEALTH_CHECK_ID";
    /// metric: the CloudWatch namespace of the primary's gate metric and the region whose CloudWatch holds it (the secondary's).
    public const string PrimaryGateNamespace = "PRIMARY_GATE_NAMESPACE";
    public const string PrimaryGateRegion = "PRIMARY_GATE_REGION";
    /// metric, in the primary only: the secondary's gate (its switch lives in the primary's region), for the failback.
    public const string SecondaryGateNamespace = "SECONDARY_GATE_NAMESPACE";
    public const string SecondaryGateRegion = "SECONDARY_GATE_REGION";
    /// metric: the period of the gate alarms (60 s). An open is published at the start of a period, so it never shares one with
    /// a close, whose value the alarm's Maximum would keep.
    public const string GatePeriodSeconds = "GATE_PERIOD_SECONDS";
    public const string RoutingControlArn = "ROUTING_CONTROL_ARN";
    public const string ArcClusterEndpoints = "ARC_CLUSTER_ENDPOINTS";
    /// The region of the ECS service, scalable target and target group (default: the function's own). Step Functions cannot
    /// call across regions, so the primary's failback scales the secondary down through a function in the primary.
    public const string ServiceRegion = "SERVICE_REGION";
    /// Where decide records its decisions (default: the control table). A table with multi-Region strong consistency has no
    /// TTL, so in that mode the records (which carry one) live in an eventually consistent table of their own.
    public const string DecisionTableName = "DECISION_TABLE_NAME";
    /// Set only when the control table is a multi-Region eventually consistent global table: the other replica's region,
    /// read before decide takes the lock.
    public const string ControlTablePeerRegion = "CONTROL_TABLE_PEER_REGION";
    /// How often a BLOCKED or ALERT notice for a condition already announced is repeated, in minutes (config
    /// failover:noticeRepeatMinutes): a faster probe must not page faster.
    public const string NoticeRepeatMinutes = "NOTICE_REPEAT_MINUTES";
    /// The entry points of this stack's workflow: operators start the first (it may carry `force`), the triggers the second (it
    /// never may). decide asks Step Functions which one ran it: an input cannot claim the other.
    public const string OperatorStateMachineArn = "OPERATOR_STATE_MACHINE_ARN";
    public const string TriggerStateMachineArn = "TRIGGER_STATE_MACHINE_ARN";
    /// The other stack's state machines (comma list): a lock one of their executions holds is checked for a live owner too.
    public const string PeerStateMachineArns = "PEER_STATE_MACHINE_ARNS";
    /// The longest lease any phase of the workflow writes: a lock whose lease is further ahead was not written by a run.
    public const string LockMaxLeaseSeconds = "LOCK_MAX_LEASE_SECONDS";
    /// The stack's prefix (`failover-secondary`): whose workflow a run record measures, the readiness function's own plan
    /// (ControlTableItems.Readiness) and the metrics' Stack dimension; and the other stack's, the key of its plan.
    public const string StackPrefix = "STACK_PREFIX";
    public const string PeerStackPrefix = "PEER_STACK_PREFIX";
}

/// The values of TRAFFIC_GATE_MODE (config failover:trafficGate), also echoed as shift-traffic's `mode`.
public static class TrafficGateModes
{
    /// The default: a CLOUDWATCH_METRIC health check on an alarm over a metric the workflow publishes with PutMetricData, a
    /// regional data plane; the check holds its last status while nobody publishes (a latch).
    public const string Metric = "metric";
    /// A Route 53 ARC routing control, set through the cluster's data-plane endpoints.
    public const string Arc = "arc";
    /// A Route 53 health check whose inversion closes the gate: a call to Route 53's control plane, hosted in us-east-1.
    public const string Route53Api = "route53-api";

    public static readonly IReadOnlyList<string> All = [Metric, Arc, Route53Api];
}

/// The metric a metric gate is flipped with: one value per publish in the gate's own namespace, 1 closed, 0 open.
public static class TrafficGateMetric
{
    public const string Name = "Closed";
    public const double Closed = 1, Open = 0;

    /// `Failover/TrafficGate/PREFIX`: a namespace per gate, so IAM can hold a publisher to one gate (cloudwatch:namespace).
    public static string Namespace(string stackPrefix) => $"Failover/TrafficGate/{stackPrefix}";
}

/// The primary endpoint check's verdict published on Route 53's DNS (its data plane): a failover record pair under
/// `_primary-health.DOMAIN`, the PRIMARY answer guarded by the endpoint check. Route 53 answers Healthy while its checkers see
/// the endpoint healthy (its own 18 % rule) and Fallback otherwise; both are documentation addresses (RFC 5737), never served.
public static class HealthAnswer
{
    public const string Healthy = "192.0.2.1";
    public const string Fallback = "192.0.2.2";

    public static string Name(string domainName) => $"_primary-health.{domainName.TrimEnd('.')}";
}

/// The variables one handler reads: those it cannot run without, and those with a default or a mode of their own.
public sealed record HandlerEnvironment(IReadOnlyList<string> Required, IReadOnlyList<string> Optional)
{
    public bool Declares(string name) => Required.Contains(name) || Optional.Contains(name);
}

/// Result fields the workflow reads from each handler's JSON response (camelCase, as the functions write them).
public static class ResultFields
{
    public const string Decision = "decision";
    public const string Action = "action";
    public const string Reason = "reason";
    public const string Source = "source";
    public const string RequestReason = "requestReason";
    public const string Flag = "flag";
    public const string Health = "health";
    /// The run's lock token (request field of the functions that act; decide echoes it when it took the lock for it). Never in a
    /// notice, a log line or a record.
    public const string LockId = "lockId";
    /// decide's: which entry point ran it (operator or trigger), as Step Functions said, not as the input claimed.
    public const string Entry = "entry";
    public const string Alert = "alert";
    public const string PrimaryDesiredCount = "primaryDesiredCount";
    public const string DesiredCount = "desiredCount";
    public const string MinCapacity = "minCapacity";
    public const string PreviousDesiredCount = "previousDesiredCount";
    public const string PreviousMinCapacity = "previousMinCapacity";
    public const string Changed = "changed";
    public const string Ready = "ready";
    public const string Running = "running";
    public const string Desired = "desired";
    public const string HealthyTargets = "healthyTargets";
    public const string RolloutState = "rolloutState";
    public const string Shifted = "shifted";
    public const string Gate = "gate";
    public const string Inverted = "inverted";
    public const string Mode = "mode";
    public const string Degraded = "degraded";
    public const string Confirmed = "confirmed";
    public const string Released = "released";
    public const string StateRecorded = "stateRecorded";
    /// release-lock's: the run's measured record was written into the decision log.
    public const string Recorded = "recorded";
    public const string ActiveRegion = "activeRegion";
    public const string Epoch = "epoch";
    public const string TimedOut = "timedOut";
    public const string WaitedSeconds = "waitedSeconds";
    /// decide's answer on announcing: `{notify, reminder, nextReminderAt?}`; the workflow publishes BLOCKED or ALERT only when
    /// `notify` is true, and the notice quotes `reminder` (when the next reminder comes).
    public const string Notice = "notice";
    public const string Notify = "notify";
    public const string Reminder = "reminder";
    public const string NextReminderAt = "nextReminderAt";
    /// The readiness function's: every check's result, and how many passed, failed and could not tell.
    public const string Results = "results";
    public const string Passing = "passing";
    public const string Failing = "failing";
    public const string Unknown = "unknown";
}

/// The handlers, one descriptor each: what the functions serve and the compiler deploys. 256 MB everywhere: the native binary
/// needs ~40 MiB, but Lambda gives CPU in proportion to memory and TLS handshakes to three services are CPU-bound at 128 MB;
/// 256 MB costs fractions of a cent per failover.
public static class FunctionContract
{
    public static readonly HandlerDescriptor<DecideRequest, DecideResponse> Decide = new()
    {
        Name = HandlerNames.Decide,
        Description = "Reads the user request flag and the primary's health, decides, takes the lock",
        RequestInfo = () => FunctionsJson.Default.DecideRequest,
        ResponseInfo = () => FunctionsJson.Default.DecideResponse,
        Environment = new(
            [EnvNames.ControlTableName, EnvNames.DefaultFlag, EnvNames.PrimaryRegion, EnvNames.SecondaryRegion, EnvNames.OperatorStateMachineArn],
            [EnvNames.TriggerStateMachineArn, EnvNames.PeerStateMachineArns, EnvNames.LockMaxLeaseSeconds, EnvNames.PrimaryEndpointHealthCheckId, EnvNames.PrimaryAlarmNames, EnvNames.PrimaryProbeUrl, EnvNames.CooldownSeconds, EnvNames.LockLeaseSeconds, EnvNames.DecisionTtlDays,
                EnvNames.DecisionTableName, EnvNames.ControlTablePeerRegion, EnvNames.PrimaryClusterName, EnvNames.PrimaryServiceName,
                EnvNames.NoticeRepeatMinutes, EnvNames.HealthAnswerName, EnvNames.HealthAnswerNameServers]),
        Results = [ResultFields.Decision, ResultFields.Action, ResultFields.Reason, ResultFields.Source, ResultFields.Flag, ResultFields.Health, ResultFields.Alert,
            ResultFields.PrimaryDesiredCount, ResultFields.Notice, ResultFields.Entry],
        // 5 at once: every trigger alarm of one incident and the probe may start a run together; the lock makes all but one NO_ACTION.
        Size = new(256, 30, "evidence gets at most 5 s, then up to three DynamoDB writes with retries; 30 s leaves room for a slow peer", 5),
    };

    public static readonly HandlerDescriptor<ScaleServiceRequest, ScaleServiceResponse> ScaleService = new()
    {
        Name = HandlerNames.ScaleService,
        Description = "Scales this region's service to its active size, or back to standby",
        RequestInfo = () => FunctionsJson.Default.ScaleServiceRequest,
        ResponseInfo = () => FunctionsJson.Default.ScaleServiceResponse,
        Environment = new(
            [EnvNames.ControlTableName, EnvNames.ClusterName, EnvNames.ServiceName, EnvNames.ActiveDesiredCount, EnvNames.ActiveMinCapacity, EnvNames.StandbyDesiredCount,
                EnvNames.StandbyMinCapacity],
            [EnvNames.ServiceRegion]),
        Results = [ResultFields.Action, ResultFields.DesiredCount, ResultFields.MinCapacity, ResultFields.PreviousDesiredCount,
            ResultFields.PreviousMinCapacity, ResultFields.Changed],
        Size = new(256, 30, "four control-plane calls (two reads, floor, count), each retried with backoff"),
    };

    public static readonly HandlerDescriptor<CheckServiceRequest, CheckServiceResponse> CheckService = new()
    {
        Name = HandlerNames.CheckService,
        Description = "Reports whether this region's service is ready for traffic",
        RequestInfo = () => FunctionsJson.Default.CheckServiceRequest,
        ResponseInfo = () => FunctionsJson.Default.CheckServiceResponse,
        Environment = new([EnvNames.ClusterName, EnvNames.ServiceName, EnvNames.TargetGroupArn], [EnvNames.ServiceRegion]),
        Results = [ResultFields.Ready, ResultFields.Running, ResultFields.Desired, ResultFields.HealthyTargets, ResultFields.TimedOut],
        Size = new(256, 20, "two reads; the workflow calls it every poll interval, so a hung read must end well before the next"),
    };

    public static readonly HandlerDescriptor<ActionRequest, ShiftTrafficResponse> ShiftTraffic = new()
    {
        Name = HandlerNames.ShiftTraffic,
        Description = "Closes (failover) or opens (failback) the primary's traffic gate",
        RequestInfo = () => FunctionsJson.Default.ActionRequest,
        ResponseInfo = () => FunctionsJson.Default.ShiftTrafficResponse,
        // The mode decides which of the others it needs: the gate metric's namespaces and regions, the health check, or the routing control.
        Environment = new(
            [EnvNames.ControlTableName, EnvNames.TrafficGateMode],
            [EnvNames.PrimaryGateNamespace, EnvNames.PrimaryGateRegion, EnvNames.SecondaryGateNamespace, EnvNames.SecondaryGateRegion, EnvNames.GatePeriodSeconds,
                EnvNames.GateHealthCheckId, EnvNames.RoutingControlArn, EnvNames.ArcClusterEndpoints]),
        Results = [ResultFields.Shifted, ResultFields.Gate, ResultFields.Inverted, ResultFields.Mode, ResultFields.Degraded],
        Size = new(256, 90, "an open waits for the next 60 s period of the gate's alarm; Route 53's control plane (route53-api) can be slow"),
    };

    public static readonly HandlerDescriptor<ReleaseLockRequest, ReleaseLockResponse> ReleaseLock = new()
    {
        Name = HandlerNames.ReleaseLock,
        Description = "Records the transition and releases the lock, then records the run as measured",
        RequestInfo = () => FunctionsJson.Default.ReleaseLockRequest,
        ResponseInfo = () => FunctionsJson.Default.ReleaseLockResponse,
        Environment = new([EnvNames.ControlTableName, EnvNames.PrimaryRegion, EnvNames.SecondaryRegion, EnvNames.StackPrefix], [EnvNames.DecisionTableName]),
        Results = [ResultFields.Released, ResultFields.StateRecorded, ResultFields.Reason, ResultFields.Epoch, ResultFields.Recorded],
        Size = new(256, 20, "one conditional write and, on a retry, one read; at the end of a run, one write and one read-modify-write of the run log"),
    };

    public static readonly HandlerDescriptor<ReadinessRequest, ReadinessReport> Readiness = new()
    {
        Name = HandlerNames.Readiness,
        Description = "Checks that this stack's move could run now and publishes each check's result as a metric",
        RequestInfo = () => ReadinessJson.Default.ReadinessRequest,
        ResponseInfo = () => ReadinessJson.Default.ReadinessReport,
        Environment = new([EnvNames.ControlTableName, EnvNames.StackPrefix, EnvNames.PeerStackPrefix], []),
        Results = [ResultFields.Results, ResultFields.Passing, ResultFields.Failing, ResultFields.Unknown],
        // One scheduled invocation at a time: a second would only repeat the same reads.
        Size = new(256, 60, "the checks run side by side, each within 20 s, then one PutMetricData; 60 s leaves room for a slow region", 1),
    };

    /// Every handler: the workflow's in the order it first calls them, then the scheduled readiness checks.
    public static readonly IReadOnlyList<HandlerDescriptor> All = [Decide, ScaleService, CheckService, ShiftTraffic, ReleaseLock, Readiness];

    /// The handler a function's handler setting names, or null.
    public static HandlerDescriptor? Find(string? name) => All.FirstOrDefault(h => h.Name == name);
}
