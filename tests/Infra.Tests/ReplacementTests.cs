using Failover.Infra.Yaml;

namespace Failover.Infra.Tests;

/// Pulumi replaces a resource by creating the new one before deleting the old: a fixed physical name that the change
/// does not alter makes the create fail ("already exists"). Every fixed name must be one no replacing change keeps.
public sealed class ReplacementTests
{
    // Types whose fixed `name` is safe, and why: nothing but the name itself replaces them, or the name is unique only per parent.
    private static readonly Dictionary<string, string> NamedOnPurpose = new()
    {
        ["aws:ecs/cluster:Cluster"] = "only a name change replaces a cluster; operators look for it by name",
        ["aws:cloudwatch/metricAlarm:MetricAlarm"] = "only a name change replaces an alarm (PutMetricAlarm updates in place); runbooks use the name",
        ["aws:appautoscaling/policy:Policy"] = "unique per scalable target, and a replaced target has a new resource id",
        ["aws:iam/rolePolicy:RolePolicy"] = "unique per role only",
        ["aws:route53/record:Record"] = "the DNS name and set identifier are its identity: only changing them replaces it",
        ["aws:dynamodb/table:Table"] = "protected: Pulumi refuses to replace it, and a key-schema change is a migration, not a replacement",
        ["aws:sns/topic:Topic"] = "only a name (or FIFO) change replaces a topic",
        ["aws:cloudwatch/logGroup:LogGroup"] = "Lambda and Step Functions write to a group named after the function or state machine; only a name change replaces it",
        ["aws:lambda/function:Function"] = "only a name or package-type change replaces a function; the workflow's grants name it before it exists",
        ["aws:sfn/stateMachine:StateMachine"] = "only a name or type change replaces it; its role's trust names it before it exists",
        ["aws:cloudwatch/eventRule:EventRule"] = "only a name or bus change replaces a rule; its role's trust, its queue policy and the topic policy name it before it exists",
        ["aws:sqs/queue:Queue"] = "only a name or FIFO change replaces a queue; watcher alarms and the dashboard name it",
        ["aws:kms/alias:Alias"] = "an alias is its name: only a name change replaces it",
        ["aws:scheduler/scheduleGroup:ScheduleGroup"] = "only a name change replaces a group; the probe role's trust names it before it exists",
        ["aws:scheduler/schedule:Schedule"] = "only a name or group change replaces a schedule",
        ["aws:iam/role:Role"] = "only a name or path change replaces a role; the other stack's table policy names the operator role before it exists",
    };

    // Fixed names whose replacement deletes the old resource first (deleteBeforeReplace), and why the name must be fixed.
    private static readonly Dictionary<string, string> NamedWithDeleteFirst = new()
    {
        ["aws:ecs/service:Service"] = "the primary's failback scales the secondary's service by name, before the secondary exists",
    };

    public static TheoryData<string> Programs => new() { "primary", "secondary", "existing-vpc-https" };

    private static PulumiProgram Compile(string which) => which switch
    {
        "existing-vpc-https" => TestStacks.Program("primary",
            [.. TestStacks.ExistingVpc, ("certificateArn", "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-0123456789ab")]),
        _ => TestStacks.Program(which),
    };

    [Theory]
    [MemberData(nameof(Programs))]
    public void Only_resources_that_no_other_change_replaces_have_fixed_names(string which)
    {
        // A StackReference's `name` is the stack it reads, not a physical name.
        var named = Compile(which).Resources.Where(r => r.Prop("name") is not null && r.Package != "pulumi").ToList();

        named.Where(r => !r.Options.DeleteBeforeReplace).Select(r => r.Type).Distinct().Should().BeSubsetOf(NamedOnPurpose.Keys);
        named.Where(r => r.Options.DeleteBeforeReplace).Select(r => r.Type).Distinct().Should().BeSubsetOf(NamedWithDeleteFirst.Keys);
    }

    [Fact]
    public void The_service_has_a_fixed_name_and_is_deleted_before_a_replacement_recreates_it()
    {
        var service = TestStacks.Program().Resource("service");

        service.Text("name").Should().Be("failover-primary");
        service.Options.DeleteBeforeReplace.Should().BeTrue("under create-before-delete the new service's create would fail on the old one's name");
    }

    [Theory]
    [InlineData("target-group")]
    [InlineData("alb")]
    public void Resources_replaced_by_ordinary_changes_are_auto_named(string name)
    {
        var resource = TestStacks.Program().Resource(name);

        resource.Prop("name").Should().BeNull();
        resource.Prop("namePrefix").Should().BeNull();
    }

    [Theory]
    [InlineData("alb-security-group", "failover-primary-alb-")]
    [InlineData("service-security-group", "failover-primary-service-")]
    [InlineData("log-group", "/ecs/failover-primary-")]
    [InlineData("task-execution-role", "failover-primary-task-execution-")]
    public void Resources_whose_consoles_list_them_by_name_get_a_prefix(string name, string prefix)
    {
        var resource = TestStacks.Program().Resource(name);

        resource.Prop("name").Should().BeNull();
        resource.Text("namePrefix").Should().Be(prefix);
    }

    [Fact]
    public void A_target_group_port_change_yields_a_target_group_with_no_name_to_collide_with()
    {
        var before = TestStacks.Program("primary", ("containerPort", "8080")).Resource("target-group");
        var after = TestStacks.Program("primary", ("containerPort", "9090")).Resource("target-group");

        after.Number("port").Should().NotBe(before.Number("port"));
        after.Prop("name").Should().BeNull("a fixed name would make the replacement fail under create-before-delete");
    }
}
