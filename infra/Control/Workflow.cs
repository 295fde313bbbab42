using Failover.Infra.Config;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// What the workflow needs: its functions (known ARNs), the topic, the readiness bounds.
public sealed record WorkflowProps
{
    public required Naming Naming { get; init; }
    public required AwsAccount Account { get; init; }
    public required Role Role { get; init; }
    public required WorkflowSettings Settings { get; init; }
    public required WorkflowTargets Targets { get; init; }
    /// The application's recovery tasks, run in this region when the workflow promotes it (none: no ECS permission at all).
    public required RecoveryTasks Recovery { get; init; }
    public required IReadOnlyList<LambdaFunction> Functions { get; init; }
    public required Notifications Notifications { get; init; }
    public required int LogRetentionDays { get; init; }
}

/// The Standard state machine that promotes this stack's region, with its role, its execution log group and tracing.
public sealed record Workflow
{
    public required Resource StateMachine { get; init; }
    public required Value Arn { get; init; }
    public required IamRole Role { get; init; }
    public required Resource LogGroup { get; init; }

    public static Workflow Create(PulumiProgram program, WorkflowProps props)
    {
        var naming = props.Naming;
        var account = props.Account;
        // A fixed name: the role's trust names the state machine before it exists.
        var name = naming.Named("failover");
        var arn = Value.Format($"arn:{account.Partition}:states:{account.Region}:{account.AccountId}:stateMachine:{name}");

        // Under /aws/vendedlogs/: CloudWatch Logs then needs no resource policy per group for Step Functions' delivery.
        var logGroup = program.Add(new Resource
        {
            Name = "workflow-log-group",
            Type = "aws:cloudwatch/logGroup:LogGroup",
            Properties = Map.Of(
                ("name", $"/aws/vendedlogs/states/{name}"),
                ("retentionInDays", props.LogRetentionDays),
                ("tags", naming.TagsNamed("workflow-logs"))),
        });

        var role = new IamRole("workflow", "workflow", "Runs the failover workflow: invokes its functions, publishes its notifications" +
            (props.Recovery.All.Count > 0 ? ", runs its recovery tasks" : ""),
            TrustPolicy.ForService("states.amazonaws.com", account.AccountId, arn));
        role.Grant(p => p
            // Each function and its versions/aliases (`:*`): the integration may name a qualifier.
            .Allow("InvokeWorkflowFunctions", Actions.Lambda.InvokeFunction,
                [.. props.Functions.SelectMany(f => new[] { f.Arn, Suffix(f.Arn, ":*") })])
            .AllowUnscoped("DeliverExecutionLogs", Actions.LogDelivery.ManageVendedLogs)
            .AllowUnscoped("WriteTraces", [.. Actions.XRay.WriteTraces, .. Actions.XRay.ReadSampling]));
        props.Notifications.GrantPublish(role);
        props.Recovery.GrantRun(role, account);
        var roleResource = role.Declare(program, naming);

        var definition = WorkflowDefinition.Build(props.Role, account.Region, props.Settings, props.Targets, props.Recovery);
        var machine = program.Add(new Resource
        {
            Name = "workflow",
            Type = "aws:sfn/stateMachine:StateMachine",
            Properties = Map.Of(
                ("name", name),
                ("type", "STANDARD"),
                ("roleArn", roleResource.Out("arn")),
                ("definition", new ToJson(definition)),
                // ERROR: failed states and their inputs, which is what an operator needs after a FAILED notice.
                ("loggingConfiguration", Map.Of(
                    ("logDestination", Value.Format($"{logGroup.Out("arn")}:*")),
                    ("includeExecutionData", true),
                    ("level", "ERROR"))),
                ("tracingConfiguration", Map.Of(("enabled", true))),
                ("tags", naming.TagsNamed("failover"))),
            Options = new ResourceOptions { DependsOn = [logGroup, role.PolicyResource, .. props.Functions.Select(f => f.Function)] },
        });
        return new Workflow { StateMachine = machine, Arn = machine.Out("arn"), Role = role, LogGroup = logGroup };
    }

    private static Value Suffix(Value value, string suffix) => value switch
    {
        Interpolation i => new Interpolation([.. i.Parts, new Str(suffix)]),
        Str s => new Str(s.Text + suffix),
        Ref r => new Interpolation([r, new Str(suffix)]),
        _ => throw new ArgumentException("An ARN is text, a reference or an interpolation.", nameof(value)),
    };
}
