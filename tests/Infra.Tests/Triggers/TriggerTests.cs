using System.Text.Json.Nodes;
using Failover.Infra.Config;
using Failover.Infra.Tests.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Triggers;

/// Where each trigger lives and what it forwards, for the shipped regions and the two other placements of us-east-1
/// (where Route 53 publishes its metrics): the secondary's region, and neither region.
public sealed class TriggerTests
{
    private static readonly (string, string?)[] Europe = [("aws:region", "eu-west-1"), ("peerRegion", "eu-west-2"), ("notificationEmails", "oncall@example.com")];
    private static readonly (string, string?)[] SecondaryInUsEast1 = [("aws:region", "us-west-2"), ("peerRegion", "us-east-1")];

    private static Seq Resources(Resource rule) =>
        (Seq)((Map)((ToJson)rule.Prop("eventPattern")!).Body).Entries["resources"];

    private static IReadOnlyList<string> Texts(Seq seq) => seq.Items.Select(RoleGrants.Text).ToList();

    [Fact]
    public void The_primary_forwards_its_health_alarms_and_route53_view_to_the_secondarys_default_bus()
    {
        var program = TestStacks.Program("primary");

        var rule = program.Resource("forward-alarms-rule");
        Texts(Resources(rule)).Should().Equal("${alarm-healthy-hosts.arn}", "${alarm-target-5xx.arn}", "${alarm-running-tasks.arn}",
            "${alarm-route53-endpoint.arn}", "${alarm-route53-region.arn}");
        var target = program.Resource("forward-alarms-target");
        RoleGrants.Text(target.Prop("arn")!).Should().Be("arn:${partition}:events:us-west-2:${account-id}:event-bus/default");
        target.Prop("roleArn").Should().Be(new Ref("forward-alarms-rule-role", "arn"));
        program.OfType("aws:cloudwatch/eventRule:EventRule").Select(r => r.Name).Should().Equal(
            "forward-alarms-rule", "run-ended-rule", "notices-to-peer-rule", "notices-from-peer-rule", "gate-moved-rule", "changes-rule",
            "global-changes-rule");
    }

    /// EventBridge refuses a pattern over 2048 characters: with the most extra alarms, the longest names and the longest
    /// partition and region, the forwarder's pattern (resolved as AWS would see it) still fits, and one alarm more is refused.
    [Theory]
    [InlineData("ap-southeast-2", "ap-northeast-1")] // the longest region name; the Route 53 alarms in a rule of their own
    [InlineData("us-east-1", "us-west-2")] // every trigger alarm in one pattern
    public void The_forwarding_pattern_fits_eventbridges_limit_with_the_most_alarms_and_the_longest_names(string region, string peerRegion)
    {
        var extra = Enumerable.Range(0, ExtraAlarmSection.MaxExtraAlarms + 1)
            .Select(i => $$"""{"name":"{{new string((char)('a' + i), 40)}}","namespace":"App","metricName":"Errors","statistic":"Sum","threshold":1,"comparisonOperator":"GreaterThanThreshold"}""")
            .ToList();
        StackInputs Inputs(int count) => TestStacks.Inputs("primary", ("aws:region", region), ("peerRegion", peerRegion),
            ("extraAlarms", $"[{string.Join(",", extra.Take(count))}]")) with { Stack = "primary-stack-with-a-long-namex" };

        var parsed = ConfigParser.Parse(Inputs(ExtraAlarmSection.MaxExtraAlarms));
        parsed.Errors.Should().BeEmpty();
        var program = RegionStack.Build(parsed.Config!);
        var names = program.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").ToDictionary(a => a.Name, a => a.Text("name")!);
        names.Values.Should().Contain(n => n.Length == 40 + 1 + 40, "the longest prefix and alarm name");
        foreach (var rule in program.OfType("aws:cloudwatch/eventRule:EventRule").Where(r => r.Name.StartsWith("forward-", StringComparison.Ordinal)))
        {
            var json = System.Text.Json.JsonSerializer.Serialize(Resolve(((ToJson)rule.Prop("eventPattern")!).Body));
            json.Length.Should().BeLessThanOrEqualTo(2048, $"{rule.Name}: {json}");
        }
        ConfigParser.Parse(Inputs(ExtraAlarmSection.MaxExtraAlarms + 1)).Errors.Should().ContainSingle(e => e.Contains("at most 8"));

        object? Resolve(Value value) => value switch
        {
            Str s => s.Text,
            Num n => n.Number,
            Bool b => b.Flag,
            Seq q => q.Items.Select(Resolve).ToList(),
            Map m => m.Entries.ToDictionary(e => e.Key, e => Resolve(e.Value)),
            Ref { Path: "arn" } r => $"arn:aws-us-gov:cloudwatch:{(r.Target.Contains("route53") ? "us-east-1" : region)}:123456789012:alarm:{names[r.Target]}",
            _ => throw new Xunit.Sdk.XunitException($"unexpected {value} in a pattern"),
        };
    }

    /// AWS's limits on the fixed names, at the longest prefix config allows (40) and where every optional resource exists.
    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    public void Every_fixed_name_fits_its_services_limit_at_the_longest_prefix(string role)
    {
        var inputs = TestStacks.Inputs(role, role == "primary" ? Europe : [("aws:region", "eu-west-2"), ("peerRegion", "eu-west-1")]);
        var parsed = ConfigParser.Parse(inputs with { Stack = role + new string('x', 31 - role.Length) });
        parsed.Errors.Should().BeEmpty();
        parsed.Config!.NamePrefix.Should().HaveLength(40);
        var program = RegionStack.Build(parsed.Config);

        var limits = new Dictionary<string, int>
        {
            ["aws:cloudwatch/eventRule:EventRule"] = 64, ["aws:scheduler/schedule:Schedule"] = 64, ["aws:scheduler/scheduleGroup:ScheduleGroup"] = 64,
            ["aws:sqs/queue:Queue"] = 80, ["aws:cloudwatch/metricAlarm:MetricAlarm"] = 255, ["aws:sns/topic:Topic"] = 256,
            ["aws:kms/alias:Alias"] = 256, ["aws:cloudwatch/dashboard:Dashboard"] = 255,
        };
        var named = program.Resources.Where(r => limits.ContainsKey(r.Type)).ToList();
        named.Select(r => r.Type).Distinct().Should().HaveCountGreaterThanOrEqualTo(role == "primary" ? 6 : 8);
        foreach (var resource in named)
        {
            var name = resource.Text("name") ?? resource.Text("dashboardName")!;
            name.Length.Should().BeLessThanOrEqualTo(limits[resource.Type], $"{resource.Name} is named {name}");
        }
    }

    [Fact]
    public void Route53_status_alarms_watch_the_primarys_endpoint_and_region_checks_in_us_east_1()
    {
        var program = TestStacks.Program("primary", Europe);

        foreach (var (alarm, check) in new[] { ("alarm-route53-endpoint", "health-endpoint"), ("alarm-route53-region", "health-region") })
        {
            var resource = program.Resource(alarm);
            resource.Text("namespace").Should().Be("AWS/Route53");
            resource.Text("metricName").Should().Be("HealthCheckStatus");
            resource.Prop("dimensions.HealthCheckId").Should().Be(new Ref(check, "id"));
            resource.Options.Provider!.Name.Should().Be("aws-us-east-1");
        }
        program.Resource("aws-us-east-1").Text("region").Should().Be("us-east-1");
    }

    [Fact]
    public void When_neither_region_is_us_east_1_a_second_forwarder_and_a_relay_topic_run_there()
    {
        var program = TestStacks.Program("primary", Europe);

        Texts(Resources(program.Resource("forward-alarms-rule"))).Should().Equal(
            "${alarm-healthy-hosts.arn}", "${alarm-target-5xx.arn}", "${alarm-running-tasks.arn}");
        var remote = program.Resource("forward-route53-rule");
        Texts(Resources(remote)).Should().Equal("${alarm-route53-endpoint.arn}", "${alarm-route53-region.arn}");
        remote.Options.Provider!.Name.Should().Be("aws-us-east-1");
        RoleGrants.Text(program.Resource("forward-route53-target").Prop("arn")!)
            .Should().Be("arn:${partition}:events:eu-west-2:${account-id}:event-bus/default");
        // Alarm actions must name a topic in the alarm's region: the queue's depth alarm there notifies a relay topic.
        program.Resource("notifications-us-east-1-topic").Options.Provider!.Name.Should().Be("aws-us-east-1");
        program.Resource("notifications-us-east-1-email-1").Text("endpoint").Should().Be("oncall@example.com");
        var depth = program.Resource("watch-forward-route53-dlq");
        depth.Options.Provider!.Name.Should().Be("aws-us-east-1");
        Texts((Seq)depth.Prop("alarmActions")!).Should().Equal("${notifications-us-east-1-topic.arn}");
    }

    [Fact]
    public void Alarms_in_the_secondarys_own_region_reach_its_bus_without_a_forwarder()
    {
        var program = TestStacks.Program("primary", SecondaryInUsEast1);

        program.Resource("alarm-route53-endpoint").Options.Provider!.Name.Should().Be("aws-us-east-1");
        program.OfType("aws:cloudwatch/eventRule:EventRule").Select(r => r.Name).Should().Equal(
            "forward-alarms-rule", "run-ended-rule", "notices-to-peer-rule", "notices-from-peer-rule", "gate-moved-rule", "changes-rule");
        Texts(Resources(program.Resource("forward-alarms-rule"))).Should().NotContain(a => a.Contains("route53", StringComparison.Ordinal));
        program.OfType("aws:sns/topic:Topic").Should().ContainSingle();
    }

    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    [InlineData("europe")]
    public void Every_target_retries_then_keeps_what_it_could_not_deliver_in_an_encrypted_queue_of_its_own_region(string which)
    {
        var program = which == "europe" ? TestStacks.Program("primary", Europe) : TestStacks.Program(which);

        var targets = program.OfType("aws:cloudwatch/eventTarget:EventTarget").ToList();
        targets.Should().NotBeEmpty();
        foreach (var target in targets)
        {
            target.Number("retryPolicy.maximumRetryAttempts").Should().BeInRange(1, 185, target.Name);
            target.Number("retryPolicy.maximumEventAgeInSeconds").Should().BeInRange(60, 86400, target.Name);
            var queue = program.Resource(((Ref)target.Prop("deadLetterConfig.arn")!).Target);
            queue.Prop("sqsManagedSseEnabled").Should().Be(new Bool(true), queue.Name);
            queue.Options.Provider.Should().Be(target.Options.Provider, $"{target.Name}: a rule's dead-letter queue must be in its region");
            var rule = program.Resource(((Ref)target.Prop("rule")!).Target);
            rule.Options.Provider.Should().Be(target.Options.Provider);
            // The queue policy lets exactly this rule send.
            var policy = program.OfType("aws:sqs/queuePolicy:QueuePolicy").Single(p => p.Prop("queueUrl") == new Ref(queue.Name, "url"));
            var statement = (Map)((Seq)((Map)((ToJson)policy.Prop("policy")!).Body).Entries["Statement"]).Items.Single();
            RoleGrants.Conditions(statement).Should().Equal(
                $"ArnEquals aws:SourceArn=arn:${{partition}}:events:{RegionOf(program, rule)}:${{account-id}}:rule/{rule.Text("name")}");
        }
    }

    private static string RegionOf(PulumiProgram program, Resource resource) =>
        resource.Options.Provider is { } provider ? provider.Text("region")! : ((Str)program.Outputs["region"]).Text;

    [Fact]
    public void The_secondary_starts_its_workflow_when_a_trigger_alarm_of_the_primary_enters_alarm()
    {
        var program = TestStacks.Program("secondary");

        var rule = program.Resource("start-on-alarm-rule");
        var pattern = (Map)((ToJson)rule.Prop("eventPattern")!).Body;
        pattern.Entries["resources"].Should().Be(new Ref("primary-stack", "outputs[\"triggerAlarmArns\"]"));
        Texts((Seq)((Map)((Map)pattern.Entries["detail"]).Entries["state"]).Entries["value"]).Should().Equal("ALARM");
        var target = program.Resource("start-on-alarm-target");
        target.Prop("arn").Should().Be(new Ref("workflow-trigger", "arn"));
        target.Prop("roleArn").Should().Be(new Ref("start-on-alarm-rule-role", "arn"));
        target.Text("inputTransformer.inputTemplate").Should().Contain("\"action\": \"failover\"");
    }

    [Fact]
    public void The_probe_starts_a_failover_at_the_configured_rate_and_only_in_the_secondary()
    {
        var program = TestStacks.Program("secondary", ("probeRate", "rate(2 minutes)"));

        var probe = program.Resource("probe-schedule");
        probe.Text("scheduleExpression").Should().Be("rate(2 minutes)");
        probe.Prop("target.arn").Should().Be(new Ref("workflow-trigger", "arn"));
        var input = JsonNode.Parse(probe.Text("target.input")!)!;
        input["action"]!.GetValue<string>().Should().Be("failover");
        input["source"]!.GetValue<string>().Should().Be("probe failover-secondary-probe");
        probe.Prop("target.deadLetterConfig.arn").Should().Be(new Ref("probe-dlq", "arn"));
        // The primary's one schedule runs its readiness checks; none starts a workflow.
        TestStacks.Program("primary", ("probeRate", "rate(2 minutes)")).Resources.Where(r => r.Type == "aws:scheduler/schedule:Schedule")
            .Select(r => r.Name).Should().Equal("readiness-schedule");
    }

    /// Opt-in: with drillSchedule, a schedule of its own starts a drill through the triggers' entry point (never forced, always
    /// unattended), which then runs drills too; without it, no drill schedule and a triggers' entry point that runs failovers only.
    [Fact]
    public void A_drill_schedule_starts_a_drill_through_the_triggers_entry_point_and_only_when_set()
    {
        var program = TestStacks.Program("secondary", TestStacks.DrillSchedule);

        var drill = program.Resource("drill-schedule");
        drill.Text("scheduleExpression").Should().Be("cron(0 3 ? * MON *)");
        drill.Prop("scheduleExpressionTimezone").Should().BeNull("UTC, Scheduler's default: the time in the config is the time in the logs");
        drill.Prop("target.arn").Should().Be(new Ref("workflow-trigger", "arn"));
        drill.Prop("target.roleArn").Should().Be(new Ref("drill-schedule-role", "arn"));
        drill.Prop("target.deadLetterConfig.arn").Should().Be(new Ref("drill-dlq", "arn"));
        drill.Prop("groupName").Should().Be(new Ref("schedule-group", "name"));
        var input = JsonNode.Parse(drill.Text("target.input")!)!;
        input["action"]!.GetValue<string>().Should().Be("drill");
        input["source"]!.GetValue<string>().Should().Be("schedule failover-secondary-drill");
        input["unattended"]!.GetValue<bool>().Should().BeTrue();
        Actions(program, "workflow-trigger").Should().Equal("failover", "drill");

        var shipped = TestStacks.Program("secondary");
        shipped.Resources.Should().NotContain(r => r.Name == "drill-schedule");
        Actions(shipped, "workflow-trigger").Should().Equal("failover");
    }

    /// The actions a state machine's CheckAction lets through.
    private static IEnumerable<string> Actions(PulumiProgram program, string machine)
    {
        var definition = (Map)((ToJson)program.Resource(machine).Prop("definition")!).Body;
        var check = (Map)((Map)definition.Entries["States"]).Entries["CheckAction"];
        var rules = (Map)((Seq)check.Entries["Choices"]).Items[1];
        var or = (Map)((Seq)rules.Entries["And"]).Items[2];
        return ((Seq)or.Entries["Or"]).Items.Select(c => ((Str)((Map)c).Entries["StringEquals"]).Text);
    }

    /// The probe is the trigger that outlives a failed us-east-1: three intervals without any start is an alarm, once it has run.
    [Fact]
    public void A_probe_that_stops_starting_the_workflow_raises_its_silence_alarm_but_a_fresh_deploy_does_not()
    {
        var silent = TestStacks.Program("secondary", ("probeRate", "rate(2 minutes)")).Resource("watch-probe-silent");

        silent.Text("metricName").Should().Be("ExecutionsStarted");
        silent.Prop("dimensions.StateMachineArn").Should().Be(new Ref("workflow-trigger", "arn"));
        silent.Number("period").Should().Be(360);
        silent.Text("comparisonOperator").Should().Be("LessThanThreshold");
        silent.Number("threshold").Should().Be(1);
        silent.Text("treatMissingData").Should().Be("breaching", "no data is exactly what a stopped probe looks like");
        ((Seq)silent.Prop("alarmActions")!).Items.Should().Equal(new Ref("notifications-topic", "arn"));
        // A fresh deploy has no data either: CloudWatch holds the alarm in INSUFFICIENT_DATA, without actions, for one probe
        // interval and 15 minutes or until the first start, whichever comes first (the warm-up ends early once data comes).
        silent.Number("warmUpConfiguration.warmUpPeriodDurationInMinutes").Should().Be(17);
        silent.Prop("warmUpConfiguration.onlyStartEvaluatingAfterWarmUpPeriodEnds").Should().BeNull();
    }

    /// CloudWatch restarts the warm-up on every update of the alarm, not only on its creation: a deploy that changes it while
    /// the probe is broken keeps the page back for the whole warm-up. So it covers the probe's first start and no more: an
    /// hourly probe's silence window is three hours, its warm-up one hour and 15 minutes.
    [Theory]
    [InlineData("rate(1 minute)", 1)]
    [InlineData("rate(15 minutes)", 15)]
    [InlineData("rate(1 hour)", 60)]
    public void A_deploy_that_changes_the_silence_alarm_holds_its_page_for_one_probe_interval_and_a_margin_at_most(string probeRate, int intervalMinutes)
    {
        var silent = TestStacks.Program("secondary", ("probeRate", probeRate)).Resource("watch-probe-silent");

        silent.Number("period").Should().Be(3 * intervalMinutes * 60);
        silent.Number("warmUpConfiguration.warmUpPeriodDurationInMinutes").Should().Be(intervalMinutes + 15);
    }

    [Fact]
    public void A_probe_turned_off_leaves_no_schedule_queue_or_watcher_behind()
    {
        var program = TestStacks.Program("secondary", ("probeRate", "off"));

        program.Resources.Select(r => r.Name).Should().NotContain(n => n.StartsWith("probe-", StringComparison.Ordinal) || n == "schedule-group"
            || n.StartsWith("watch-probe-", StringComparison.Ordinal));
        program.Resource("start-on-alarm-rule").Should().NotBeNull();
    }
}
