using Failover.Infra.Config;
using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Stack;

public sealed class HealthSignalTests
{
    private static readonly string[] Route53Statistics = ["Average", "Minimum", "Maximum", "Sum", "SampleCount"];

    [Fact]
    public void Every_alarm_is_a_standard_resolution_single_metric_alarm_with_a_route53_statistic()
    {
        var program = TestStacks.Program("primary", ("extraAlarms", """[{"name":"queue-age","namespace":"AWS/SQS","metricName":"ApproximateAgeOfOldestMessage","statistic":"Maximum","threshold":300,"comparisonOperator":"GreaterThanThreshold","period":120}]"""));

        var alarms = program.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").ToList();
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
    public void Each_alarm_backs_a_cloudwatch_metric_health_check_with_an_explicit_insufficient_data_status()
    {
        var program = TestStacks.Program("secondary", ("insufficientDataHealthStatus", "Unhealthy"));

        foreach (var key in new[] { "healthy-hosts", "target-5xx", "running-tasks" })
        {
            var check = program.Resource($"health-{key}");
            check.Text("type").Should().Be("CLOUDWATCH_METRIC");
            check.Prop("cloudwatchAlarmName").Should().Be(new Ref($"alarm-{key}", "name"));
            check.Text("cloudwatchAlarmRegion").Should().Be("us-west-2");
            check.Text("insufficientDataHealthStatus").Should().Be("Unhealthy");
        }
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
    public void The_traffic_gate_is_always_healthy_until_inverted_and_pulumi_ignores_its_inversion()
    {
        var gate = TestStacks.Program().Resource("traffic-gate");

        gate.Text("type").Should().Be("CALCULATED");
        gate.Number("childHealthThreshold").Should().Be(0);
        gate.Prop("invertHealthcheck").Should().Be(new Bool(false));
        gate.Options.IgnoreChanges.Should().Equal("invertHealthcheck");
    }

    [Fact]
    public void The_region_check_needs_every_alarm_check_the_endpoint_and_the_gate()
    {
        var region = TestStacks.Program().Resource("health-region");

        region.Text("type").Should().Be("CALCULATED");
        region.Prop("childHealthchecks").Should().BeEquivalentTo(Value.List(
            new Ref("health-healthy-hosts", "id"), new Ref("health-target-5xx", "id"), new Ref("health-running-tasks", "id"),
            new Ref("health-endpoint", "id"), new Ref("traffic-gate", "id")), o => o.RespectingRuntimeTypes());
        region.Number("childHealthThreshold").Should().Be(5);
    }

    [Theory]
    [InlineData("primary", "PRIMARY")]
    [InlineData("secondary", "SECONDARY")]
    public void The_failover_record_aliases_this_alb_with_the_region_check(string role, string failoverType)
    {
        var record = TestStacks.Program(role).Resource("failover-record");

        record.Text("name").Should().Be("app.example.com");
        record.Text("zoneId").Should().Be("Z0123456789ABCDEFGHIJ");
        record.Text("type").Should().Be("A");
        record.Text("failoverRoutingPolicies[0].type").Should().Be(failoverType);
        record.Text("setIdentifier").Should().Be($"failover-{role}");
        record.Prop("aliases[0].name").Should().Be(new Ref("alb", "dnsName"));
        record.Prop("aliases[0].zoneId").Should().Be(new Ref("alb", "zoneId"));
        record.Prop("aliases[0].evaluateTargetHealth").Should().Be(new Bool(true));
        record.Prop("healthCheckId").Should().Be(new Ref("health-region", "id"));
    }

    [Fact]
    public void The_two_roles_differ_only_where_the_design_says()
    {
        var primary = TestStacks.Program("primary", ("aws:region", "us-east-1"), ("peerRegion", "us-west-2"));
        var secondary = TestStacks.Program("secondary", ("aws:region", "us-east-1"), ("peerRegion", "us-west-2"));

        primary.Resources.Select(r => (r.Name, r.Type)).Should().Equal(secondary.Resources.Select(r => (r.Name, r.Type)));
        TestStacks.Config("secondary").Role.Should().Be(Role.Secondary);
    }
}
