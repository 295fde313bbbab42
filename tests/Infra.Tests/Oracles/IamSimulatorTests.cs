using Failover.Infra.Tests.Control;
using Failover.Infra.Tests.Golden;
using Failover.Infra.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Failover.Infra.Tests.Oracles;

/// Runs the IAM simulation oracle (tests/oracles/iam-simulate.mjs, @cloud-copilot/iam-simulate) over the shipped stacks, an
/// eventual-consistency pair and stacks with recovery tasks, and over a deliberately over-broad copy of the primary that
/// proves the matrix can fail.
public sealed class IamSimulator
{
    /// The argument under which the oracle reports each program's matrix size ("ROWS FILE" lines).
    private const string SizesArgument = "--sizes";

    public IReadOnlyDictionary<string, string[]> Results { get; }

    /// Rows simulated per program.
    public IReadOnlyDictionary<string, int> Sizes { get; }

    public IReadOnlyDictionary<string, string[]> OverBroad { get; }

    /// trafficGate arc on a named cluster: a pair of its own (its primary has the shipped primary's prefix).
    public IReadOnlyDictionary<string, string[]> Arc { get; }

    public IamSimulator()
    {
        var primary = GoldenProgramTests.CompileOffline("primary");
        // A secondary's primary-stack outputs resolve through the primary of the same run with its prefix and table consistency.
        var results = NodeOracle.Run("iam-simulate.mjs", new Dictionary<string, string>
        {
            ["primary"] = primary,
            ["secondary"] = GoldenProgramTests.CompileOffline("secondary"),
            // Its drill schedule's role: the triggers' entry point and its own dead letters, nothing else.
            ["secondary-scheduled-drill"] = GoldenProgramTests.CompileVariant("secondary-scheduled-drill"),
            ["eventual-primary"] = TestStacks.Yaml("primary", ("controlTableConsistency", "eventual")),
            ["eventual-secondary"] = TestStacks.Yaml("secondary", ("controlTableConsistency", "eventual")),
            // Strong, prefix failover-secondary: it reads the shipped primary above.
            ["secondary-recovery"] = YamlWriter.Write(RecoveryTaskExamples.Program("secondary")),
            ["primary-recovery"] = YamlWriter.Write(RecoveryTaskExamples.Program("primary")),
        }, new Dictionary<string, string> { ["sizes"] = SizesArgument });
        Results = results;
        Sizes = results["sizes"].Select(line => line.Split(' ', 2))
            .ToDictionary(parts => Path.GetFileNameWithoutExtension(parts[1]), parts => int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture));
        // Its own run: it is a primary with the same prefix, and a secondary beside it could read it instead of the real one.
        OverBroad = NodeOracle.Run("iam-simulate.mjs", new Dictionary<string, string>
        {
            ["over-broad"] = OverBroadPolicies.Widen(primary),
            ["over-broad-recovery"] = OverBroadPolicies.WidenRecovery(YamlWriter.Write(RecoveryTaskExamples.Program("primary"))),
        }, new Dictionary<string, string>());
        Arc = NodeOracle.Run("iam-simulate.mjs", new Dictionary<string, string>
        {
            ["arc-primary"] = TestStacks.Yaml("primary", TestStacks.ArcNamedCluster),
            ["arc-secondary"] = TestStacks.Yaml("secondary", TestStacks.ArcNamedCluster),
        }, new Dictionary<string, string>());
    }
}

public sealed class IamSimulatorTests(IamSimulator oracle) : IClassFixture<IamSimulator>
{
    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    [InlineData("secondary-scheduled-drill")]
    [InlineData("eventual-primary")]
    [InlineData("eventual-secondary")]
    [InlineData("secondary-recovery")]
    [InlineData("primary-recovery")]
    public void Every_role_is_allowed_what_its_job_needs_and_denied_the_neighbours(string program) =>
        oracle.Results[program].Should().BeEmpty();

    [Theory]
    [InlineData("arc-primary")]
    [InlineData("arc-secondary")]
    public void With_the_arc_gate_shift_traffic_moves_the_primarys_routing_control_and_nothing_else_on_the_cluster(string program) =>
        oracle.Arc[program].Should().BeEmpty();

    /// The matrix as built: a row lost (a builder that silently stops adding rows) fails here.
    [Theory]
    [InlineData("primary", 638)]
    [InlineData("secondary", 608)]
    [InlineData("eventual-primary", 639)]
    [InlineData("eventual-secondary", 609)]
    [InlineData("secondary-recovery", 632)]
    [InlineData("primary-recovery", 645)]
    [InlineData("secondary-scheduled-drill", 622)]
    public void The_matrix_covers_every_role(string program, int rows) =>
        oracle.Sizes[program].Should().BeGreaterThanOrEqualTo(rows);

    [Theory]
    [InlineData("scale-service-function", "ecs:UpdateService on arn:aws:ecs:us-east-1:123456789012:service/failover-primary/another-service (another service in the same cluster)")]
    [InlineData("scale-service-function", "ecs:UpdateService on arn:aws:ecs:us-west-2:123456789012:service/failover-primary/failover-primary (the same cluster and service in the other region)")]
    [InlineData("workflow", "lambda:InvokeFunction on arn:aws:lambda:us-east-1:123456789012:function:another-function (another function in the account)")]
    [InlineData("workflow", "lambda:InvokeFunction on arn:aws:lambda:us-west-2:123456789012:function:failover-primary-decide (the same name in the other region)")]
    [InlineData("scale-standby-function", "application-autoscaling:service-namespace=dynamodb, application-autoscaling:scalable-dimension=dynamodb:table:WriteCapacityUnits (another scalable dimension in the peer region)")]
    [InlineData("decide-function", "dynamodb:GetItem on arn:aws:dynamodb:us-west-2:123456789012:table/failover-primary-control (strong mode: one replica is the truth, no peer read)")]
    [InlineData("decide-function", "logs:CreateLogGroup on arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/failover-primary-decide (Pulumi creates the log group)")]
    [InlineData("decide-function", "logs:PutLogEvents on arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/failover-primary-shift-traffic:log-stream:")]
    [InlineData("shift-traffic-function", "with cloudwatch:namespace=AWS/ApplicationELB, aws:RequestedRegion=us-west-2 (the load balancer's metrics: a forged data point would trip a health alarm)")]
    [InlineData("shift-traffic-function", "with cloudwatch:namespace=Failover/TrafficGate/failover-primary, aws:RequestedRegion=eu-central-1 (the same gate's metric in another region")]
    [InlineData("release-lock-function", "dynamodb:PutItem on arn:aws:dynamodb:us-east-1:123456789012:table/failover-primary-control (release updates the state item, it writes no record)")]
    [InlineData("release-lock-function", "dynamodb:DeleteItem on arn:aws:dynamodb:us-east-1:123456789012:table/failover-primary-control (no item is ever deleted)")]
    [InlineData("workflow", "sts:AssumeRole by states.amazonaws.com with aws:SourceAccount=123456789012, aws:SourceArn=arn:aws:states:us-east-1:123456789012:stateMachine:another-machine (trust) (another state machine of the account)")]
    [InlineData("notifications-topic-policy", "aws:SourceArn=arn:aws:cloudwatch:us-east-1:123456789012:alarm:failover-primary-eu-watch-decide-errors (the same alarm of a sibling stack whose name extends this one's (STACK-eu))")]
    [InlineData("readiness-function", "dynamodb:GetItem on arn:aws:dynamodb:us-east-1:123456789012:table/failover-primary-control with dynamodb:LeadingKeys=flag (the operators' flag: no check reads it)")]
    [InlineData("readiness-function", "dynamodb:PutItem on arn:aws:dynamodb:us-east-1:123456789012:table/failover-primary-control with dynamodb:LeadingKeys=state (read-only)")]
    [InlineData("readiness-function", "with cloudwatch:namespace=Failover/TrafficGate/failover-primary, aws:RequestedRegion=us-west-2 (the traffic gate's metric: a forged data point would move traffic)")]
    [InlineData("readiness-function", "(a role that is no workflow step's (operator-role))")]
    [InlineData("readiness-schedule", "lambda:InvokeFunction on arn:aws:lambda:us-east-1:123456789012:function:failover-primary-decide (another function of the stack (decide-function))")]
    [InlineData("control-table-policy", "dynamodb:PutItem by arn:aws:iam::123456789012:role/deployer on arn:aws:dynamodb:us-east-1:123456789012:table/failover-primary-control with aws:PrincipalArn=arn:aws:iam::123456789012:role/deployer, dynamodb:LeadingKeys=state (the deployer writes no lock)")]
    public void An_over_broad_grant_is_caught(string role, string row) =>
        oracle.OverBroad["over-broad"].Should().Contain(f => f.StartsWith($"{role}: ", StringComparison.Ordinal)
            && f.Contains(row, StringComparison.Ordinal) && f.EndsWith("expected denied, simulated Allowed", StringComparison.Ordinal));

    [Theory]
    [InlineData("ecs:RunTask on arn:aws:ecs:us-east-1:123456789012:task-definition/another-family:1 with ecs:cluster=arn:aws:ecs:us-east-1:123456789012:cluster/failover-primary (another task definition family, in the same cluster)")]
    [InlineData("ecs:RunTask on arn:aws:ecs:us-east-1:123456789012:task-definition/failover-primary:3 with ecs:cluster=arn:aws:ecs:us-east-1:123456789012:cluster/another-cluster (the same task definition in another cluster)")]
    [InlineData("ecs:RunTask on arn:aws:ecs:us-west-2:123456789012:task-definition/failover-primary:3 with ecs:cluster=arn:aws:ecs:us-west-2:123456789012:cluster/failover-primary (the same task definition in the other region)")]
    [InlineData("ecs:StopTask on arn:aws:ecs:us-east-1:123456789012:task/another-cluster/0123456789abcdef0123456789abcdef (a task of another cluster)")]
    [InlineData("events:PutRule on arn:aws:events:us-east-1:123456789012:rule/another-rule (another rule)")]
    [InlineData("with iam:PassedToService=lambda.amazonaws.com (the same role to another service)")]
    public void An_over_broad_recovery_task_grant_is_caught(string row) =>
        oracle.OverBroad["over-broad-recovery"].Should().Contain(f => f.StartsWith("workflow: ", StringComparison.Ordinal)
            && f.Contains(row, StringComparison.Ordinal) && f.EndsWith("expected denied, simulated Allowed", StringComparison.Ordinal));

    [Fact]
    public void The_roles_left_as_compiled_have_no_findings_in_the_over_broad_program_so_the_matrix_is_not_just_refusing()
    {
        var findings = oracle.OverBroad["over-broad"];
        findings.Should().NotContain(f => f.StartsWith("check-service-function: ", StringComparison.Ordinal) || f.StartsWith("task-execution: ", StringComparison.Ordinal));
        findings.Should().NotContain(f => f.Contains("expected allowed", StringComparison.Ordinal) || f.Contains("cannot", StringComparison.Ordinal),
            "widening a grant loses no allowed row");
    }
}

/// The compiled primary with grants an auditor must refuse, each where the matrix has a row that catches it.
internal static class OverBroadPolicies
{
    public static string Widen(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var resources = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["resources"];

        // ecs:UpdateService on "*" instead of the one service.
        Statement(resources, "scale-service-function-policy", "ScaleService").Children[Key("Resource")] = Quoted("*");
        // Every function of every account and region instead of the workflow's own.
        Statement(resources, "workflow-policy", "InvokeWorkflowFunctions").Children[Key("Resource")] = Quoted("arn:aws:lambda:*:*:function:*");
        // The secondary's scalable targets without the conditions that hold the pattern to ECS desired counts.
        Statement(resources, "scale-standby-function-policy", "SetSecondaryScalingFloor").Children.Remove(Key("Condition"));
        // The control table's replica in any region, in strong mode.
        Statement(resources, "decide-function-policy", "ReadFlagAndLock").Children[Key("Resource")] =
            Quoted("arn:${partition}:dynamodb:*:${account-id}:table/${control-table.name}");
        // Any log group, and creating log groups.
        var logs = Statement(resources, "decide-function-policy", "WriteOwnLogs");
        logs.Children[Key("Resource")] = Quoted("arn:${partition}:logs:us-east-1:${account-id}:*");
        ((YamlSequenceNode)logs.Children[Key("Action")]).Add(Quoted("logs:CreateLogGroup"));
        // Any metric anywhere instead of the gate's own namespace in its switch region.
        Statement(resources, "shift-traffic-function-policy", "OpenPrimaryTrafficGate").Children.Remove(Key("Condition"));
        // Writes beyond the one conditional update.
        Statement(resources, "release-lock-function-policy", "ReleaseLock").Children[Key("Action")] =
            new YamlSequenceNode(Quoted("dynamodb:UpdateItem"), Quoted("dynamodb:PutItem"), Quoted("dynamodb:DeleteItem"));
        // A workflow trust without its state machine: any state machine of the account could run as the role.
        var trust = Document(resources, "workflow-role", "assumeRolePolicy");
        ((YamlMappingNode)((YamlMappingNode)((YamlSequenceNode)trust["Statement"]).Children[0])["Condition"]).Children.Remove(Key("ArnLike"));
        // The stack's alarms by prefix instead of by name, in the Allow and in the Deny's exemption: a sibling stack's pass both.
        var stackAlarms = Quoted("arn:${partition}:cloudwatch:us-east-1:${account-id}:alarm:failover-primary-*");
        var allow = (YamlMappingNode)Statement(resources, "notifications-topic-policy", "StackAlarmsPublish")["Condition"];
        allow.Children.Remove(Key("ArnEquals"));
        allow.Children[Key("ArnLike")] = new YamlMappingNode(Key("aws:SourceArn"), stackAlarms);
        var deny = (YamlMappingNode)((YamlMappingNode)Statement(resources, "notifications-topic-policy", "OnlyTheseSourcesPublish")["Condition"])["ArnNotLike"];
        ((YamlSequenceNode)deny["aws:SourceArn"]).Children.Insert(0, stackAlarms);

        // The readiness function reading any item, publishing anywhere and simulating any role; its schedule invoking any function.
        Statement(resources, "readiness-function-policy", "ReadPlansLockAndRuns").Children.Remove(Key("Condition"));
        Statement(resources, "readiness-function-policy", "ReadPlansLockAndRuns").Children[Key("Action")] =
            new YamlSequenceNode(Quoted("dynamodb:GetItem"), Quoted("dynamodb:PutItem"));
        Statement(resources, "readiness-function-policy", "PublishReadiness").Children.Remove(Key("Condition"));
        Statement(resources, "readiness-function-policy", "SimulateTheWorkflowRoles").Children[Key("Resource")] = Quoted("*");
        Statement(resources, "readiness-schedule-policy", "InvokeReadinessChecks").Children[Key("Resource")] = Quoted("arn:aws:lambda:*:*:function:*");
        // The deployer admitted to write its plan without the statement that holds it to it.
        var tableStatements = (YamlSequenceNode)Document(resources, "control-table-policy", "policy")["Statement"];
        tableStatements.Children.Remove(Statement(resources, "control-table-policy", "TheDeployerWritesItsReadinessPlanOnly"));

        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// A primary with recovery tasks whose workflow may run any task definition anywhere, watch any task, touch any rule and
    /// pass its roles to any service.
    public static string WidenRecovery(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var resources = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["resources"];

        var run = Statement(resources, "workflow-policy", "RunRecoveryTasks");
        run.Children[Key("Resource")] = Quoted("arn:aws:ecs:*:*:task-definition/*");
        run.Children.Remove(Key("Condition"));
        Statement(resources, "workflow-policy", "WatchRecoveryTasks").Children[Key("Resource")] = Quoted("arn:aws:ecs:*:*:task/*");
        Statement(resources, "workflow-policy", "LearnWhenRecoveryTasksStop").Children[Key("Resource")] = Quoted("arn:aws:events:*:*:rule/*");
        Statement(resources, "workflow-policy", "PassRecoveryTaskRoles").Children.Remove(Key("Condition"));

        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlMappingNode Document(YamlMappingNode resources, string resource, string property) =>
        (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)resources[resource])["properties"])[property])["fn::toJSON"];

    private static YamlMappingNode Statement(YamlMappingNode resources, string policy, string sid) =>
        ((YamlSequenceNode)Document(resources, policy, "policy")["Statement"]).Children.Cast<YamlMappingNode>()
            .Single(s => ((YamlScalarNode)s["Sid"]).Value == sid);

    private static YamlScalarNode Key(string name) => new(name);

    private static YamlScalarNode Quoted(string text) => new(text) { Style = ScalarStyle.DoubleQuoted };
}
