using Failover.Contract;
using Failover.Infra.Config;
using Failover.Infra.Control;
using Failover.Infra.Health;
using Failover.Infra.Regional;
using Failover.Infra.Triggers;

namespace Failover.Infra.Estimates;

/// One phase of a recovery: what it typically takes, the worst case the stack's settings allow, where both figures come
/// from, and the config keys (without namespace) that move it; none when only AWS's own latency does.
public sealed record RecoveryTimePhase(string Name, int TypicalSeconds, int BoundSeconds, string From, IReadOnlyList<string> Keys);

/// One way the secondary's workflow learns that the primary is down. OutlivesPrimaryRegion: it still starts the workflow when
/// the primary region's CloudWatch and EventBridge are down with the application.
public sealed record DetectionPath(string Name, int TypicalSeconds, int BoundSeconds, string From, bool OutlivesPrimaryRegion);

/// The modelled recovery time of the move this stack's workflow makes into its own region, from the stack's config alone: in
/// the secondary the failover (from the primary's outage to clients reaching the secondary), in the primary the failback (from
/// an operator's start to clients reaching the primary again). A model: each phase has a typical figure and a worst-case bound
/// from config and from the AWS latencies below; the compiler refuses a stack whose bound exceeds rtoObjectiveMinutes.
public sealed record RecoveryTimeBudget
{
    /// ~60 s until CloudWatch holds a period's data point and has evaluated the alarm on it: ELB (and Container Insights) send a
    /// standard-resolution point once a minute, after the minute ends, and CloudWatch evaluates such an alarm once a minute
    /// (ELB guide, "CloudWatch metrics for your Application Load Balancer"; CloudWatch guide, "Using Amazon CloudWatch alarms").
    public const int MetricDelayTypicalSeconds = 60;
    /// 120 s: a full minute for each of those two steps (model).
    public const int MetricDelayBoundSeconds = 120;
    /// ~5 s from an alarm's change to a started execution: EventBridge forwards it to the secondary's bus, whose rule starts the
    /// workflow (or the probe's schedule does). AWS publishes no latency figure; seconds is what such deliveries take (model).
    public const int TriggerTypicalSeconds = 5;
    /// 60 s: a delivery EventBridge has to retry, or a slow start (model; its 10-minute retry window is not).
    public const int TriggerBoundSeconds = 60;
    /// ~5 s for decide and the scale-up call: decide gives the evidence at most 5 s and a primary CloudWatch that hangs in an
    /// outage uses all of it (docs/functions.md, "Time budgets"); the lock, the record and the scale-up take about a second more.
    public const int DecisionTypicalSeconds = 5;
    /// ~60 s for a new Fargate task to run: each task pulls its whole image, Fargate caches none (ECS guide, "Fargate pull
    /// behavior"), so 30-60 s is usual (docs/design.md §3); the model takes the upper end.
    public const int FargateTaskStartSeconds = 60;
    /// 60 s for Route 53's name servers to answer by the gate's new status: "changes generally propagate to all Route 53 name
    /// servers within 60 seconds" (Route 53 guide, "Editing records"; ELB guide, "Delete an Application Load Balancer"). The
    /// model assumes the same for a health check's status.
    public const int Route53PropagationSeconds = 60;

    public const string Detection = "detection", Trigger = "trigger", Decision = "decision", ScaleUp = "scale-up and readiness",
        RecoveryTasks = "recovery tasks (beforeShift)", TrafficShift = "gate flip and propagation", DnsTtl = "DNS TTL";

    /// The project's config namespace (`failover`): the keys in the phases belong to it.
    public required string Project { get; init; }
    public required string Stack { get; init; }
    /// `failover` (the secondary) or `failback` (the primary): the move this stack's workflow makes.
    public required string Action { get; init; }
    /// The region traffic moves into: this stack's.
    public required string Region { get; init; }
    /// In recovery order; the totals are their sums.
    public required IReadOnlyList<RecoveryTimePhase> Phases { get; init; }
    /// The failover's ways to detect the outage (not summed: the detection phase takes its figures from them); none for a failback.
    public required IReadOnlyList<DetectionPath> DetectionPaths { get; init; }
    /// What the model leaves out or assumes, for this config.
    public required IReadOnlyList<string> Notes { get; init; }
    /// rtoObjectiveMinutes in seconds.
    public required int ObjectiveSeconds { get; init; }

    public int TypicalSeconds => Phases.Sum(p => p.TypicalSeconds);
    public int BoundSeconds => Phases.Sum(p => p.BoundSeconds);
    /// The objective is a promise, so the worst case must fit in it, not the typical case.
    public bool Fits => BoundSeconds <= ObjectiveSeconds;

    public static RecoveryTimeBudget For(StackConfig config)
    {
        var failover = config.Role == Role.Secondary;
        var paths = failover ? DetectionPathsOf(config) : [];
        var notes = new List<string>();
        var phases = new List<RecoveryTimePhase>
        {
            failover ? DetectionPhase(config, paths, notes)
                : new(Detection, 0, 0, "an operator starts a failback once the primary is healthy again; nothing starts one by itself, so that wait is not modelled", []),
            failover
                ? new(Trigger, TriggerTypicalSeconds, TriggerBoundSeconds,
                    $"EventBridge forwards the alarm to this region's bus and its rule starts the workflow (or the probe's schedule does): ~{TriggerTypicalSeconds} s; " +
                    $"bound {TriggerBoundSeconds} s for a retried delivery", [])
                : new(Trigger, 0, 0, "started by hand (aws stepfunctions start-execution): nothing to deliver", []),
            DecisionPhase(),
            ScaleUpPhase(config, failover),
            RecoveryTasksPhase(config),
            ShiftPhase(config, failover),
            new(DnsTtl, FailoverRecord.AliasTtlSeconds, FailoverRecord.AliasTtlSeconds,
                $"resolvers keep the old answer for the alias record's TTL: {FailoverRecord.AliasTtlSeconds} s, the load balancer's fixed TTL (an alias has none of its own)", []),
        };
        if (failover && config.Alarms.Extra.Count > 0)
            notes.Add($"extraAlarms ({string.Join(", ", config.Alarms.Extra.Select(a => a.Name))}) detect at their own period × evaluations; the model counts the built-in alarms");
        if (failover && config.Dns.Failover != DnsFailover.Gated)
        {
            var byItself = config.Dns.EndpointCheckIntervalSeconds * config.Dns.EndpointFailureThreshold + Route53PropagationSeconds + FailoverRecord.AliasTtlSeconds;
            notes.Add($"dnsFailover {config.Dns.Failover.ToString().ToLowerInvariant()}: for an outage the endpoint check sees, Route 53 moves traffic by itself " +
                $"after ~{byItself} s, onto the standby as it is; the phases count the workflow, which also scales it and verifies it");
        }
        if (!failover)
            notes.Add($"the secondary keeps serving until the gate moves, and is scaled back to standby {config.Workflow.FailbackDrainSeconds} s later (failbackDrainSeconds): not part of this time");

        return new RecoveryTimeBudget
        {
            Project = config.Project,
            Stack = config.Stack,
            Action = failover ? "failover" : "failback",
            Region = config.Region,
            Phases = phases,
            DetectionPaths = paths,
            Notes = notes,
            ObjectiveSeconds = config.RtoObjectiveMinutes * 60,
        };
    }

    // The primary's alarms and endpoint check are read with this stack's settings: both stacks are meant to share them.
    private static List<DetectionPath> DetectionPathsOf(StackConfig config)
    {
        var (period, evaluations) = (config.Alarms.PeriodSeconds, config.Alarms.EvaluationPeriods);
        var (interval, failures) = (config.Dns.EndpointCheckIntervalSeconds, config.Dns.EndpointFailureThreshold);
        var route53Period = AlarmForwarding.Route53AlarmPeriodSeconds;
        // The outage may begin just after a period or probe interval began: the bound waits one more of each.
        var endpointTypical = interval * failures;
        var endpointBound = interval * (failures + 1);
        var endpoint = $"endpoint check {interval} s × {failures} failures";

        var paths = new List<DetectionPath>
        {
            new("health alarms", period * evaluations + MetricDelayTypicalSeconds, period * (evaluations + 1) + MetricDelayBoundSeconds,
                $"alarm period {period} s × {evaluations} evaluation periods + ~{MetricDelayTypicalSeconds} s until CloudWatch has the data " +
                $"(bound: one period and {MetricDelayBoundSeconds} s); forwarded by the primary region's EventBridge", false),
            new("Route 53 check + alarm",
                endpointTypical + route53Period * evaluations + MetricDelayTypicalSeconds,
                endpointBound + route53Period * (evaluations + 1) + MetricDelayBoundSeconds,
                $"{endpoint}, then the {AlarmForwarding.Route53MetricsRegion} HealthCheckStatus alarm {route53Period} s × {evaluations} + ~{MetricDelayTypicalSeconds} s " +
                $"(bound: one interval, one period and {MetricDelayBoundSeconds} s)",
                config.PeerRegion != AlarmForwarding.Route53MetricsRegion),
        };
        if (config.Triggers.ProbeIntervalSeconds is { } probe)
            paths.Add(new("probe", endpointTypical + probe / 2, endpointBound + probe,
                $"{endpoint}, then the next probe ({config.Triggers.ProbeRate}): half its interval typically, all of it at worst", true));
        return paths;
    }

    // Typical: whichever path fires first. Bound: the later of a failure only the alarms see (the region's monitoring works, the
    // alarms fire) and an outage that takes the primary region's CloudWatch and EventBridge along (the first path that outlives it).
    private static RecoveryTimePhase DetectionPhase(StackConfig config, IReadOnlyList<DetectionPath> paths, List<string> notes)
    {
        var alarms = paths[0];
        var first = paths.MinBy(p => p.TypicalSeconds)!;
        var outliving = paths.Where(p => p.OutlivesPrimaryRegion).MinBy(p => p.BoundSeconds);
        string bound;
        int boundSeconds;
        if (outliving is null)
        {
            (boundSeconds, bound) = (alarms.BoundSeconds, $"{alarms.Name} (no trigger outlives the primary region)");
            notes.Add($"probeRate off and the primary in {config.PeerRegion}: no trigger outlives the primary region; the bound assumes its alarms " +
                "still fire, otherwise an operator must start the failover");
        }
        else if (outliving.BoundSeconds >= alarms.BoundSeconds)
            (boundSeconds, bound) = (outliving.BoundSeconds, $"{outliving.Name}, the first trigger that outlives the primary region");
        else
            (boundSeconds, bound) = (alarms.BoundSeconds, $"{alarms.Name}, for a failure only they see ({outliving.Name} outlives the region sooner)");
        notes.Add("detection reads the primary's alarms and endpoint check with this stack's settings: keep alarm and endpoint keys alike in both stacks");
        return new(Detection, first.TypicalSeconds, boundSeconds, $"typical: {first.Name}; bound: {bound}; paths below",
            Keys(AlarmSection.PeriodSeconds, AlarmSection.EvaluationPeriods, DnsSection.EndpointCheckIntervalSeconds, DnsSection.EndpointFailureThreshold, TriggerSection.ProbeRate));
    }

    private static RecoveryTimePhase DecisionPhase()
    {
        var decide = FunctionContract.Decide.Size.TimeoutSeconds;
        var scale = FunctionContract.ScaleService.Size.TimeoutSeconds;
        return new(Decision, DecisionTypicalSeconds, decide + scale,
            $"decide (evidence in at most 5 s, the lock, the record) and the scale-up call: ~{DecisionTypicalSeconds} s; bound: their Lambda timeouts, " +
            $"{decide} s + {scale} s, one attempt each", []);
    }

    // check-service is ready only when the region runs activeCount tasks, all healthy behind the ALB: every missing task must start.
    private static RecoveryTimePhase ScaleUpPhase(StackConfig config, bool failover)
    {
        var (active, standby) = (config.Capacity.ActiveCount, config.Capacity.StandbyCount);
        var (timeout, poll) = (config.Workflow.ReadinessTimeoutSeconds, config.Workflow.ReadinessPollSeconds);
        var bound = $"bound: readinessTimeoutSeconds {timeout}, after which the workflow stops without moving traffic";
        var toStart = failover ? Math.Max(0, active - standby) : 0;
        if (toStart == 0)
            return new(ScaleUp, 0, timeout, failover
                ? $"the standby already runs activeCount {active} tasks: the first check finds it ready; {bound}"
                : $"the primary keeps its {active} tasks through a failover: the first check finds it ready; {bound}",
                failover ? Keys(CapacitySection.StandbyCount, WorkflowSection.ReadinessTimeoutSeconds) : Keys(WorkflowSection.ReadinessTimeoutSeconds));
        var healthy = LoadBalancer.TargetHealthCheckIntervalSeconds * LoadBalancer.HealthyThreshold;
        var posture = standby == 0 ? "pilot light" : "warm standby";
        return new(ScaleUp, FargateTaskStartSeconds + healthy + poll, timeout,
            $"{(toStart == 1 ? "1 task" : $"{toStart} tasks")} to start (activeCount {active} - standbyCount {standby}, {posture}): ~{FargateTaskStartSeconds} s Fargate start (in parallel), " +
            $"ALB check {LoadBalancer.TargetHealthCheckIntervalSeconds} s × {LoadBalancer.HealthyThreshold}, readiness checked every {poll} s; {bound}",
            Keys(CapacitySection.StandbyCount, WorkflowSection.ReadinessTimeoutSeconds, WorkflowSection.ReadinessPollSeconds));
    }

    private static RecoveryTimePhase RecoveryTasksPhase(StackConfig config)
    {
        var before = config.RecoveryTasks.Where(t => t.Phase == RecoveryPhase.BeforeShift).ToList();
        if (before.Count == 0) return new(RecoveryTasks, 0, 0, "no beforeShift recovery tasks", Keys(RecoveryTaskSection.Tasks));
        return new(RecoveryTasks, before.Count * FargateTaskStartSeconds, before.Sum(t => t.TimeoutSeconds),
            $"{(before.Count == 1 ? "1 task" : $"{before.Count} tasks")} in turn ({string.Join(", ", before.Select(t => t.Name))}): ~{FargateTaskStartSeconds} s start each, their own work not modelled; " +
            $"bound: their timeoutSeconds {string.Join(" + ", before.Select(t => t.TimeoutSeconds))}", Keys(RecoveryTaskSection.Tasks));
    }

    // A metric gate's close lands in the current period of its alarm; an open waits for the next one (so it never shares a period
    // with a close, whose Maximum would hide it). Route 53 then reads the period's data point: it "doesn't wait for the CloudWatch
    // alarm to go into the ALARM state" (Route 53 guide, "Types of health checks"), and CloudWatch evaluates a one-minute
    // period once a minute (CloudWatch guide, "Using Amazon CloudWatch alarms"); AWS gives no figure for that read, so the model
    // counts one period for it, as it counts 60 s for any status to reach the name servers.
    private static RecoveryTimePhase ShiftPhase(StackConfig config, bool failover)
    {
        var shift = FunctionContract.ShiftTraffic.Size.TimeoutSeconds;
        if (config.Dns.TrafficGate == TrafficGateKind.Route53Api)
            return new(TrafficShift, Route53PropagationSeconds, Route53PropagationSeconds + shift,
                $"shift-traffic {(failover ? "inverts" : "restores")} the primary's gate through Route 53's control plane in us-east-1 (trafficGate route53-api); " +
                $"Route 53's name servers generally follow within {Route53PropagationSeconds} s; bound: + shift-traffic's {shift} s timeout", Keys(DnsSection.TrafficGate));
        if (config.Dns.TrafficGate == TrafficGateKind.Arc)
            return new(TrafficShift, Route53PropagationSeconds, Route53PropagationSeconds + shift,
                $"shift-traffic sets the primary's routing control {(failover ? "Off" : "On")} through the ARC cluster's data plane (trafficGate arc), " +
                $"which updates its health check; Route 53's name servers generally follow within {Route53PropagationSeconds} s; " +
                $"bound: + shift-traffic's {shift} s timeout", Keys(DnsSection.TrafficGate));
        var period = TrafficGate.AlarmPeriodSeconds;
        var wait = failover ? 0 : period / 2;
        return new(TrafficShift, wait + period + Route53PropagationSeconds, shift + period + Route53PropagationSeconds,
            (failover
                ? $"shift-traffic publishes the primary's gate closed in {config.Region} (PutMetricData, no wait)"
                : $"shift-traffic publishes the primary's gate open in {config.PeerRegion} at the start of the next {period} s period (~{wait} s)") +
            $"; Route 53 reads the period's data point (~{period} s) and its name servers follow within ~{Route53PropagationSeconds} s; " +
            $"bound: shift-traffic's {shift} s timeout + one period + {Route53PropagationSeconds} s", Keys(DnsSection.TrafficGate));
    }

    /// The settings that move a phase, by key.
    private static IReadOnlyList<string> Keys(params Setting[] settings) => [.. settings.Select(s => s.Key)];
}

