using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Regional;

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
        program.OfType("aws:ec2/subnet:Subnet").Select(s => s.Text("cidrBlock")).Should().Equal("10.0.0.0/18", "10.0.64.0/18");
    }

    [Fact]
    public void The_zone_lookup_skips_local_and_wavelength_zones_which_run_no_fargate()
    {
        var lookup = TestStacks.Program().Variables.Single(v => v.Name == "availability-zones").Value.Should().BeOfType<Invoke>().Subject;

        lookup.Arguments.Entries["state"].Should().Be(new Str("available"));
        lookup.Arguments.Entries["filters"].Should().BeEquivalentTo(
            Value.List(Map.Of(("name", "opt-in-status"), ("values", Value.List("opt-in-not-required")))), o => o.RespectingRuntimeTypes());
    }

    [Fact]
    public void An_existing_vpc_puts_the_alb_in_public_subnets_and_the_tasks_in_private_ones_without_public_ips()
    {
        var program = TestStacks.Program("primary", TestStacks.ExistingVpc);

        program.OfType("aws:ec2/vpc:Vpc").Should().BeEmpty();
        program.OfType("aws:ec2/subnet:Subnet").Should().BeEmpty();
        program.Resource("target-group").Text("vpcId").Should().Be("vpc-0123456789abcdef0");
        program.Resource("alb").Prop("subnets").Should().BeEquivalentTo(Value.List("subnet-0123456789abcdef0", "subnet-0123456789abcdef1"),
            o => o.RespectingRuntimeTypes());
        program.Resource("service").Prop("networkConfiguration.subnets").Should().BeEquivalentTo(Value.List("subnet-0123456789abcdef2", "subnet-0123456789abcdef3"),
            o => o.RespectingRuntimeTypes());
        program.Resource("service").Prop("networkConfiguration.assignPublicIp").Should().Be(new Bool(false));
    }

    [Fact]
    public void A_built_vpc_runs_alb_and_tasks_in_its_public_subnets_with_public_ips()
    {
        var program = TestStacks.Program();

        program.Resource("alb").Prop("subnets").Should().BeEquivalentTo(Value.List(new Ref("public-subnet-a", "id"), new Ref("public-subnet-b", "id")),
            o => o.RespectingRuntimeTypes());
        program.Resource("service").Prop("networkConfiguration.subnets").Should().BeEquivalentTo(program.Resource("alb").Prop("subnets"),
            o => o.RespectingRuntimeTypes());
        program.Resource("service").Prop("networkConfiguration.assignPublicIp").Should().Be(new Bool(true));
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
        var statements = ((Seq)((Map)policy.Body).Entries["Statement"]).Items.Cast<Map>().ToDictionary(s => ((Str)s.Entries["Sid"]).Text);

        statements.Keys.Should().Equal("WriteContainerLogs", "PullImage", "GetRegistryToken");
        statements["WriteContainerLogs"].Entries["Resource"].Should().BeEquivalentTo(new Interpolation([new Ref("log-group", "arn"), new Str(":log-stream:*")]),
            o => o.RespectingRuntimeTypes());
        statements["PullImage"].Entries["Resource"].Should().BeEquivalentTo(
            new Interpolation([new Str("arn:"), new Ref("partition"), new Str(":ecr:us-east-1:123456789012:repository/app")]), o => o.RespectingRuntimeTypes());
        statements["GetRegistryToken"].Entries["Resource"].Should().Be(new Str("*"));
        statements["GetRegistryToken"].Entries["Action"].Should().Be(new Str("ecr:GetAuthorizationToken"));
    }

    [Fact]
    public void A_public_image_needs_no_pull_permission_at_all()
    {
        var policy = (ToJson)TestStacks.Program("primary", ("containerImage", "public.ecr.aws/nginx/nginx:stable")).Resource("task-execution-policy").Prop("policy")!;

        ((Seq)((Map)policy.Body).Entries["Statement"]).Items.Should().ContainSingle();
    }

    [Fact]
    public void Only_ecs_tasks_of_this_account_may_assume_the_execution_role()
    {
        var trust = (ToJson)TestStacks.Program().Resource("task-execution-role").Prop("assumeRolePolicy")!;
        var statement = (Map)((Seq)((Map)trust.Body).Entries["Statement"]).Items.Single();

        statement.Entries["Principal"].Should().BeEquivalentTo(Map.Of(("Service", "ecs-tasks.amazonaws.com")), o => o.RespectingRuntimeTypes());
        statement.Entries["Condition"].Should().BeEquivalentTo(Map.Of(("StringEquals", Map.Of(("aws:SourceAccount", new Ref("account-id"))))),
            o => o.RespectingRuntimeTypes());
    }

    [Theory]
    [InlineData("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0.0", "us-east-1")]
    [InlineData("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app@sha256:abc", "us-gov-west-1")]
    [InlineData("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app", "cn-north-1")]
    public void The_pull_grant_names_the_repository_in_the_stacks_partition(string image, string region)
    {
        var policy = (ToJson)TestStacks.Program("primary", ("containerImage", image), ("allowCrossRegionImage", "true")).Resource("task-execution-policy").Prop("policy")!;
        var pull = ((Seq)((Map)policy.Body).Entries["Statement"]).Items.Cast<Map>().Single(s => s.Entries["Sid"] == new Str("PullImage"));

        pull.Entries["Resource"].Should().BeEquivalentTo(
            new Interpolation([new Str("arn:"), new Ref("partition"), new Str($":ecr:{region}:123456789012:repository/app")]), o => o.RespectingRuntimeTypes());
    }

    [Fact]
    public void Names_derive_from_project_and_stack_so_both_stacks_fit_one_account()
    {
        var primary = TestStacks.Program("primary");
        var secondary = TestStacks.Program("secondary");

        foreach (var resource in primary.Resources.Where(r => r.Prop("tags.Name") is not null))
        {
            resource.Text("tags.Name").Should().StartWith("failover-primary", resource.Name);
            // The control tables and the failback's scale-standby function exist in the primary only.
            if (secondary.Resources.FirstOrDefault(r => r.Name == resource.Name) is { } peer)
                peer.Text("tags.Name").Should().StartWith("failover-secondary", resource.Name);
        }
        // An inline policy's name is unique per role only and a record's name is the application's; every other carries project and stack.
        string[] ownNames = ["aws:iam/rolePolicy:RolePolicy", "aws:route53/record:Record"];
        foreach (var resource in primary.Resources.Where(r => (r.Prop("name") is Str || r.Prop("namePrefix") is Str) && !ownNames.Contains(r.Type)))
            (resource.Text("name") ?? resource.Text("namePrefix")).Should().Contain("failover-primary", resource.Name);
    }
}
