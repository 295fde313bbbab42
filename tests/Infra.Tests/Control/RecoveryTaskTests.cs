using System.Globalization;
using Failover.Infra.Config;
using Failover.Infra.Control;
using Failover.Infra.Tests.Oracles;
using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Control;

/// Recovery-task configs the tests compile: the shipped stacks have none.
internal static class RecoveryTaskExamples
{
    /// A secondary that runs two recovery tasks before the shift (the service's task definition, with and without overrides)
    /// and one after it (another task definition, with its own container and roles).
    public const string Secondary = """
        [{"name":"promote-db","phase":"beforeShift","command":["./promote","--region","us-west-2"],"environment":{"DB_ROLE":"primary"},"timeoutSeconds":900},
         {"name":"warm-cache","phase":"beforeShift"},
         {"name":"point-app","phase":"afterShift","taskDefinition":"migrate:3","container":"migrate","command":["point"],
          "roleArns":["arn:aws:iam::123456789012:role/migrate-execution","arn:aws:iam::123456789012:role/migrate-task"],"timeoutSeconds":300}]
        """;

    /// A primary whose failback demotes before the shift and repoints the application after it.
    public const string Primary = """
        [{"name":"demote-db","phase":"beforeShift","command":["./demote"]},
         {"name":"point-app","phase":"afterShift","environment":{"DB_HOST":"db.us-east-1.internal"},"timeoutSeconds":120}]
        """;

    public static PulumiProgram Program(string role) =>
        TestStacks.Program(role, ("recoveryTasks", role == "primary" ? Primary : Secondary));
}

/// The recovery tasks as the compiled workflow runs them: where in the run, with what, retrying what, failing how.
/// asl-check.mjs runs the paths (WorkflowPathTests); these pin the definition's shape and the IAM data behind the grants.
public sealed class RecoveryTaskTests
{
    private static readonly PulumiProgram Secondary = RecoveryTaskExamples.Program("secondary");
    private static readonly PulumiProgram Primary = RecoveryTaskExamples.Program("primary");

    [Fact]
    public void A_failover_runs_the_beforeShift_tasks_in_config_order_after_readiness_and_the_afterShift_ones_once_traffic_moved()
    {
        var states = States(Secondary);

        Next(states, "RouteReady", "Default").Should().Be("Recovery promote-db");
        Next(states, "Recovery promote-db").Should().Be("Recovery warm-cache");
        Next(states, "Recovery warm-cache").Should().Be(WorkflowDefinition.States.StampRecovered);
        Next(states, WorkflowDefinition.States.StampRecovered).Should().Be(WorkflowDefinition.States.ShiftTraffic);
        Next(states, WorkflowDefinition.States.ShiftTraffic).Should().Be(WorkflowDefinition.States.TrafficMoved);
        Next(states, WorkflowDefinition.States.TrafficMoved).Should().Be(WorkflowDefinition.States.StampShifted);
        Next(states, WorkflowDefinition.States.StampShifted).Should().Be(WorkflowDefinition.States.RenewAfterShift);
        Next(states, WorkflowDefinition.States.RenewAfterShift).Should().Be("Recovery point-app");
        Next(states, "Recovery point-app").Should().Be(WorkflowDefinition.States.StampFinished);
    }

    [Fact]
    public void A_drill_is_routed_to_its_scale_back_before_any_recovery_task()
    {
        var routeReady = (Map)States(Secondary).Entries["RouteReady"];
        var drill = ((Seq)routeReady.Entries["Choices"]).Items.Cast<Map>().Should().ContainSingle().Subject;

        drill.Entries["Variable"].Should().Be(new Str("$.request.action"));
        drill.Entries["StringEquals"].Should().Be(new Str("drill"));
        drill.Entries["Next"].Should().Be(new Str(WorkflowDefinition.States.DrillScaleBack));
    }

    /// In the primary, after the shift and before the drain: the application needs them as soon as traffic arrives.
    [Fact]
    public void A_failback_runs_its_tasks_around_the_shift_and_its_afterShift_ones_before_the_drain()
    {
        var states = States(Primary);

        Next(states, WorkflowDefinition.States.StampReady).Should().Be(WorkflowDefinition.States.RenewBeforeShift);
        Next(states, WorkflowDefinition.States.RenewBeforeShift).Should().Be("Recovery demote-db");
        Next(states, "Recovery demote-db").Should().Be(WorkflowDefinition.States.StampRecovered);
        Next(states, WorkflowDefinition.States.StampShifted).Should().Be(WorkflowDefinition.States.RenewAfterShift);
        Next(states, WorkflowDefinition.States.RenewAfterShift).Should().Be("Recovery point-app");
        Next(states, "Recovery point-app").Should().Be(WorkflowDefinition.States.DrainBeforeScaleDown);
    }

    [Fact]
    public void A_task_runs_the_services_task_definition_in_its_cluster_with_its_network_settings_and_the_overrides()
    {
        var task = State(Secondary, "Recovery promote-db");
        var service = Secondary.Resource("service");

        task.Entries["Resource"].Should().Be(new Str("arn:aws:states:::ecs:runTask.sync"));
        var parameters = (Map)task.Entries["Parameters"];
        parameters.Entries.Keys.Should().BeEquivalentTo("Cluster", "TaskDefinition", "LaunchType", "PlatformVersion", "NetworkConfiguration", "Overrides");
        parameters.Entries["Cluster"].Should().Be(service.Prop("cluster"));
        parameters.Entries["TaskDefinition"].Should().Be(service.Prop("taskDefinition"));
        parameters.Entries["LaunchType"].Should().Be(new Str("FARGATE"));
        parameters.Entries["PlatformVersion"].Should().Be(new Str("LATEST"));
        var vpc = (Map)((Map)parameters.Entries["NetworkConfiguration"]).Entries["AwsvpcConfiguration"];
        Same(vpc.Entries["Subnets"], service.Prop("networkConfiguration.subnets"));
        Same(vpc.Entries["SecurityGroups"], service.Prop("networkConfiguration.securityGroups"));
        vpc.Entries["AssignPublicIp"].Should().Be(new Str("ENABLED"), "the stack's own VPC has public subnets and no NAT, as the service's tasks");
        var container = ((Seq)((Map)parameters.Entries["Overrides"]).Entries["ContainerOverrides"]).Items.Cast<Map>().Should().ContainSingle().Subject;
        container.Entries["Name"].Should().Be(new Str("app"));
        Same(container.Entries["Command"], Value.Strings(["./promote", "--region", "us-west-2"]));
        Same(container.Entries["Environment"], Value.List(Map.Of(("Name", "DB_ROLE"), ("Value", "primary"))));
        task.Entries["TimeoutSeconds"].Should().Be(new Num(900));
        task.Entries["ResultPath"].Should().Be(new Str("$.recovery.promote_db"));
        ((Map)task.Entries["ResultSelector"]).Entries.Keys.Should().BeEquivalentTo("taskArn.$", "stopCode.$", "stoppedReason.$");
    }

    [Fact]
    public void In_an_existing_vpc_a_task_runs_in_the_private_subnets_without_a_public_ip()
    {
        var program = TestStacks.Program("secondary", [.. TestStacks.ExistingVpc, ("recoveryTasks", RecoveryTaskExamples.Secondary)]);
        var vpc = (Map)((Map)((Map)State(program, "Recovery warm-cache").Entries["Parameters"]).Entries["NetworkConfiguration"]).Entries["AwsvpcConfiguration"];

        Same(vpc.Entries["Subnets"], Value.Strings(["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"]));
        vpc.Entries["AssignPublicIp"].Should().Be(new Str("DISABLED"));
    }

    [Fact]
    public void Another_task_definition_runs_as_configured_with_its_own_container_and_nothing_is_overridden_when_nothing_is_given()
    {
        var other = (Map)State(Secondary, "Recovery point-app").Entries["Parameters"];
        other.Entries["TaskDefinition"].Should().Be(new Str("migrate:3"));
        ((Map)((Seq)((Map)other.Entries["Overrides"]).Entries["ContainerOverrides"]).Items[0]).Entries["Name"].Should().Be(new Str("migrate"));

        ((Map)State(Secondary, "Recovery warm-cache").Entries["Parameters"]).Entries.Should().NotContainKey("Overrides");
    }

    [Fact]
    public void Only_errors_that_mean_the_container_never_ran_are_retried()
    {
        foreach (var name in new[] { "Recovery promote-db", "Recovery warm-cache", "Recovery point-app" })
        {
            var retry = ((Seq)State(Secondary, name).Entries["Retry"]).Items.Cast<Map>().Should().ContainSingle().Subject;
            Same(retry.Entries["ErrorEquals"], Value.Strings(["ECS.AmazonECSException", "AmazonECS.Unknown"]));
        }
    }

    [Theory]
    [InlineData("Recovery promote-db", "recovery task promote-db (beforeShift) failed; traffic was not moved: {}")]
    [InlineData("Recovery point-app", "recovery task point-app (afterShift) failed; traffic had already moved to us-west-2: {}")]
    public void A_failure_is_caught_and_reaches_the_failure_path_with_a_cause_that_names_the_task(string task, string cause)
    {
        var states = States(Secondary);
        var @catch = ((Seq)((Map)states.Entries[task]).Entries["Catch"]).Items.Cast<Map>().Should().ContainSingle().Subject;
        Same(@catch.Entries["ErrorEquals"], Value.List("States.ALL"));
        @catch.Entries["ResultPath"].Should().Be(new Str("$.error"));

        var failed = (Map)states.Entries[((Str)@catch.Entries["Next"]).Text];
        var parameters = (Map)failed.Entries["Parameters"];
        parameters.Entries["Error.$"].Should().Be(new Str("$.error.Error"));
        parameters.Entries["Cause.$"].Should().Be(new Str($"States.Format('{cause}', $.error.Cause)"));
        failed.Entries["ResultPath"].Should().Be(new Str("$.error"));
        failed.Entries["Next"].Should().Be(new Str(WorkflowDefinition.States.OnFailure));
    }

    [Fact]
    public void The_execution_time_limit_grows_by_every_tasks_time_limit()
    {
        // Readiness 600 + drain 120 + recovery 900 + 600 + 300 + an hour.
        const int expected = 600 + 120 + 1800 + 3600;
        var definition = ((ToJson)Secondary.Resource("workflow").Prop("definition")!).Body as Map;
        definition!.Entries["TimeoutSeconds"].Should().Be(new Num(expected));
    }

    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    public void Without_recovery_tasks_the_workflow_runs_no_ecs_task_and_keeps_no_recovery_results(string role)
    {
        var program = TestStacks.Program(role);
        var states = States(program);

        states.Entries.Values.Cast<Map>().Where(s => s.Entries.TryGetValue("Resource", out var r) && r is Str { Text: var text } && text.Contains(":ecs:"))
            .Should().BeEmpty();
        ((Map)((Map)states.Entries[WorkflowDefinition.States.Prepare]).Entries["Parameters"]).Entries.Should().NotContainKey("recovery");
        ((Map)((Map)states.Entries[WorkflowDefinition.States.Describe(WorkflowDefinition.Notices.Failed)]).Entries["Parameters"]).Entries
            .Should().NotContainKey("recovery.$");
    }

    [Fact]
    public void The_notices_carry_what_each_recovery_task_did()
    {
        var states = States(Secondary);
        ((Map)((Map)states.Entries[WorkflowDefinition.States.Prepare]).Entries["Parameters"]).Entries["recovery"].Should().BeOfType<Map>().Which.Entries.Should().BeEmpty();
        foreach (var notice in new[] { WorkflowDefinition.Notices.Succeeded, WorkflowDefinition.Notices.Failed })
            ((Map)((Map)states.Entries[WorkflowDefinition.States.Describe(notice)]).Entries["Parameters"]).Entries["recovery.$"]
                .Should().Be(new Str("$.recovery"), notice);
    }

    /// AWS's own IAM data (tests/oracles/iam-check.mjs): ecs:RunTask, ecs:StopTask, ecs:DescribeTasks, the events and
    /// iam:PassRole actions exist, accept the resource types they are granted on, and take the condition keys used.
    [Fact]
    public void The_recovery_grants_use_real_actions_resource_types_and_condition_keys()
    {
        var results = NodeOracle.Run("iam-check.mjs", new Dictionary<string, string>
        {
            ["secondary-recovery"] = YamlWriter.Write(Secondary),
            ["primary-recovery"] = YamlWriter.Write(Primary),
        }, new Dictionary<string, string>());

        results["secondary-recovery"].Should().BeEmpty();
        results["primary-recovery"].Should().BeEmpty();
    }

    private static Map States(PulumiProgram program) =>
        (Map)((Map)((ToJson)program.Resource("workflow").Prop("definition")!).Body).Entries["States"];

    private static Map State(PulumiProgram program, string name) => (Map)States(program).Entries[name];

    private static string Next(Map states, string state, string key = "Next") => ((Str)((Map)states.Entries[state]).Entries[key]).Text;

    private static void Same(Value? actual, Value? expected) => actual.Should().BeEquivalentTo(expected, o => o.RespectingRuntimeTypes());
}
