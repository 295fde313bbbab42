using Failover.Contract;
using Failover.Contract.Readiness;
using Failover.Infra.Control;
using Failover.Infra.Triggers;
using Failover.Infra.Yaml;

namespace Failover.Infra.Watch;

/// One alarm on the failover machinery itself, notifying the topic of its region: where it is.
public sealed record WatcherAlarm
{
    public required string Key { get; init; }
    public required Resource Alarm { get; init; }
    /// Its name as deployed: a metric alarm's `name`, a composite alarm's `alarmName`.
    public required Value Name { get; init; }
    public required string Region { get; init; }
    /// The alarm's ARN, known before deploy (fixed name): dashboards list it.
    public required Value Arn { get; init; }
}

/// What the watcher alarms watch.
public sealed record WatcherAlarmsProps
{
    public required Naming Naming { get; init; }
    public required Iam.AwsAccount Account { get; init; }
    public required WorkflowFunctions<LambdaFunction> Functions { get; init; }
    public required Workflow Workflow { get; init; }
    /// Every topic of the stack, each watched in its region and notified by the alarms there.
    public required IReadOnlyList<Notifications> Topics { get; init; }
    public required IReadOnlyList<DeadLetterQueue> DeadLetters { get; init; }
    /// Every EventBridge rule of the stack: a delivery its dead-letter queue could not take is lost without a trace otherwise.
    public required IReadOnlyList<EventRule> Rules { get; init; }
    /// The secondary's probe: its schedule group and how often it starts the workflow; null without a probe.
    public WorkflowTriggers? Triggers { get; init; }
    public int? ProbeIntervalSeconds { get; init; }
    /// The scheduled readiness checks and how often they run; null when readinessRate is off.
    public LambdaFunction? Readiness { get; init; }
    public int? ReadinessIntervalSeconds { get; init; }
}

/// Watching the watcher: an alarm, notifying the topic of its region, on every function's errors and throttles, the
/// workflow's failed, timed-out and throttled executions, each topic's failed deliveries and each dead-letter queue's depth.
/// A topic that cannot deliver cannot tell of itself: that alarm shows on the dashboard as well.
public static class WatcherAlarms
{
    /// The window a function's error and throttle alarms sum over: a task's whole retry span, in whole minutes, and one minute
    /// more. CloudWatch evaluates an alarm every minute over a sliding window (its default, and the pinned provider sets no
    /// other; CloudWatch guide, "Alarm evaluation window"), and Lambda counts per minute: errors S seconds apart fall into at
    /// most ceil(S / 60) + 1 minutes, all inside the window at one evaluation, however they sit on the clock.
    public static int FunctionAlarmPeriodSeconds(HandlerDescriptor handler) =>
        ((WorkflowDefinition.TaskRetrySpanSeconds(handler) + 59) / 60 + 1) * 60;

    /// The silence alarm's warm-up beyond one probe interval: the schedule created a little after the alarm, and the first
    /// start's datapoint published.
    public const int ProbeFirstStartMarginMinutes = 15;

    public static IReadOnlyList<WatcherAlarm> Create(PulumiProgram program, WatcherAlarmsProps props)
    {
        var alarms = new List<WatcherAlarm>();
        var home = props.Topics.Single(t => t.Provider is null);
        Notifications TopicIn(string region) => props.Topics.Single(t => t.Region == region);

        // A metric alarm; it notifies `topic` (and is a watcher) unless that is null: a composite alarm's child notifies nobody.
        Resource MetricAlarm(string name, string description, string ns, string metric, string statistic, Map dimensions, int period,
            Notifications? topic, int threshold = 1, bool silence = false, int? warmUpMinutes = null, int evaluations = 1,
            int? datapoints = null, string? treatMissingData = null) => program.Add(new Resource
        {
            Name = name,
            Type = "aws:cloudwatch/metricAlarm:MetricAlarm",
            Properties = Map.Of(
                ("name", props.Naming.Named(name)),
                ("alarmDescription", description),
                ("namespace", ns),
                ("metricName", metric),
                ("statistic", statistic),
                ("dimensions", dimensions),
                ("period", period),
                ("evaluationPeriods", evaluations),
                ("datapointsToAlarm", evaluations == 1 ? null : datapoints ?? evaluations),
                ("threshold", threshold),
                // A silence alarm fires when nothing happened; every other one when something did.
                ("comparisonOperator", silence ? "LessThanThreshold" : "GreaterThanOrEqualToThreshold"),
                // Counts published only when something happens (or, for a queue, while it is active): no data is no trouble,
                // except for a silence alarm, where no data is the trouble.
                ("treatMissingData", treatMissingData ?? (silence ? "breaching" : "notBreaching")),
                ("warmUpConfiguration", warmUpMinutes is { } minutes ? Map.Of(("warmUpPeriodDurationInMinutes", minutes)) : null),
                ("alarmActions", topic is null ? null : Value.List(topic.Arn)),
                ("okActions", topic is null ? null : Value.List(topic.Arn)),
                ("tags", props.Naming.TagsNamed(name))),
            Options = new ResourceOptions { Provider = topic?.Provider },
        });

        void Watch(string key, Resource alarm, Value name, Notifications topic)
        {
            var arn = Value.Format($"arn:{props.Account.Partition}:cloudwatch:{topic.Region}:{props.Account.AccountId}:alarm:{props.Naming.Named($"watch-{key}")}");
            topic.AllowAlarm(arn);
            alarms.Add(new WatcherAlarm { Key = key, Alarm = alarm, Name = name, Region = topic.Region, Arn = arn });
        }

        void Add(string key, string description, string ns, string metric, string statistic, Map dimensions, int period, Notifications topic,
            int threshold = 1, bool silence = false, int? warmUpMinutes = null, int evaluations = 1, int? datapoints = null)
        {
            var alarm = MetricAlarm($"watch-{key}", description, ns, metric, statistic, dimensions, period, topic,
                threshold, silence, warmUpMinutes, evaluations, datapoints);
            Watch(key, alarm, alarm.Out("name"), topic);
        }

        // An error or throttle that its task retried away is no news: each alarm needs one more than a task's retries within the
        // span of one task's attempts, a function failing beyond what retries absorb (on every run, or one task through all its
        // attempts). An error no retry absorbed fails the run, unless the workflow catches it on purpose (a renewal after traffic
        // moved), and runs-failed pages for that at once.
        foreach (var (name, function) in props.Functions.All)
        {
            var dims = Map.Of(("FunctionName", function.Function.Out("name")));
            var window = FunctionAlarmPeriodSeconds(function.Handler);
            var errors = WorkflowDefinition.FunctionErrorRetries + 1;
            Add($"{name}-errors", $"The {name} function failed at least {errors} times in {window / 60} minutes (errors it returned, crashes or timeouts), more than one task's retries absorb: see its log group.",
                "AWS/Lambda", "Errors", "Sum", dims, window, home, threshold: errors);
            var throttles = WorkflowDefinition.LambdaTransientRetries + 1;
            Add($"{name}-throttles", $"The {name} function was throttled at least {throttles} times in {window / 60} minutes, more than one task's retries absorb: the account's concurrency is exhausted.",
                "AWS/Lambda", "Throttles", "Sum", dims, window, home, threshold: throttles);
        }
        // Each entry point's runs: the operators' machine under the plain names, the triggers' with a `trigger-` prefix.
        foreach (var (arn, key) in props.Workflow.Arns.Select((a, i) => (a, i == 0 ? "" : "trigger-")))
        {
            var machine = Map.Of(("StateMachineArn", arn));
            Add($"{key}runs-failed", "A failover workflow run failed: its FAILED notice and execution history say why.",
                "AWS/States", "ExecutionsFailed", "Sum", machine, 60, home);
            Add($"{key}runs-timed-out", "A failover workflow run passed its time limit: its lock stays held until the lease ends (or the next run finds it ended).",
                "AWS/States", "ExecutionsTimedOut", "Sum", machine, 60, home);
            Add($"{key}runs-throttled", "Step Functions throttled the workflow's state transitions: runs are slowed, and retrying.",
                "AWS/States", "ExecutionThrottled", "Sum", machine, 60, home);
        }
        foreach (var topic in props.Topics)
            Add(topic.Provider is null ? PeerNotices.AlarmKey : $"{PeerNotices.AlarmKey}-{topic.Region}",
                "The failover topic could not deliver a notification (an unconfirmed or bouncing address, a key problem): people may not have heard.",
                "AWS/SNS", "NumberOfNotificationsFailed", "Sum", Map.Of(("TopicName", topic.Name)), 60, topic);
        foreach (var queue in props.DeadLetters)
            // SQS publishes queue metrics every 5 minutes.
            Add(queue.Name[(props.Naming.Prefix.Length + 1)..],
                $"A trigger or notification could not be delivered and waits in {queue.Name}: read it, act on it, then purge it.",
                "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", Map.Of(("QueueName", queue.Name)), 300, TopicIn(queue.Region));
        foreach (var rule in props.Rules)
            Add($"{rule.Name[(props.Naming.Prefix.Length + 1)..]}-dlq-unwritable",
                $"Rule {rule.Name} could not deliver an event and could not keep it in its dead-letter queue either: it is lost.",
                "AWS/Events", "InvocationsFailedToBeSentToDlq", "Sum", Map.Of(("RuleName", rule.Name)), 60, TopicIn(rule.Region));
        if (props.Triggers?.ScheduleGroup is { } group && props.ProbeIntervalSeconds is { } interval)
        {
            Add("probe-dlq-unwritable", "The probe could not start the workflow and could not keep the start in its dead-letter queue either.",
                "AWS/Scheduler", "InvocationsFailedToBeSentToDeadLetterCount", "Sum", Map.Of(("ScheduleGroup", group.Out("name"))), 60, home);
            // Three probe intervals without a single start: the probe, the one trigger outside a failed us-east-1, has stopped.
            // A fresh deploy has no data yet, which a silence alarm reads as silence: without a warm-up it would page on every new
            // stack. CloudWatch holds it in INSUFFICIENT_DATA, without actions, until data comes or the warm-up ends, after the
            // alarm is created and after every update of it (CloudWatch guide, "Alarm warm-up periods"). So the warm-up covers the
            // first start and no more (one interval and a margin, not the window): a deploy that changes the alarm while the probe
            // is broken holds its page that long.
            Add("probe-silent", $"The failover workflow has not been started for {3 * interval / 60} minutes: the probe (every {interval / 60} min) has stopped or is failing.",
                "AWS/States", "ExecutionsStarted", "Sum", Map.Of(("StateMachineArn", props.Workflow.TriggerArn ?? props.Workflow.Arn)), (3 * interval + 59) / 60 * 60, home,
                silence: true, warmUpMinutes: (interval + 59) / 60 + ProbeFirstStartMarginMinutes);
        }
        if (props.Readiness is { } readiness && props.ReadinessIntervalSeconds is { } every)
        {
            // Lambda retries a failed scheduled (asynchronous) invocation twice, a minute and then two after the failure: one error
            // in each of three minutes, all within the retry span. Lambda counts per minute and CloudWatch evaluates the last N
            // minutes every minute, so 3 of N one-minute datapoints see all three wherever they fall on the clock (one window
            // summed over a clock-aligned period can split them 2 and 1 on every run). One failure a retry absorbed is no news.
            // A run whose retries straggle past the window is the silence child's news below.
            var window = ReadinessErrorWindowMinutes;
            Add($"{ReadinessKey}-errors", $"The readiness function failed in 3 of {window} minutes: a run and both of Lambda's retries of it; its checks were not published; see its log group.",
                "AWS/Lambda", "Errors", "Sum", Map.Of(("FunctionName", readiness.Function.Out("name"))), 60, home,
                evaluations: window, datapoints: ReadinessAttempts);

            // The readiness alarm: one child per check, in ALARM when that check failed on two runs in a row (one run per period),
            // so check A failing and then check B does not page. A run that could not judge the check (unknown publishes no
            // CheckFailed) or a period without a run is left out rather than read as passing or failing: the runs either side
            // still count as in a row. The children notify nobody; the composite does, once, whichever of them is in ALARM.
            var stack = props.Naming.Prefix;
            var children = CheckNames.All.Select(check => MetricAlarm($"{ReadinessKey}-{check}-failed",
                $"The readiness check {check} failed on two runs in a row (every {every / 60} minutes); part of {props.Naming.Named($"watch-{ReadinessKey}")}.",
                ReadinessMetrics.Namespace, ReadinessMetrics.CheckFailed, "Maximum",
                Map.Of((ReadinessMetrics.StackDimension, stack), (ReadinessMetrics.CheckDimension, check)), every, topic: null,
                evaluations: 2, treatMissingData: "missing")).ToList();
            // And silence: every run publishes ChecksFailing, so two periods without one mean the checks stopped (a function that
            // fails every time, a schedule that no longer starts it). Breaching on no data, so it needs the probe's warm-up: the
            // first run comes one interval after the schedule exists (see probe-silent above).
            children.Add(MetricAlarm($"{ReadinessKey}-silent",
                $"The readiness checks published nothing for {2 * every / 60} minutes (every {every / 60} minutes); part of {props.Naming.Named($"watch-{ReadinessKey}")}.",
                ReadinessMetrics.Namespace, ReadinessMetrics.ChecksFailing, "SampleCount", Map.Of((ReadinessMetrics.StackDimension, stack)), 2 * every,
                topic: null, silence: true, warmUpMinutes: (every + 59) / 60 + ProbeFirstStartMarginMinutes));

            var name = props.Naming.Named($"watch-{ReadinessKey}");
            var rule = new Interpolation([.. children.SelectMany((c, i) => new IInterpolationPart[] { new Str(i == 0 ? "ALARM(\"" : " OR ALARM(\""), c.Out("name"), new Str("\")") })]);
            var composite = program.Add(new Resource
            {
                Name = $"watch-{ReadinessKey}",
                Type = "aws:cloudwatch/compositeAlarm:CompositeAlarm",
                Properties = Map.Of(
                    ("alarmName", name),
                    ("alarmDescription", $"A readiness check failed on two runs in a row, or the checks stopped publishing (every {every / 60} minutes): " +
                        "this stack's move may not work now; `failoverctl readiness` says which check and why."),
                    ("alarmRule", rule),
                    ("alarmActions", Value.List(home.Arn)),
                    ("okActions", Value.List(home.Arn)),
                    ("tags", props.Naming.TagsNamed($"watch-{ReadinessKey}"))),
            });
            Watch(ReadinessKey, composite, composite.Out("alarmName"), home);
        }
        return alarms;
    }

    /// The readiness alarm's key: `PREFIX-watch-readiness`, a composite alarm over `PREFIX-readiness-CHECK-failed` (one per check)
    /// and `PREFIX-readiness-silent`.
    public const string ReadinessKey = "readiness";

    /// A failed scheduled run's attempts: Lambda's first and its two retries of an asynchronous invocation.
    public const int ReadinessAttempts = 3;

    /// The minutes the readiness errors alarm looks back: every attempt of one run (each to the function's time limit, and Lambda's
    /// waits of one and two minutes between them) in whole minutes, and the minute the first error falls in.
    public static int ReadinessErrorWindowMinutes =>
        (ReadinessAttempts * FunctionContract.Readiness.Size.TimeoutSeconds + 60 + 120 + 59) / 60 + 1;
}
