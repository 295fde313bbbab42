using Failover.Infra.Config;
using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Health;

public sealed class HealthSignalTests
{
    private static readonly string[] Route53Statistics = ["Average", "Minimum", "Maximum", "Sum", "SampleCount"];

    [Fact]
    public void Every_alarm_is_a_standard_resolution_single_metric_alarm_with_a_route53_statistic()
    {
        var program = TestStacks.Program("primary", ("extraAlarms", """[{"name":"queue-age","namespace":"AWS/SQS","metricName":"ApproximateAgeOfOldestMessage","statistic":"Maximum","threshold":300,"comparisonOperator":"GreaterThanThreshold","period":120}]"""));

        // The health alarms: not the watcher alarms on the machinery (the readiness checks' among them), nor the alarms on Route 53's
        // own status that trigger failover.
        var alarms = program.OfType("aws:cloudwatch/metricAlarm:MetricAlarm")
            .Where(a => !a.Name.StartsWith("watch-", StringComparison.Ordinal) && !a.Name.StartsWith("readiness-", StringComparison.Ordinal)
                && !a.Name.StartsWith("alarm-route53-", StringComparison.Ordinal)
                && a.Name != "traffic-gate-alarm").ToList();
        alarms.Select(a => a.Name).Should().Equal("alarm-healthy-hosts", "alarm-target-5xx", "alarm-running-tasks", "alarm-queue-age");
        foreach (var alarm in alarms)
        {
            alarm.Number("period").Should().BeGreaterThanOrEqualTo(60).And.Match(p => p % 60 == 0);
            alarm.Prop("metrics").Should().BeNull("metric math cannot back a Route 53 health check");
            alarm.Prop("extendedStatistic").Should().BeNull();
            Route53Statistics.Should().Contain(alarm.Text("statistic"));
        }
    }

    [Fact]
    public void The_alarms_watch_healthy_hosts_target_errors_and_running_tasks()
    {
        var program = TestStacks.Program();

        program.Resource("alarm-healthy-hosts").Text("metricName").Should().Be("HealthyHostCount");
        program.Resource("alarm-healthy-hosts").Text("comparisonOperator").Should().Be("LessThanThreshold");
        program.Resource("alarm-healthy-hosts").Number("threshold").Should().Be(1);
        program.Resource("alarm-healthy-hosts").Prop("dimensions.TargetGroup").Should().Be(new Ref("target-group", "arnSuffix"));
        program.Resource("alarm-target-5xx").Text("metricName").Should().Be("HTTPCode_Target_5XX_Count");
        program.Resource("alarm-running-tasks").Text("namespace").Should().Be("ECS/ContainerInsights");
        program.Resource("alarm-running-tasks").Prop("dimensions.ServiceName").Should().Be(new Ref("service", "name"));
    }

    [Fact]
    public void Each_alarm_backs_a_cloudwatch_metric_health_check_in_its_region()
    {
        var program = TestStacks.Program("secondary");

        foreach (var key in new[] { "healthy-hosts", "target-5xx", "running-tasks" })
        {
            var check = program.Resource($"health-{key}");
            check.Text("type").Should().Be("CLOUDWATCH_METRIC");
            check.Prop("cloudwatchAlarmName").Should().Be(new Ref($"alarm-{key}", "name"));
            check.Text("cloudwatchAlarmRegion").Should().Be("us-west-2");
        }
    }

    [Theory]
    [InlineData("primary", "1", "healthy-hosts", "breaching", "Unhealthy")]
    [InlineData("primary", "1", "running-tasks", "breaching", "Unhealthy")]
    [InlineData("primary", "1", "target-5xx", "notBreaching", "Healthy")]
    [InlineData("secondary", "1", "healthy-hosts", "breaching", "Unhealthy")]
    [InlineData("secondary", "1", "running-tasks", "breaching", "Unhealthy")]
    [InlineData("secondary", "1", "target-5xx", "notBreaching", "Healthy")]
    [InlineData("secondary", "0", "healthy-hosts", "notBreaching", "Healthy")]
    [InlineData("secondary", "0", "running-tasks", "notBreaching", "Healthy")]
    [InlineData("secondary", "0", "target-5xx", "notBreaching", "Healthy")]
    public void Each_signal_has_its_own_missing_data_meaning_in_alarm_and_check_alike(
        string role, string standby, string key, string treatMissingData, string insufficientData)
    {
        var program = TestStacks.Program(role, ("standbyCount", standby));

        program.Resource($"alarm-{key}").Text("treatMissingData").Should().Be(treatMissingData);
        program.Resource($"health-{key}").Text("insufficientDataHealthStatus").Should().Be(insufficientData);
    }

    [Fact]
    public void Every_signal_says_why_no_data_means_what_it_means()
    {
        var alarms = HealthAlarmsOf(TestStacks.Config("secondary", ("standbyCount", "0")));

        alarms.Should().OnlyContain(a => a.MissingData.Reason.Length > 20);
        alarms.Single(a => a.Key == "target-5xx").MissingData.Reason.Should().Contain("published only when non-zero");
        alarms.Single(a => a.Key == "running-tasks").MissingData.Reason.Should().Contain("pilot-light standby");
    }

    [Fact]
    public void Target_errors_no_longer_published_after_traffic_leaves_read_as_healthy_not_as_the_last_status() =>
        TestStacks.Program("primary").Resource("health-target-5xx").Text("insufficientDataHealthStatus").Should().Be("Healthy");

    [Fact]
    public void A_user_defined_alarm_check_reports_what_its_configuration_says()
    {
        var program = TestStacks.Program("primary", ("extraAlarms",
            """[{"name":"queue-age","namespace":"AWS/SQS","metricName":"ApproximateAgeOfOldestMessage","statistic":"Maximum","threshold":300,"comparisonOperator":"GreaterThanThreshold","treatMissingData":"breaching"}]"""));

        program.Resource("alarm-queue-age").Text("treatMissingData").Should().Be("breaching");
        program.Resource("health-queue-age").Text("insufficientDataHealthStatus").Should().Be("Unhealthy");
    }

    [Fact]
    public void Each_alarm_check_is_triggered_by_the_alarm_settings_route53_copied()
    {
        var program = TestStacks.Program("primary", ("alarmPeriodSeconds", "120"), ("alarmEvaluationPeriods", "3"), ("minHealthyHosts", "2"));

        foreach (var key in new[] { "healthy-hosts", "target-5xx", "running-tasks" })
        {
            var alarm = program.Resource($"alarm-{key}");
            var check = program.Resource($"health-{key}");
            check.Text("triggers.threshold").Should().Be(alarm.Number("threshold")!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            check.Text("triggers.period").Should().Be("120");
            check.Text("triggers.evaluationPeriods").Should().Be("3");
            check.Text("triggers.comparisonOperator").Should().Be(alarm.Text("comparisonOperator"));
            check.Text("triggers.statistic").Should().Be(alarm.Text("statistic"));
            foreach (var (name, value) in ((Map)alarm.Prop("dimensions")!).Entries)
                check.Prop($"triggers.dimension:{name}").Should().Be(value, "a replaced target group or service changes the alarm's dimensions");
        }
        program.Resource("health-healthy-hosts").Text("triggers.threshold").Should().Be("2");
    }

    [Fact]
    public void Changing_an_alarm_threshold_changes_its_check_triggers_so_the_check_is_not_left_stale()
    {
        var before = TestStacks.Program("primary").Resource("health-target-5xx").Prop("triggers");
        var after = TestStacks.Program("primary", ("target5xxThreshold", "25")).Resource("health-target-5xx").Prop("triggers");

        after.Should().NotBe(before);
        ((Map)after!).Entries["threshold"].Should().Be(new Str("25"));
    }

    private static IReadOnlyList<Failover.Infra.Health.HealthAlarm> HealthAlarmsOf(StackConfig config)
    {
        var program = new PulumiProgram("p", "d", ProviderVersions.Pinned);
        var naming = config.Naming;
        var account = new Failover.Infra.Iam.AwsAccount(new Ref("partition"), new Ref("account-id"), config.Region);
        var network = Failover.Infra.Regional.Network.Create(program, naming, config.Network);
        var lb = Failover.Infra.Regional.LoadBalancer.Create(program, new()
        {
            Naming = naming, Network = network, TargetPort = 80, HealthCheckPath = "/", Account = account, Edge = config.Edge,
        });
        var ecs = Failover.Infra.Regional.EcsService.Create(program, new()
        {
            Naming = naming, Account = account, Container = config.Container, DesiredCount = 0, LogRetentionDays = 30, Network = network, LoadBalancer = lb,
        });
        return Failover.Infra.Health.HealthAlarms.Create(program, new()
        {
            Naming = naming, Settings = config.Alarms, IdleStandby = RoleProfile.For(config).IdleStandby, LoadBalancer = lb, Ecs = ecs,
        }).All;
    }

    [Fact]
    public void The_endpoint_check_probes_the_alb_on_the_health_path()
    {
        var check = TestStacks.Program("primary", ("healthCheckPath", "/ready")).Resource("health-endpoint");

        check.Text("type").Should().Be("HTTP");
        check.Prop("fqdn").Should().Be(new Ref("alb", "dnsName"));
        check.Text("resourcePath").Should().Be("/ready");
        check.Number("requestInterval").Should().Be(10);
    }

    [Fact]
    public void A_route53_api_gate_is_always_healthy_until_inverted_and_pulumi_ignores_its_inversion()
    {
        var gate = TestStacks.Program("primary", ("trafficGate", "route53-api")).Resource("traffic-gate");

        gate.Text("type").Should().Be("CALCULATED");
        gate.Number("childHealthThreshold").Should().Be(0);
        gate.Prop("childHealthchecks").Should().BeNull();
        gate.Prop("invertHealthcheck").Should().Be(new Bool(false));
        gate.Options.IgnoreChanges.Should().Equal("invertHealthcheck");
    }

    [Theory]
    [InlineData("primary", "us-west-2", "failover-primary")]
    [InlineData("secondary", "us-east-1", "failover-secondary")]
    public void A_metric_gate_is_a_latch_on_an_alarm_in_the_other_region_that_a_redeploy_cannot_replace(string role, string switchRegion, string prefix)
    {
        var program = TestStacks.Program(role);
        var gate = program.Resource("traffic-gate");
        var alarm = program.Resource("traffic-gate-alarm");

        gate.Text("type").Should().Be("CLOUDWATCH_METRIC");
        gate.Prop("cloudwatchAlarmName").Should().Be(new Ref("traffic-gate-alarm", "name"));
        gate.Text("cloudwatchAlarmRegion").Should().Be(switchRegion, "the gate is closed from the other region while this one is down");
        gate.Text("insufficientDataHealthStatus").Should().Be("LastKnownStatus", "with nobody publishing the gate keeps its position");
        gate.Options.Protect.Should().BeTrue("a replaced check starts healthy, which would open a closed gate");
        alarm.Options.Provider!.Properties.Entries["region"].Should().Be(new Str(switchRegion));
        (alarm.Text("namespace"), alarm.Text("metricName"), alarm.Text("statistic")).Should().Be(($"Failover/TrafficGate/{prefix}", "Closed", "Maximum"));
        (alarm.Number("period"), alarm.Number("evaluationPeriods"), alarm.Number("threshold")).Should().Be((60, 1, 1));
        alarm.Text("comparisonOperator").Should().Be("GreaterThanOrEqualToThreshold");
        alarm.Prop("dimensions").Should().BeNull("the namespace is the gate's own, so IAM can hold a publisher to it");
    }

    [Theory]
    [InlineData("gated")]
    [InlineData("endpoint")]
    [InlineData("automatic")]
    public void The_region_check_over_every_signal_exists_in_every_mode_as_evidence_without_the_gate(string mode)
    {
        var region = TestStacks.Program("primary", ("dnsFailover", mode)).Resource("health-region");

        region.Text("type").Should().Be("CALCULATED");
        region.Prop("childHealthchecks").Should().BeEquivalentTo(Value.List(
            new Ref("health-healthy-hosts", "id"), new Ref("health-target-5xx", "id"), new Ref("health-running-tasks", "id"),
            new Ref("health-endpoint", "id")), o => o.RespectingRuntimeTypes(), "a closed gate must not hide that the region recovered");
        region.Number("childHealthThreshold").Should().Be(4);
    }

    [Theory]
    [InlineData("primary", "PRIMARY")]
    [InlineData("secondary", "SECONDARY")]
    public void The_failover_record_aliases_this_alb(string role, string failoverType)
    {
        var record = TestStacks.Program(role).Resource("failover-record");

        record.Text("name").Should().Be("app.example.com");
        record.Text("zoneId").Should().Be("Z0123456789ABCDEFGHIJ");
        record.Text("type").Should().Be("A");
        record.Text("failoverRoutingPolicies[0].type").Should().Be(failoverType);
        record.Text("setIdentifier").Should().Be($"failover-{role}");
        record.Prop("aliases[0].name").Should().Be(new Ref("alb", "dnsName"));
        record.Prop("aliases[0].zoneId").Should().Be(new Ref("alb", "zoneId"));
    }

    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    public void Gated_dns_moves_only_with_the_gate_and_never_on_target_health(string role)
    {
        var program = TestStacks.Program(role);
        var record = program.Resource("failover-record");

        record.Prop("healthCheckId").Should().Be(new Ref("traffic-gate", "id"));
        record.Prop("aliases[0].evaluateTargetHealth").Should().Be(new Bool(false));
        program.Outputs["recordHealthCheckId"].Should().Be(new Ref("traffic-gate", "id"));
    }

    [Fact]
    public void Endpoint_dns_also_moves_when_route53_cannot_reach_the_region_or_its_alb_has_no_healthy_target()
    {
        var program = TestStacks.Program("primary", ("dnsFailover", "endpoint"));
        var record = program.Resource("failover-record");
        var guard = program.Resource("health-record");

        record.Prop("healthCheckId").Should().Be(new Ref("health-record", "id"));
        record.Prop("aliases[0].evaluateTargetHealth").Should().Be(new Bool(true));
        guard.Text("type").Should().Be("CALCULATED");
        guard.Prop("childHealthchecks").Should().BeEquivalentTo(Value.List(new Ref("health-endpoint", "id"), new Ref("traffic-gate", "id")),
            o => o.RespectingRuntimeTypes());
        guard.Number("childHealthThreshold").Should().Be(2);
    }

    [Fact]
    public void Automatic_dns_moves_on_any_signal_and_on_the_gate()
    {
        var program = TestStacks.Program("primary", ("dnsFailover", "automatic"));
        var record = program.Resource("failover-record");
        var guard = program.Resource("health-record");

        record.Prop("healthCheckId").Should().Be(new Ref("health-record", "id"));
        record.Prop("aliases[0].evaluateTargetHealth").Should().Be(new Bool(true));
        guard.Prop("childHealthchecks").Should().BeEquivalentTo(Value.List(new Ref("health-region", "id"), new Ref("traffic-gate", "id")),
            o => o.RespectingRuntimeTypes());
        guard.Number("childHealthThreshold").Should().Be(2);
    }

    [Fact]
    public void The_gated_mode_adds_no_record_check() =>
        TestStacks.Program("primary").Resources.Should().NotContain(r => r.Name == "health-record");

    [Fact]
    public void The_two_roles_differ_only_where_the_design_says()
    {
        var primary = TestStacks.Program("primary", ("aws:region", "us-east-1"), ("peerRegion", "us-west-2"));
        var secondary = TestStacks.Program("secondary", ("aws:region", "us-east-1"), ("peerRegion", "us-west-2"));

        // The primary owns the control tables, scales the secondary back after a failback and forwards its alarms (and Route 53's
        // view of it) to the secondary; the secondary reads the primary and starts its workflow on them and on its probe.
        string[] primaryOnly = ["control-table", "decision-log-table", "scale-standby-log-group", "scale-standby-function-role",
            "scale-standby-function-policy", "scale-standby-function", "alarm-route53-endpoint", "alarm-route53-region", "forward-alarms-rule",
            "forward-alarms-rule-role", "forward-alarms-rule-policy", "forward-alarms-dlq", "forward-alarms-dlq-policy", "forward-alarms-target",
            "watch-scale-standby-errors", "watch-scale-standby-throttles", "watch-forward-alarms-dlq", "watch-forward-alarms-dlq-unwritable",
            "health-answer", "health-answer-fallback"];
        string[] secondaryOnly = ["primary-stack", "start-on-alarm-rule", "start-on-alarm-rule-role", "start-on-alarm-rule-policy", "start-on-alarm-dlq",
            "start-on-alarm-dlq-policy", "start-on-alarm-target", "schedule-group", "probe-dlq", "probe-schedule-role", "probe-schedule-policy",
            "probe-schedule", "watch-start-on-alarm-dlq", "watch-probe-dlq", "watch-start-on-alarm-dlq-unwritable", "watch-probe-dlq-unwritable",
            "watch-probe-silent", "workflow-trigger", "watch-trigger-runs-failed", "watch-trigger-runs-timed-out", "watch-trigger-runs-throttled"];
        primary.Resources.Where(r => !primaryOnly.Contains(r.Name)).Select(r => (r.Name, r.Type))
            .Should().Equal(secondary.Resources.Where(r => !secondaryOnly.Contains(r.Name)).Select(r => (r.Name, r.Type)));
        secondary.Resources.Select(r => r.Name).Should().Contain(secondaryOnly);
        primary.Resources.Select(r => r.Name).Should().Contain(primaryOnly);
        secondary.Resources.Should().Contain(r => r.Name == "primary-stack" && r.Type == "pulumi:pulumi:StackReference");
        TestStacks.Config("secondary").Role.Should().Be(Role.Secondary);
    }
}
