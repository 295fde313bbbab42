using Failover.Infra.Config;

namespace Failover.Infra.Tests.Config;

public sealed class ConfigParserTests
{
    [Fact]
    public void A_minimal_stack_gets_documented_defaults()
    {
        var config = TestStacks.Config();

        config.Role.Should().Be(Role.Primary);
        config.Container.Port.Should().Be(8080);
        config.Container.HealthCheckPath.Should().Be("/health");
        config.Container.HealthCheckCommand.Should().Be("curl -fsS -o /dev/null http://127.0.0.1:8080/health || exit 1");
        config.Container.Cpu.Should().Be(512);
        config.Container.Memory.Should().Be(1024);
        config.Capacity.ActiveCount.Should().Be(2);
        config.Capacity.StandbyCount.Should().Be(1);
        config.Alarms.PeriodSeconds.Should().Be(60);
        config.DefaultFlag.Should().Be(FlagMode.Auto);
        config.LogRetentionDays.Should().Be(30);
        config.RtoObjectiveMinutes.Should().Be(30);
        config.NoticeRepeatMinutes.Should().Be(30);
        config.Dns.EndpointCheckIntervalSeconds.Should().Be(10);
        config.Dns.Failover.Should().Be(DnsFailover.Gated);
        config.NamePrefix.Should().Be("failover-primary");
    }

    [Theory]
    [InlineData("auto", FlagMode.Auto)]
    [InlineData("block", FlagMode.Block)]
    [InlineData("FORCE", FlagMode.Force)]
    [InlineData("true", FlagMode.Auto)]
    [InlineData("false", FlagMode.Block)]
    public void Default_flag_accepts_modes_and_seed_booleans(string raw, FlagMode expected) =>
        TestStacks.Config(overrides: ("defaultFlag", raw)).DefaultFlag.Should().Be(expected);

    [Fact]
    public void Default_flag_rejects_other_words() =>
        TestStacks.Errors(overrides: ("defaultFlag", "maybe")).Should().ContainSingle()
            .Which.Should().Be("failover:defaultFlag must be one of auto, block, force, true, false (got 'maybe') in Pulumi.primary.yaml");

    [Theory]
    [InlineData("role", "failover:role is required")]
    [InlineData("aws:region", "aws:region is required")]
    [InlineData("peerRegion", "failover:peerRegion is required")]
    [InlineData("domainName", "failover:domainName is required")]
    [InlineData("hostedZoneId", "failover:hostedZoneId is required")]
    [InlineData("containerImage", "failover:containerImage is required")]
    public void Required_keys_are_named_when_missing(string key, string expected) =>
        TestStacks.Errors(overrides: (key, null)).Should().ContainSingle().Which.Should().StartWith(expected);

    [Theory]
    [InlineData("role", "tertiary", "failover:role must be one of primary, secondary")]
    [InlineData("aws:region", "mars-1", "aws:region is not an AWS region (got 'mars-1')")]
    [InlineData("peerRegion", "us-east-1", "failover:peerRegion must differ from aws:region")]
    [InlineData("domainName", "not a name", "failover:domainName is not a DNS name")]
    [InlineData("hostedZoneId", "zone-1", "failover:hostedZoneId is not a Route 53 hosted zone id")]
    [InlineData("containerImage", "my image", "failover:containerImage must not contain spaces")]
    [InlineData("containerPort", "70000", "failover:containerPort must be <= 65535")]
    [InlineData("containerPort", "eighty", "failover:containerPort must be a whole number")]
    [InlineData("healthCheckPath", "health", "failover:healthCheckPath must be a URL path")]
    [InlineData("healthCheckCommand", " ", "failover:healthCheckCommand must not be empty")]
    [InlineData("cpu", "300", "failover:cpu must be a Fargate CPU size")]
    [InlineData("memory", "8192", "failover:memory must be a Fargate memory size for cpu 512")]
    [InlineData("activeCount", "0", "failover:activeCount must be >= 1")]
    [InlineData("standbyCount", "-1", "failover:standbyCount must be >= 0 (got -1)")]
    [InlineData("standbyCount", "50", "failover:standbyCount must be <= autoscalingMax")]
    [InlineData("autoscalingMin", "3", "failover:activeCount must lie within autoscalingMin..autoscalingMax (3..6)")]
    [InlineData("cpuTargetPercent", "95", "failover:cpuTargetPercent must be <= 90")]
    [InlineData("alarmPeriodSeconds", "30", "failover:alarmPeriodSeconds must be a multiple of 60 s: Route 53 health checks accept only standard-resolution alarms")]
    [InlineData("alarmPeriodSeconds", "90", "failover:alarmPeriodSeconds must be a multiple of 60 s")]
    [InlineData("alarmDatapointsToAlarm", "2", "failover:alarmDatapointsToAlarm is no longer read: alarms fire on N of N")]
    [InlineData("notificationEmails", "[\"oncall\"]", "failover:notificationEmails has 'oncall', which is not an email address")]
    [InlineData("logRetentionDays", "10", "failover:logRetentionDays must be one of CloudWatch's retention values")]
    [InlineData("endpointCheckIntervalSeconds", "20", "failover:endpointCheckIntervalSeconds must be 10 or 30")]
    [InlineData("certificateArn", "arn:aws:acm:eu-west-1:123456789012:certificate/abc-123", "failover:certificateArn is in eu-west-1, but an ALB needs a certificate in its own region (us-east-1)")]
    [InlineData("certificateArn", "cert", "failover:certificateArn is not an ACM certificate ARN")]
    [InlineData("minReadyTasksForShift", "3", "failover:minReadyTasksForShift must be <= activeCount (2) (got 3)")]
    [InlineData("minReadyTasksForShift", "0", "failover:minReadyTasksForShift must be >= 1")]
    [InlineData("trafficGate", "arc-ish", "failover:trafficGate must be one of metric, arc, route53-api")]
    [InlineData("arcClusterArn", "arn:aws:route53-recovery-control::123456789012:cluster/abc", "failover:arcClusterArn is used only with trafficGate arc")]
    [InlineData("arcCreateCluster", "true", "failover:arcCreateCluster is used only with trafficGate arc")]
    [InlineData("containerImage", "123456789012.dkr.ecr.us-west-2.amazonaws.com/app:1", "failover:containerImage is in us-west-2's ECR registry, but this stack runs in us-east-1")]
    [InlineData("vpcId", "vpc-0123456789abcdef0", "failover:publicSubnetIds must list at least 2 subnets")]
    [InlineData("vpcCidr", "10.0.0.0/8", "failover:vpcCidr must be an IPv4 CIDR block between /16 and /24")]
    [InlineData("tags", "{\"Project\":\"x\"}", "failover:tags sets 'Project', which the program sets itself")]
    [InlineData("tags", "{\"aws:owner\":\"x\"}", "failover:tags key 'aws:owner' uses the reserved prefix aws:")]
    [InlineData("tags", "[1]", "failover:tags must be an object of string values")]
    [InlineData("desiredCont", "3", "failover:desiredCont is not a known setting")]
    [InlineData("rtoObjectiveMinutes", "0", "failover:rtoObjectiveMinutes must be >= 1 (got 0)")]
    [InlineData("rtoObjectiveMinutes", "1441", "failover:rtoObjectiveMinutes must be <= 1440 (got 1441)")]
    [InlineData("rtoObjectiveMinutes", "20.5", "failover:rtoObjectiveMinutes must be a whole number (got '20.5')")]
    [InlineData("noticeRepeatMinutes", "0", "failover:noticeRepeatMinutes must be >= 1 (got 0)")]
    [InlineData("noticeRepeatMinutes", "1441", "failover:noticeRepeatMinutes must be <= 1440 (got 1441)")]
    public void Each_rule_names_its_key_and_why(string key, string value, string expected) =>
        TestStacks.Errors(overrides: (key, value)).Should().Contain(e => e.StartsWith(expected, StringComparison.Ordinal));

    [Fact]
    public void A_bad_recovery_time_objective_is_reported_with_every_other_problem() =>
        TestStacks.Errors(overrides: [("rtoObjectiveMinutes", "0"), ("cpu", "300")]).Should().HaveCount(2)
            .And.Contain("failover:rtoObjectiveMinutes must be >= 1 (got 0) in Pulumi.primary.yaml");

    [Fact]
    public void Errors_say_which_file_to_fix() =>
        TestStacks.Errors("secondary", ("standbyCount", "-1")).Should().ContainSingle()
            .Which.Should().Be("failover:standbyCount must be >= 0 (got -1) in Pulumi.secondary.yaml");

    [Fact]
    public void Every_problem_is_reported_in_one_run()
    {
        var errors = TestStacks.Errors(overrides: [("role", null), ("cpu", "300"), ("alarmPeriodSeconds", "10"), ("domainName", "x y"), ("typo", "1")]);

        errors.Should().HaveCount(5);
        errors.Should().Contain(e => e.StartsWith("failover:role is required"));
        errors.Should().Contain(e => e.StartsWith("failover:cpu must be"));
        errors.Should().Contain(e => e.StartsWith("failover:alarmPeriodSeconds must be a multiple of 60"));
        errors.Should().Contain(e => e.StartsWith("failover:domainName is not a DNS name"));
        errors.Should().Contain(e => e.StartsWith("failover:typo is not a known setting"));
    }

    [Fact]
    public void Stack_names_too_long_for_readable_names_are_refused()
    {
        var inputs = TestStacks.Inputs() with { Stack = "primary-with-a-very-long-name-for-readers" };
        ConfigParser.Parse(inputs).Errors.Should().ContainSingle().Which.Should().Contain("at most 40 characters");
    }

    [Fact]
    public void Lists_accept_json_arrays_and_comma_separated_strings()
    {
        TestStacks.Config(overrides: ("notificationEmails", "[\"a@example.com\",\"b@example.com\"]")).NotificationEmails
            .Should().Equal("a@example.com", "b@example.com");
        TestStacks.Config(overrides: ("notificationEmails", "a@example.com, b@example.com")).NotificationEmails
            .Should().Equal("a@example.com", "b@example.com");
    }

    [Fact]
    public void Configured_tags_are_joined_by_project_stack_and_role() =>
        TestStacks.Config("secondary", ("tags", "{\"Team\":\"platform\"}")).Tags.Should().Equal(new Dictionary<string, string>
        {
            ["Project"] = "failover", ["Role"] = "secondary", ["Stack"] = "secondary", ["Team"] = "platform",
        });

    [Fact]
    public void An_existing_vpc_takes_public_subnets_for_the_alb_and_private_subnets_for_the_tasks()
    {
        var network = TestStacks.Config(overrides: TestStacks.ExistingVpc).Network;

        network.UsesExistingVpc.Should().BeTrue();
        network.PublicSubnetIds.Should().Equal("subnet-0123456789abcdef0", "subnet-0123456789abcdef1");
        network.PrivateSubnetIds.Should().Equal("subnet-0123456789abcdef2", "subnet-0123456789abcdef3");
    }

    [Theory]
    [InlineData("publicSubnetIds", "failover:publicSubnetIds must list at least 2 subnets in different AZs of vpc-0123456789abcdef0 for the internet-facing ALB (got 0)")]
    [InlineData("privateSubnetIds", "failover:privateSubnetIds must list at least 2 subnets in different AZs of vpc-0123456789abcdef0 for the tasks")]
    public void An_existing_vpc_needs_both_subnet_lists(string missing, string expected) =>
        TestStacks.Errors(overrides: [.. TestStacks.ExistingVpc, (missing, null)]).Should().ContainSingle().Which.Should().StartWith(expected);

    [Fact]
    public void One_list_for_both_alb_and_tasks_is_refused() =>
        TestStacks.Errors(overrides: [.. TestStacks.ExistingVpc, ("privateSubnetIds", "subnet-0123456789abcdef0,subnet-0123456789abcdef1")])
            .Should().HaveCount(2).And.OnlyContain(e => e.StartsWith("failover:privateSubnetIds repeats subnet-0123456789abcdef", StringComparison.Ordinal)
                && e.Contains("no public IP and no route out", StringComparison.Ordinal));

    [Theory]
    [InlineData("publicSubnetIds")]
    [InlineData("privateSubnetIds")]
    public void Subnets_without_a_vpc_are_refused(string key) =>
        TestStacks.Errors(overrides: (key, "subnet-0123456789abcdef0,subnet-0123456789abcdef1")).Should().ContainSingle()
            .Which.Should().StartWith($"failover:{key} needs vpcId");

    [Theory]
    [InlineData("subnetIds", "subnet-0123456789abcdef0,subnet-0123456789abcdef1", "failover:subnetIds is no longer read: it was split into publicSubnetIds")]
    [InlineData("insufficientDataHealthStatus", "Healthy", "failover:insufficientDataHealthStatus is no longer read: each alarm-backed check now has its own")]
    public void Retired_keys_say_what_replaced_them(string key, string value, string expected) =>
        TestStacks.Errors(overrides: (key, value)).Should().ContainSingle().Which.Should().StartWith(expected);

    [Theory]
    [InlineData(null, DnsFailover.Gated)]
    [InlineData("endpoint", DnsFailover.Endpoint)]
    [InlineData("Automatic", DnsFailover.Automatic)]
    public void Dns_failover_is_gated_unless_configured(string? raw, DnsFailover expected) =>
        TestStacks.Config(overrides: ("dnsFailover", raw)).Dns.Failover.Should().Be(expected);

    [Fact]
    public void Dns_failover_rejects_other_modes() =>
        TestStacks.Errors(overrides: ("dnsFailover", "always")).Should().ContainSingle()
            .Which.Should().StartWith("failover:dnsFailover must be one of gated, endpoint, automatic (got 'always')");

    [Theory]
    [InlineData("endpoint")]
    [InlineData("automatic")]
    public void A_pilot_light_secondary_must_be_gated_or_route53_would_keep_answering_primary(string mode) =>
        TestStacks.Errors("secondary", ("standbyCount", "0"), ("dnsFailover", mode)).Should().ContainSingle()
            .Which.Should().StartWith($"failover:dnsFailover {mode} needs a warm standby (standbyCount >= 1)")
            .And.Contain("both records unhealthy and keep answering PRIMARY");

    [Fact]
    public void A_pilot_light_secondary_is_accepted_when_gated() =>
        TestStacks.Config("secondary", ("standbyCount", "0")).Capacity.StandbyCount.Should().Be(0);

    [Fact]
    public void The_primary_does_not_judge_the_standby_count() =>
        TestStacks.Config("primary", ("standbyCount", "0"), ("dnsFailover", "endpoint"), ("minRunningTasks", "2")).Dns.Failover.Should().Be(DnsFailover.Endpoint);

    [Theory]
    [InlineData("minRunningTasks")]
    [InlineData("minHealthyHosts")]
    public void A_warm_standby_must_clear_the_capacity_alarms_it_would_otherwise_always_fire(string key) =>
        TestStacks.Errors("secondary", ("standbyCount", "1"), (key, "2")).Should().ContainSingle()
            .Which.Should().StartWith($"failover:{key} (2) is above standbyCount (1): the idle warm standby would read as broken");

    [Theory]
    [InlineData("minRunningTasks")]
    [InlineData("minHealthyHosts")]
    public void The_serving_region_must_clear_the_capacity_alarms(string key) =>
        TestStacks.Errors("primary", ("activeCount", "2"), (key, "3")).Should().ContainSingle()
            .Which.Should().StartWith($"failover:{key} (3) is above activeCount (2): the serving region would always be in alarm");

    [Fact]
    public void Another_regions_image_is_accepted_when_the_stack_says_so()
    {
        var config = TestStacks.Config("primary", ("containerImage", "123456789012.dkr.ecr.us-west-2.amazonaws.com/app:1"), ("allowCrossRegionImage", "true"));

        config.Container.AllowCrossRegionImage.Should().BeTrue();
        config.Container.Image.Should().Contain("us-west-2");
    }

    [Fact]
    public void The_route53_api_gate_compiles_with_a_warning_that_names_us_east_1()
    {
        var result = ConfigParser.Parse(TestStacks.Inputs("primary", ("trafficGate", "route53-api")));

        result.Errors.Should().BeEmpty();
        result.Warnings.Should().ContainSingle().Which.Should().Contain("failover:trafficGate route53-api").And.Contain("us-east-1");
        ConfigParser.Parse(TestStacks.Inputs("primary")).Warnings.Should().BeEmpty("the metric gate needs no warning");
    }

    [Fact]
    public void The_arc_gate_needs_a_cluster_named_or_created() =>
        TestStacks.Errors(overrides: ("trafficGate", "arc")).Should().ContainSingle()
            .Which.Should().StartWith("failover:arcClusterArn is required with trafficGate arc").And.Contain("arcCreateCluster: true");

    [Fact]
    public void A_named_arc_cluster_is_checked_whole_and_every_problem_is_named_at_once() =>
        TestStacks.Errors(overrides: [("trafficGate", "arc"), ("arcClusterArn", "arn:aws:route53:::cluster/abc"),
            ("arcClusterEndpoints", "us-east-1=https://host-a.us-east-1.example.aws/v1,eu-west-1,us-east-1=https://host-b.us-east-1.example.aws/v1")])
            .Should().BeEquivalentTo(
                "failover:arcClusterArn is not an ARC cluster ARN, arn:aws:route53-recovery-control::ACCOUNT:cluster/ID (got 'arn:aws:route53:::cluster/abc') in Pulumi.primary.yaml",
                "failover:arcClusterEndpoints has 'eu-west-1', expected REGION=https://URL (the Region and Endpoint of each ClusterEndpoints item describe-cluster prints) in Pulumi.primary.yaml",
                "failover:arcClusterEndpoints names us-east-1 twice in Pulumi.primary.yaml");

    [Fact]
    public void A_named_arc_cluster_needs_its_endpoints() =>
        TestStacks.Errors(overrides: [("trafficGate", "arc"), ("arcClusterArn", TestStacks.ArcClusterArn)]).Should().ContainSingle()
            .Which.Should().StartWith("failover:arcClusterEndpoints is required with arcClusterArn").And.Contain("describe-cluster");

    [Fact]
    public void A_created_arc_cluster_takes_neither_an_arn_nor_endpoints() =>
        TestStacks.Errors(overrides: [.. TestStacks.ArcCreatedCluster, ("arcClusterArn", TestStacks.ArcClusterArn),
            ("arcClusterEndpoints", "us-east-1=https://host-a.us-east-1.example.aws/v1")])
            .Should().HaveCount(2)
            .And.Contain(e => e.StartsWith("failover:arcClusterArn and arcCreateCluster: true both name a cluster", StringComparison.Ordinal))
            .And.Contain(e => e.StartsWith("failover:arcClusterEndpoints is for an existing cluster", StringComparison.Ordinal));

    [Fact]
    public void The_arc_gate_reads_the_named_cluster_and_its_endpoints_in_order()
    {
        var arc = TestStacks.Config("secondary", TestStacks.ArcNamedCluster).Dns.Arc!;

        arc.ClusterArn.Should().Be(TestStacks.ArcClusterArn);
        arc.CreateCluster.Should().BeFalse();
        arc.Endpoints.Select(e => e.Region).Should().Equal("us-east-1", "eu-west-1", "ap-northeast-1", "us-west-2", "ap-southeast-2");
    }

    [Fact]
    public void The_arc_primary_warns_that_both_routing_controls_start_off()
    {
        var result = ConfigParser.Parse(TestStacks.Inputs("primary", TestStacks.ArcNamedCluster));

        result.Errors.Should().BeEmpty();
        result.Warnings.Should().ContainSingle().Which.Should().Contain("failover:trafficGate arc").And.Contain("Off").And.Contain("update-routing-control-states");
        ConfigParser.Parse(TestStacks.Inputs("secondary", TestStacks.ArcNamedCluster)).Warnings.Should().BeEmpty("one warning for the pair, where the controls are built");
    }
}
