using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Regional;

/// What a security review of the region's front door expects by default: an ALB nobody deletes by accident, its access logs
/// in a private, encrypted, expiring bucket, security groups that admit and let out only what the design needs, tasks that
/// hold no AWS privilege, and a WAF for whoever opts in.
public sealed class EdgeDefenceTests
{
    [Fact]
    public void The_alb_is_protected_from_deletion_unless_opted_out()
    {
        TestStacks.Program().Resource("alb").Prop("enableDeletionProtection").Should().Be(new Bool(true));
        TestStacks.Program("primary", ("albDeletionProtection", "false")).Resource("alb").Prop("enableDeletionProtection").Should().Be(new Bool(false));
    }

    [Fact]
    public void The_alb_logs_every_request_to_a_bucket_the_stack_creates()
    {
        var program = TestStacks.Program();

        var alb = program.Resource("alb");
        alb.Prop("accessLogs.bucket").Should().Be(new Ref("alb-logs-bucket", "id"));
        alb.Prop("accessLogs.enabled").Should().Be(new Bool(true));
        alb.Options.DependsOn.Should().Contain(r => r.Name == "alb-logs-bucket-policy", "ELB checks it may write when logging is turned on");
    }

    [Fact]
    public void The_log_bucket_is_private_encrypted_and_expires_its_logs()
    {
        var program = TestStacks.Program("primary", ("albAccessLogDays", "90"));

        var block = program.Resource("alb-logs-public-access-block");
        foreach (var setting in new[] { "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets" })
            block.Prop(setting).Should().Be(new Bool(true), setting);
        program.Resource("alb-logs-encryption").Text("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm")
            .Should().Be("AES256", "SSE-S3 is the only encryption ELB delivers into");
        program.Resource("alb-logs-lifecycle").Number("rules[0].expiration.days").Should().Be(90);
        program.Resource("alb-logs-lifecycle").Text("rules[0].status").Should().Be("Enabled");
    }

    [Fact]
    public void Only_elb_may_write_and_only_this_accounts_logs_and_nobody_without_tls()
    {
        var statements = BucketPolicy(TestStacks.Program());

        var write = statements.Single(s => Text(s, "Sid") == "ElbWritesThisAccountsLogs");
        Text(write, "Effect").Should().Be("Allow");
        Text(write, "Action").Should().Be("s3:PutObject");
        Render(write.Entries["Resource"]).Should().Be("${alb-logs-bucket.arn}/AWSLogs/${account-id}/*");

        var tls = statements.Single(s => Text(s, "Sid") == "DenyUnencryptedTransport");
        Text(tls, "Effect").Should().Be("Deny");
        ((Map)((Map)tls.Entries["Condition"]).Entries["Bool"]).Entries["aws:SecureTransport"].Should().Be(new Str("false"));
    }

    [Theory]
    [InlineData("us-east-1", "AWS", "127311923021")]
    [InlineData("eu-west-1", "AWS", "156460612806")]
    [InlineData("ap-southeast-3", "AWS", "589379963580")]
    [InlineData("ap-southeast-5", "Service", "logdelivery.elasticloadbalancing.amazonaws.com")]
    [InlineData("mx-central-1", "Service", "logdelivery.elasticloadbalancing.amazonaws.com")]
    public void Regions_before_august_2022_name_elbs_account_and_later_ones_the_log_delivery_service(string region, string kind, string who)
    {
        var principal = AccessLogBucket.LogWriter(region, new Ref("partition"));

        principal.Kind.Should().Be(kind);
        Render(principal.Id).Should().Contain(who);
    }

    [Fact]
    public void Access_logs_can_be_turned_off_and_then_no_bucket_is_created()
    {
        var program = TestStacks.Program("primary", ("albAccessLogs", "false"));

        program.Resource("alb").Prop("accessLogs").Should().BeNull();
        program.OfType("aws:s3/bucket:Bucket").Should().BeEmpty();
        program.OfType("aws:s3/bucketPolicy:BucketPolicy").Should().BeEmpty();
    }

    [Fact]
    public void The_alb_reaches_only_the_service_on_the_container_port()
    {
        var program = TestStacks.Program("primary", ("containerPort", "9000"));

        program.Resource("alb-security-group").Prop("egress").Should().BeNull("no inline rule: the provider then removes AWS's allow-all default");
        var egress = program.OfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").Should().ContainSingle().Subject;
        egress.Prop("securityGroupId").Should().Be(new Ref("alb-security-group", "id"));
        egress.Prop("referencedSecurityGroupId").Should().Be(new Ref("service-security-group", "id"));
        egress.Text("ipProtocol").Should().Be("tcp");
        egress.Number("fromPort").Should().Be(9000);
        egress.Number("toPort").Should().Be(9000);
    }

    [Fact]
    public void The_tasks_are_reached_only_from_the_alb_and_go_out_only_on_https()
    {
        var group = TestStacks.Program().Resource("service-security-group");

        var ingress = (Map)((Seq)group.Prop("ingress")!).Items.Single();
        ingress.Entries["securityGroups"].Should().BeEquivalentTo(Value.List(new Ref("alb-security-group", "id")), o => o.RespectingRuntimeTypes());
        ingress.Entries.Should().NotContainKey("cidrBlocks");
        var egress = (Map)((Seq)group.Prop("egress")!).Items.Single();
        egress.Entries["protocol"].Should().Be(new Str("tcp"));
        egress.Entries["fromPort"].Should().Be(new Num(443));
        egress.Entries["toPort"].Should().Be(new Num(443));
    }

    [Fact]
    public void Ports_an_application_lists_are_opened_beside_https()
    {
        var group = TestStacks.Program("primary", ("taskEgressPorts", "443,5432")).Resource("service-security-group");

        ((Seq)group.Prop("egress")!).Items.Cast<Map>().Select(e => e.Entries["fromPort"]).Should().Equal(new Num(443), new Num(5432));
    }

    [Fact]
    public void Tasks_with_a_public_ip_carry_no_aws_privilege()
    {
        var program = TestStacks.Program();

        program.Resource("service").Prop("networkConfiguration.assignPublicIp").Should().Be(new Bool(true));
        program.Resource("task-definition").Prop("taskRoleArn").Should().BeNull("a task reachable from the internet holds no AWS credentials");
    }

    [Fact]
    public void Without_opting_in_there_is_no_waf()
    {
        TestStacks.Program().OfType("aws:wafv2/webAcl:WebAcl").Should().BeEmpty();
    }

    [Fact]
    public void The_opt_in_waf_blocks_an_ip_over_the_rate_limit_per_five_minutes_and_guards_the_alb()
    {
        var program = TestStacks.Program("primary", ("waf", "true"), ("wafRateLimit", "500"));

        var acl = program.Resource("waf-web-acl");
        acl.Text("scope").Should().Be("REGIONAL");
        acl.Prop("defaultAction.allow").Should().NotBeNull();
        acl.Number("rules[0].statement.rateBasedStatement.limit").Should().Be(500);
        acl.Text("rules[0].statement.rateBasedStatement.aggregateKeyType").Should().Be("IP");
        acl.Number("rules[0].statement.rateBasedStatement.evaluationWindowSec").Should().Be(300);
        acl.Prop("rules[0].action.block").Should().NotBeNull();
        var association = program.Resource("waf-association");
        association.Prop("resourceArn").Should().Be(new Ref("alb", "arn"));
        association.Prop("webAclArn").Should().Be(new Ref("waf-web-acl", "arn"));
    }

    private static IReadOnlyList<Map> BucketPolicy(PulumiProgram program)
    {
        var document = (Map)((ToJson)program.Resource("alb-logs-bucket-policy").Prop("policy")!).Body;
        return ((Seq)document.Entries["Statement"]).Items.Cast<Map>().ToList();
    }

    private static string Render(Value value) => value switch
    {
        Str s => s.Text,
        Ref r => r.Interpolated,
        Interpolation i => string.Concat(i.Parts.Select(p => Render((Value)p))),
        _ => throw new ArgumentException($"not a string: {value}"),
    };

    private static string? Text(Map map, string key) => map.Entries.GetValueOrDefault(key) is Str s ? s.Text : null;
}
