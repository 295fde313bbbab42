using Failover.Contract.Readiness;
using Failover.Infra.Tests.Golden;
using Failover.Infra.Tests.Oracles;

namespace Failover.Infra.Tests.Watch;

/// One metric as AWS documents it: its namespace, its name, one set of dimensions it is published with, where it says so.
internal sealed record PublishedMetric(string Namespace, string Metric, string[] Dimensions, string Doc, string? OnlyIn = null);

/// What AWS publishes, for the metrics the stacks read: an alarm or a widget on any other name or dimension set shows nothing.
internal static class MetricCatalog
{
    private const string Lambda = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html";
    private const string States = "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html";
    private const string Sns = "https://docs.aws.amazon.com/sns/latest/dg/sns-monitoring-using-cloudwatch.html";
    private const string Sqs = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html";
    private const string Route53 = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-cloudwatch.html";
    private const string Alb = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html";
    private const string ContainerInsights = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html";
    private const string Events = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html";
    private const string Scheduler = "https://docs.aws.amazon.com/scheduler/latest/UserGuide/monitoring-cloudwatch.html";

    public static readonly PublishedMetric[] Entries =
    [
        new("AWS/Lambda", "Errors", ["FunctionName"], Lambda),
        new("AWS/Lambda", "Throttles", ["FunctionName"], Lambda),
        new("AWS/Lambda", "Duration", ["FunctionName"], Lambda),
        new("AWS/States", "ExecutionsFailed", ["StateMachineArn"], States),
        new("AWS/States", "ExecutionsTimedOut", ["StateMachineArn"], States),
        new("AWS/States", "ExecutionThrottled", ["StateMachineArn"], States),
        new("AWS/States", "ExecutionsStarted", ["StateMachineArn"], States),
        new("AWS/States", "ExecutionsSucceeded", ["StateMachineArn"], States),
        new("AWS/States", "ExecutionsAborted", ["StateMachineArn"], States),
        new("AWS/SNS", "NumberOfNotificationsFailed", ["TopicName"], Sns),
        new("AWS/SQS", "ApproximateNumberOfMessagesVisible", ["QueueName"], Sqs),
        // "Route 53 metrics are available only in US East (N. Virginia)", whatever the region of what is checked.
        new("AWS/Route53", "HealthCheckStatus", ["HealthCheckId"], Route53, OnlyIn: "us-east-1"),
        new("AWS/ApplicationELB", "HealthyHostCount", ["TargetGroup", "LoadBalancer"], Alb),
        new("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ["TargetGroup", "LoadBalancer"], Alb),
        new("ECS/ContainerInsights", "RunningTaskCount", ["ClusterName", "ServiceName"], ContainerInsights),
        new("AWS/Events", "InvocationsFailedToBeSentToDlq", ["RuleName"], Events),
        new("AWS/Scheduler", "InvocationsFailedToBeSentToDeadLetterCount", ["ScheduleGroup"], Scheduler),
    ];

    /// What each dimension's value is: the resource type that publishes under it, and which of its properties the value is.
    public static readonly IReadOnlyDictionary<string, (string Type, string Property)> Dimensions = new Dictionary<string, (string, string)>
    {
        ["FunctionName"] = ("aws:lambda/function:Function", "name"),
        ["StateMachineArn"] = ("aws:sfn/stateMachine:StateMachine", "arn"),
        ["TopicName"] = ("aws:sns/topic:Topic", "name"),
        ["QueueName"] = ("aws:sqs/queue:Queue", "name"),
        ["HealthCheckId"] = ("aws:route53/healthCheck:HealthCheck", "id"),
        ["ClusterName"] = ("aws:ecs/cluster:Cluster", "name"),
        ["ServiceName"] = ("aws:ecs/service:Service", "name"),
        ["LoadBalancer"] = ("aws:lb/loadBalancer:LoadBalancer", "arnSuffix"),
        ["TargetGroup"] = ("aws:lb/targetGroup:TargetGroup", "arnSuffix"),
        ["RuleName"] = ("aws:cloudwatch/eventRule:EventRule", "name"),
        ["ScheduleGroup"] = ("aws:scheduler/scheduleGroup:ScheduleGroup", "name"),
    };

    public static PublishedMetric? Find(MetricUse use) => Entries.SingleOrDefault(e => e.Namespace == use.Namespace && e.Metric == use.Metric
        && e.Dimensions.Order(StringComparer.Ordinal).SequenceEqual(use.Dimensions.Select(d => d.Name).Order(StringComparer.Ordinal)));
}

/// A metric the stack reads: an alarm's, or one line of a dashboard widget; `Region` is where it is read.
internal sealed record MetricUse(string Where, CompiledProgram Program, string Namespace, string Metric, IReadOnlyList<(string Name, string Raw)> Dimensions, string Region)
{
    public static List<MetricUse> Alarms(CompiledProgram program, Func<CompiledResource, bool>? which = null) =>
        [.. program.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").Where(which ?? (_ => true)).Select(a => new MetricUse(
            $"{program.Role} alarm {a.Name}", program, a.Properties.GetValueOrDefault("namespace") as string ?? "(none)",
            a.Properties.GetValueOrDefault("metricName") as string ?? "(none)",
            [.. (a.Properties.GetValueOrDefault("dimensions") as Dictionary<string, object?> ?? []).Select(d => (d.Key, d.Value as string ?? ""))],
            program.RegionOf(a)))];

    public static List<MetricUse> DashboardLines(CompiledProgram program)
    {
        var uses = new List<MetricUse>();
        foreach (var (widget, index) in Widgets(program).Select((w, i) => (w, i)))
        {
            if (widget.GetValueOrDefault("type") as string != "metric") continue;
            var properties = (Dictionary<string, object?>)widget["properties"]!;
            var title = properties.GetValueOrDefault("title") as string ?? $"widget {index}";
            foreach (var line in (List<object?>)properties["metrics"]!)
            {
                var parts = ((List<object?>)line!).OfType<string>().ToList();
                uses.Add(new MetricUse($"{program.Role} dashboard \"{title}\"", program, parts[0], parts[1],
                    [.. parts.Skip(2).Chunk(2).Select(p => (p[0], p.Length > 1 ? p[1] : ""))], properties["region"] as string ?? "(none)"));
            }
        }
        return uses;
    }

    public static IEnumerable<Dictionary<string, object?>> Widgets(CompiledProgram program) =>
        ((List<object?>)program.Resource("dashboard").Prop("dashboardBody.fn::toJSON.widgets")!).Cast<Dictionary<string, object?>>();

    public override string ToString() => $"{Where}: {Namespace} {Metric} {{{string.Join(", ", Dimensions.Select(d => $"{d.Name}={d.Raw}"))}}} in {Region}";
}

/// Each dashboard line and alarm reads a metric AWS publishes, with the dimensions and in the region where the stack's own
/// resources (or the peer stack's) publish it; and every part of the pipeline has its watchers.
public sealed class MetricCatalogTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, CompiledProgram>> Programs = new(() =>
    {
        var (primary, secondary) = CompiledProgram.Pair(GoldenProgramTests.CompileOffline("primary"), GoldenProgramTests.CompileOffline("secondary"));
        var (euPrimary, euSecondary) = CompiledProgram.Pair(TestStacks.Yaml("primary", EventCheck.EuropePrimary), TestStacks.Yaml("secondary", EventCheck.EuropeSecondary));
        return new Dictionary<string, CompiledProgram>
        {
            ["primary"] = primary, ["secondary"] = secondary, ["europe-primary"] = euPrimary, ["europe-secondary"] = euSecondary,
        };
    });

    public static TheoryData<string> Stacks => new("primary", "secondary", "europe-primary", "europe-secondary");

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Every_alarm_watches_a_metric_AWS_publishes_with_exactly_those_dimensions(string stack)
    {
        // The traffic gate's alarm and the readiness alarm read the stacks' own metrics, not ones AWS publishes: tests below pair
        // each with its publisher.
        var alarms = MetricUse.Alarms(Programs.Value[stack], a => a.Name != "traffic-gate-alarm");
        alarms.Should().Contain(a => a.Where.Contains(" alarm watch-", StringComparison.Ordinal));
        alarms.Where(a => !Readiness(a) && MetricCatalog.Find(a) is null).Select(a => a.ToString()).ShouldBeNone("no such metric is published (MetricCatalog cites where AWS lists each)");
    }

    [Theory]
    [InlineData("primary", "secondary", "PRIMARY_GATE")]
    [InlineData("secondary", "primary", "SECONDARY_GATE")]
    [InlineData("europe-primary", "europe-secondary", "PRIMARY_GATE")]
    [InlineData("europe-secondary", "europe-primary", "SECONDARY_GATE")]
    public void Each_gate_alarm_reads_the_metric_the_workflow_that_moves_it_publishes_in_the_region_where_it_publishes(string stack, string mover, string gate)
    {
        var alarm = MetricUse.Alarms(Programs.Value[stack], a => a.Name == "traffic-gate-alarm").Should().ContainSingle().Subject;
        // The primary's gate is closed by the secondary's failover; the secondary's gate is moved by the primary's failback.
        var environment = (Dictionary<string, object?>)Programs.Value[mover].Resource("shift-traffic-function").Prop("environment.variables")!;

        (alarm.Metric, alarm.Dimensions.Count).Should().Be((Contract.TrafficGateMetric.Name, 0));
        environment[$"{gate}_NAMESPACE"].Should().Be(alarm.Namespace);
        environment[$"{gate}_REGION"].Should().Be(alarm.Region, "the alarm must be in the region whose CloudWatch the publish goes to");
        alarm.Region.Should().Be(Programs.Value[mover].Region, "each gate's switch lives in the region of the workflow that moves it");
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Every_dashboard_line_reads_a_metric_AWS_publishes_with_exactly_those_dimensions(string stack)
    {
        var lines = MetricUse.DashboardLines(Programs.Value[stack]);
        lines.Should().HaveCountGreaterThan(20);
        lines.Where(l => !Readiness(l) && MetricCatalog.Find(l) is null).Select(l => l.ToString()).ShouldBeNone("no such metric is published (MetricCatalog cites where AWS lists each)");
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Every_dimension_value_names_a_resource_of_the_kind_that_publishes_the_metric(string stack)
    {
        var program = Programs.Value[stack];
        var problems = new List<string>();
        foreach (var use in MetricUse.Alarms(program).Concat(MetricUse.DashboardLines(program)).Where(u => !Readiness(u)))
        {
            var owners = new HashSet<string>();
            foreach (var (name, raw) in use.Dimensions)
            {
                if (Publisher(use, name, raw, out var problem) is { } found) owners.Add(found.Program.Role);
                else problems.Add($"{use}: {problem}");
            }
            // A cluster and a service, a load balancer and a target group: one stack's pair, or no metric carries both.
            if (owners.Count > 1) problems.Add($"{use}: its dimensions name resources of both stacks");
        }
        problems.ShouldBeNone("each must read what a resource really publishes");
    }

    /// The readiness metrics (ReadinessMetrics) are the readiness functions' own: each alarm and dashboard line reads one a stack's
    /// readiness function publishes (its metric with exactly its dimensions, a check it runs), under that stack's prefix, in the
    /// region the function runs in (it publishes there).
    [Theory]
    [MemberData(nameof(Stacks))]
    public void Every_readiness_metric_read_is_one_a_readiness_function_publishes_where_it_runs(string stack)
    {
        var program = Programs.Value[stack];
        var uses = MetricUse.Alarms(program).Concat(MetricUse.DashboardLines(program)).Where(Readiness).ToList();
        uses.Should().Contain(u => u.Metric == ReadinessMetrics.ChecksFailing).And.Contain(u => u.Metric == ReadinessMetrics.CheckFailed)
            .And.Contain(u => u.Metric == ReadinessMetrics.CheckUnknown);
        var publishers = new[] { program, program.Peer }.OfType<CompiledProgram>()
            .SelectMany(p => p.OfType("aws:lambda/function:Function").Where(f => f.Properties.GetValueOrDefault("handler") as string == "readiness")
                .Select(f => (Stack: ((Dictionary<string, object?>)f.Prop("environment.variables")!)["STACK_PREFIX"] as string, Region: p.RegionOf(f))))
            .ToList();
        var problems = new List<string>();
        foreach (var use in uses)
        {
            string[] published = use.Metric switch
            {
                ReadinessMetrics.ChecksFailing => [ReadinessMetrics.StackDimension],
                ReadinessMetrics.CheckFailed or ReadinessMetrics.CheckUnknown => [ReadinessMetrics.CheckDimension, ReadinessMetrics.StackDimension],
                _ => [],
            };
            var dimensions = use.Dimensions.ToDictionary(d => d.Name, d => d.Raw);
            if (published.Length == 0) problems.Add($"{use}: the readiness function publishes no {use.Metric}");
            else if (!dimensions.Keys.Order(StringComparer.Ordinal).SequenceEqual(published))
                problems.Add($"{use}: {use.Metric} is published by {string.Join(" and ", published)}");
            if (dimensions.GetValueOrDefault(ReadinessMetrics.CheckDimension) is { } check && !CheckNames.All.Contains(check))
                problems.Add($"{use}: no check is named {check}");
            var stackName = dimensions.GetValueOrDefault(ReadinessMetrics.StackDimension);
            if (!publishers.Any(p => p.Stack == stackName)) problems.Add($"{use}: no readiness function of either stack publishes under Stack={stackName}");
            else if (!publishers.Contains((stackName, use.Region))) problems.Add($"{use}: the readiness function of {stackName} publishes in another region");
        }
        problems.ShouldBeNone("each must read what a readiness function publishes");
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Every_metric_is_read_in_the_region_where_its_resource_publishes_it(string stack)
    {
        var program = Programs.Value[stack];
        var problems = new List<string>();
        foreach (var use in MetricUse.Alarms(program).Concat(MetricUse.DashboardLines(program)))
        {
            if (MetricCatalog.Find(use) is not { } metric) continue;
            if (metric.OnlyIn is { } only)
            {
                if (use.Region != only) problems.Add($"{use}: {metric.Namespace} is published in {only} only ({metric.Doc})");
                continue;
            }
            foreach (var (name, raw) in use.Dimensions)
                if (Publisher(use, name, raw, out _) is { } found && found.Program.RegionOf(found.Resource) is var region && region != use.Region)
                    problems.Add($"{use}: {found.Program.Role}'s {found.Resource.Name} publishes in {region}");
        }
        problems.ShouldBeNone("each must be read where its resource publishes it");
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Every_watcher_alarm_notifies_a_topic_in_its_own_region(string stack)
    {
        var program = Programs.Value[stack];
        var problems = new List<string>();
        foreach (var alarm in Watchers(program))
        {
            var region = program.RegionOf(alarm);
            var actions = new[] { "alarmActions", "okActions" }.SelectMany(a => alarm.Properties.GetValueOrDefault(a) as List<object?> ?? []).ToList();
            if (!(alarm.Properties.GetValueOrDefault("alarmActions") is List<object?> { Count: > 0 })) problems.Add($"{alarm.Name}: no alarm action");
            foreach (var action in actions.OfType<string>())
            {
                if (program.Designate(action) is Designation.Property { Resource.Type: "aws:sns/topic:Topic", Name: "arn" } topic)
                {
                    if (program.RegionOf(topic.Resource) != region) problems.Add($"{alarm.Name} in {region} notifies {topic.Resource.Name} in {program.RegionOf(topic.Resource)}");
                }
                else problems.Add($"{alarm.Name}: {action} is not a topic of the stack");
            }
        }
        problems.ShouldBeNone("a watcher notifies a topic of its own region, which CloudWatch can publish to");
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Every_function_has_an_errors_watcher_and_every_workflow_function_a_throttles_watcher(string stack)
    {
        var program = Programs.Value[stack];
        var functions = program.OfType("aws:lambda/function:Function").ToList();
        functions.Should().HaveCountGreaterThanOrEqualTo(5);
        functions.Where(f => !Watched(program, "AWS/Lambda", "Errors", f)).Select(f => $"{f.Name} has no Errors watcher").ShouldBeNone("every function is watched");
        // The readiness function runs on its own schedule, not as a workflow task: its reserved concurrency keeps the account's
        // exhaustion away, and Lambda queues a throttled scheduled (asynchronous) start and retries it, so a throttle delays a run
        // and loses none.
        functions.Where(f => f.Properties.GetValueOrDefault("handler") as string != "readiness")
            .Where(f => !Watched(program, "AWS/Lambda", "Throttles", f)).Select(f => $"{f.Name} has no Throttles watcher").ShouldBeNone("every workflow function is watched");
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Every_queue_has_a_depth_watcher(string stack)
    {
        var program = Programs.Value[stack];
        var queues = program.OfType("aws:sqs/queue:Queue").ToList();
        queues.Should().NotBeEmpty();
        queues.Where(q => !Watched(program, "AWS/SQS", "ApproximateNumberOfMessagesVisible", q)).Select(q => $"{q.Name} has no depth watcher").ShouldBeNone("every queue is watched");
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Every_topic_has_a_failed_notifications_watcher(string stack)
    {
        var program = Programs.Value[stack];
        var topics = program.OfType("aws:sns/topic:Topic").ToList();
        topics.Should().NotBeEmpty();
        topics.Where(t => !Watched(program, "AWS/SNS", "NumberOfNotificationsFailed", t)).Select(t => $"{t.Name} has no failed-notifications watcher").ShouldBeNone("every topic is watched");
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void The_workflow_has_failed_timed_out_and_throttled_run_watchers(string stack)
    {
        var program = Programs.Value[stack];
        // Each entry point (the operators' and, in the secondary, the triggers') is watched on its own.
        var machines = program.OfType("aws:sfn/stateMachine:StateMachine").ToList();
        machines.Should().NotBeEmpty();
        machines.SelectMany(workflow => new[] { "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionThrottled" }
            .Where(m => !Watched(program, "AWS/States", m, workflow)).Select(m => $"no {m} watcher on {workflow.Name}")).ShouldBeNone("the workflow is watched");
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public void The_dashboard_lists_only_alarms_the_stack_has_each_in_its_own_region(string stack)
    {
        var program = Programs.Value[stack];
        var listed = MetricUse.Widgets(program).Where(w => w.GetValueOrDefault("type") as string == "alarm")
            .SelectMany(w => (List<object?>)((Dictionary<string, object?>)w["properties"]!)["alarms"]!).OfType<string>().ToList();
        listed.Should().HaveCount(Watchers(program).Count(), "every watcher alarm is on the dashboard");
        var known = program.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").Select(a => program.Deployed(a, "arn"))
            .Concat(program.OfType(CompositeAlarm).Select(a => $"arn:aws:cloudwatch:{program.RegionOf(a)}:{CompiledProgram.Account}:alarm:{CompiledProgram.Literal((string)a.Properties["alarmName"]!)}"))
            .ToHashSet();
        listed.Where(arn => !known.Contains(CompiledProgram.Literal(arn))).Select(arn => $"{arn} is no alarm of the stack").ShouldBeNone("the alarm widget shows only real alarms");
    }

    private static bool Readiness(MetricUse use) => use.Namespace == ReadinessMetrics.Namespace;

    private const string CompositeAlarm = "aws:cloudwatch/compositeAlarm:CompositeAlarm";

    /// The alarms on the machinery that notify: metric alarms, and the readiness alarm (a composite over its checks).
    private static IEnumerable<CompiledResource> Watchers(CompiledProgram program) =>
        program.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").Concat(program.OfType(CompositeAlarm)).Where(a => a.Name.StartsWith("watch-", StringComparison.Ordinal));

    /// A watcher alarm on `metric` whose one dimension designates `resource`.
    private static bool Watched(CompiledProgram program, string ns, string metric, CompiledResource resource) =>
        MetricUse.Alarms(program, Watchers(program).Contains).Any(a => a.Namespace == ns && a.Metric == metric && a.Dimensions.Count == 1
            && Publisher(a, a.Dimensions[0].Name, a.Dimensions[0].Raw, out _) is { } found && found.Resource == resource && found.Program == program);

    /// The resource (of this stack or the peer) a dimension value designates, if it is of the kind that publishes under that dimension.
    private static (CompiledProgram Program, CompiledResource Resource)? Publisher(MetricUse use, string dimension, string raw, out string? problem)
    {
        problem = null;
        if (!MetricCatalog.Dimensions.TryGetValue(dimension, out var kind))
        {
            problem = $"no resource kind is known to publish under {dimension}";
            return null;
        }
        switch (use.Program.Designate(raw))
        {
            case Designation.Property p when p.Resource.Type == kind.Type && p.Name == kind.Property:
                return (p.Program, p.Resource);
            case Designation.Property p:
                problem = $"{dimension}={raw} is {p.Program.Role}'s {p.Resource.Name}.{p.Name} ({p.Resource.Type}), not a {kind.Type}'s {kind.Property}";
                return null;
            case Designation.Text text:
                // A fixed name (the peer's, which this stack cannot reference): it must be one a resource really has.
                foreach (var program in new[] { use.Program, use.Program.Peer }.OfType<CompiledProgram>())
                    if (program.OfType(kind.Type).FirstOrDefault(r => program.Deployed(r, kind.Property) == text.Value) is { } named)
                        return (program, named);
                problem = $"{dimension}={text.Value} is the {kind.Property} of no {kind.Type} of either stack";
                return null;
            case Designation.Unknown unknown:
                problem = unknown.Why;
                return null;
            default:
                throw new InvalidOperationException(raw);
        }
    }
}
