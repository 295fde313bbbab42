using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Stack;

public sealed class RegionalServiceTests
{
    [Fact]
    public void The_primary_runs_the_active_count_and_scales_from_the_autoscaling_minimum()
    {
        var program = TestStacks.Program("primary", ("activeCount", "3"), ("autoscalingMin", "2"), ("autoscalingMax", "8"));

        program.Resource("service").Number("desiredCount").Should().Be(3);
        program.Resource("scalable-target").Number("minCapacity").Should().Be(2);
        program.Resource("scalable-target").Number("maxCapacity").Should().Be(8);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    public void The_secondary_runs_the_standby_count_as_desired_and_minimum(string standby)
    {
        var program = TestStacks.Program("secondary", ("standbyCount", standby));

        program.Resource("service").Number("desiredCount").Should().Be(int.Parse(standby));
        program.Resource("scalable-target").Number("minCapacity").Should().Be(int.Parse(standby));
    }

    [Fact]
    public void Pulumi_leaves_the_running_count_and_scaling_floor_to_autoscaling_and_the_workflow()
    {
        var program = TestStacks.Program();
        program.Resource("service").Options.IgnoreChanges.Should().Equal("desiredCount");
        program.Resource("scalable-target").Options.IgnoreChanges.Should().Equal("minCapacity");
    }

    [Fact]
    public void A_vpc_spans_two_availability_zones_looked_up_from_the_provider()
    {
        var program = TestStacks.Program();

        var zones = program.OfType("aws:ec2/subnet:Subnet").Select(s => s.Prop("availabilityZone")).ToList();
        zones.Should().Equal(new Ref("availability-zones", "[0]"), new Ref("availability-zones", "[1]"));
        program.Variables.Should().Contain(v => v.Name == "availability-zones");
        program.OfType("aws:ec2/subnet:Subnet").Select(s => s.Text("cidrBlock")).Should().Equal("10.0.0.0/18", "10.0.64.0/18");
    }

    [Fact]
    public void Existing_vpc_and_subnets_are_used_instead_of_building_a_vpc()
    {
        var program = TestStacks.Program("primary", ("vpcId", "vpc-0123456789abcdef0"), ("subnetIds", "subnet-0123456789abcdef0,subnet-0123456789abcdef1"));

        program.OfType("aws:ec2/vpc:Vpc").Should().BeEmpty();
        program.OfType("aws:ec2/subnet:Subnet").Should().BeEmpty();
        program.Resource("target-group").Text("vpcId").Should().Be("vpc-0123456789abcdef0");
        program.Resource("alb").Prop("subnets").Should().BeEquivalentTo(Value.List("subnet-0123456789abcdef0", "subnet-0123456789abcdef1"));
        program.Resource("service").Prop("networkConfiguration.assignPublicIp").Should().Be(new Bool(false));
    }

    [Fact]
    public void Without_a_certificate_the_alb_listens_on_http_and_forwards()
    {
        var program = TestStacks.Program();

        var listener = program.OfType("aws:lb/listener:Listener").Should().ContainSingle().Subject;
        listener.Number("port").Should().Be(80);
        listener.Text("defaultActions[0].type").Should().Be("forward");
    }

    [Fact]
    public void With_a_certificate_the_alb_serves_https_and_redirects_http()
    {
        var program = TestStacks.Program("primary", ("certificateArn", "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-0123456789ab"));

        var https = program.Resource("https-listener");
        https.Text("protocol").Should().Be("HTTPS");
        https.Text("certificateArn").Should().StartWith("arn:aws:acm:us-east-1");
        program.Resource("http-listener").Text("defaultActions[0].redirect.protocol").Should().Be("HTTPS");
        program.Resource("health-endpoint").Text("type").Should().Be("HTTPS");
        program.Resource("health-endpoint").Number("port").Should().Be(443);
    }

    [Fact]
    public void The_target_group_detects_and_admits_tasks_in_seconds()
    {
        var group = TestStacks.Program("primary", ("healthCheckPath", "/ready")).Resource("target-group");

        group.Text("healthCheck.path").Should().Be("/ready");
        group.Number("healthCheck.interval").Should().BeInRange(5, 10);
        group.Number("healthCheck.healthyThreshold").Should().Be(2);
        group.Number("deregistrationDelay").Should().BeLessThanOrEqualTo(30);
        group.Text("targetType").Should().Be("ip");
    }

    [Fact]
    public void The_container_health_check_is_a_shell_command_that_fails_with_a_non_zero_exit()
    {
        var definition = TestStacks.Program().Resource("task-definition");

        var containers = definition.Prop("containerDefinitions").Should().BeOfType<ToJson>().Subject.Body.Should().BeOfType<Seq>().Subject;
        var container = (Map)containers.Items.Single();
        var command = (Seq)((Map)container.Entries["healthCheck"]).Entries["command"];
        command.Items.Should().Equal(new Str("CMD-SHELL"), new Str("curl -fsS -o /dev/null http://127.0.0.1:8080/health || exit 1"));
        ((Map)container.Entries["logConfiguration"]).Entries["logDriver"].Should().Be(new Str("awslogs"));
    }

    [Fact]
    public void The_cluster_has_container_insights_and_the_log_group_a_retention()
    {
        var program = TestStacks.Program("primary", ("logRetentionDays", "90"));

        program.Resource("cluster").Text("settings[0].name").Should().Be("containerInsights");
        program.Resource("cluster").Text("settings[0].value").Should().Be("enabled");
        program.Resource("log-group").Number("retentionInDays").Should().Be(90);
    }

    [Fact]
    public void Cpu_target_tracking_scales_the_service()
    {
        var policy = TestStacks.Program("primary", ("cpuTargetPercent", "55")).Resource("cpu-scaling-policy");

        policy.Text("policyType").Should().Be("TargetTrackingScaling");
        policy.Text("targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType").Should().Be("ECSServiceAverageCPUUtilization");
        policy.Number("targetTrackingScalingPolicyConfiguration.targetValue").Should().Be(55);
    }

    [Fact]
    public void The_task_execution_role_may_pull_only_its_ecr_repository_and_write_only_its_log_group()
    {
        var policy = TestStacks.Program().Resource("task-execution-policy").Prop("policy").Should().BeOfType<ToJson>().Subject;
        var statements = ((Seq)((Map)policy.Body).Entries["Statement"]).Items.Cast<Map>().ToList();

        statements.Select(s => s.Entries["Resource"]).Should().BeEquivalentTo(new Value[]
        {
            Value.List(new Interpolation([new Ref("log-group", "arn"), new Str(":log-stream:*")])),
            Value.List("arn:aws:ecr:us-east-1:123456789012:repository/app"),
            new Str("*"),
        }, o => o.RespectingRuntimeTypes());
        statements[2].Entries["Action"].Should().Be(new Str("ecr:GetAuthorizationToken"));
    }

    [Fact]
    public void Names_derive_from_project_and_stack_so_both_stacks_fit_one_account()
    {
        var primary = TestStacks.Program("primary");
        var secondary = TestStacks.Program("secondary");
        string[] named = ["alb", "target-group", "cluster", "service", "log-group", "task-execution-role", "alarm-healthy-hosts"];

        foreach (var name in named)
        {
            primary.Resource(name).Text("name").Should().Contain("failover-primary");
            secondary.Resource(name).Text("name").Should().Contain("failover-secondary");
        }
    }
}
