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
    /// The application's recovery tasks, run in this region when the workflow promotes it (none: no ECS permission at all).
    public required RecoveryTasks Recovery { get; init; }
    public required WorkflowFunctions<LambdaFunction> Functions { get; init; }
    public required Notifications Notifications { get; init; }
    public required int LogRetentionDays { get; init; }
    /// The stack schedules drills (drillSchedule): the triggers' entry point runs drills too.
    public bool ScheduledDrills { get; init; }
}

/// The Standard state machines that promote this stack's region, with their role, their execution log group and tracing: one
/// entry point for operators and, where triggers start runs (the secondary), one for the triggers. Step Functions has no
/// resource policy, so two machines are what lets identity policies tell who may start which, and lets decide ask which ran.
public sealed record Workflow
{
    /// The operators' entry point (failoverctl starts it): a run may ask for force.
    public required Resource StateMachine { get; init; }
    public required Value Arn { get; init; }
    /// The triggers' entry point (the alarm rule, the probe, the drill schedule): a run never forces and is always unattended.
    /// Null in the primary.
    public Resource? TriggerStateMachine { get; init; }
    public Value? TriggerArn { get; init; }
    public required IamRole Role { get; init; }
    public required Resource LogGroup { get; init; }

    /// Both entry points' ARNs (the operators' first).
    public IReadOnlyList<Value> Arns => TriggerArn is null ? [Arn] : [Arn, TriggerArn];

    /// The same, formatted from the fixed names (for grants on their executions).
    public required IReadOnlyList<Value> NamedArns { get; init; }

    /// Fixed names: the role's trust, decide's environment and the other stack name the machines before they exist.
    public static string OperatorName(string prefix) => $"{prefix}-failover";

    public static string TriggerName(string prefix) => $"{prefix}-failover-trigger";

    /// The machines a stack of `role` has: its entry points' names, the operators' first.
    public static IReadOnlyList<string> Names(string prefix, Config.Role role) =>
        role == Config.Role.Primary ? [OperatorName(prefix)] : [OperatorName(prefix), TriggerName(prefix)];

    public static Value ArnOf(AwsAccount account, string region, string name) =>
        Value.Format($"arn:{account.Partition}:states:{region}:{account.AccountId}:stateMachine:{name}");

    /// Every execution of one state machine: arn:...:stateMachine:NAME becomes arn:...:execution:NAME:*.
    public static Value ExecutionsOf(Value machineArn) => machineArn switch
    {
        Interpolation i => new Interpolation([.. i.Parts.Select(p => p is Str s ? new Str(s.Text.Replace(":stateMachine:", ":execution:")) : p), new Str(":*")]),
        _ => throw new ArgumentException("A machine ARN is formatted from its fixed name.", nameof(machineArn)),
    };

    public static Workflow Create(PulumiProgram program, WorkflowProps props)
    {
        var naming = props.Naming;
        var account = props.Account;
        var name = OperatorName(naming.Prefix);
        var names = Names(naming.Prefix, props.Role);

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
            TrustPolicy.ForService("states.amazonaws.com", account.AccountId, [.. names.Select(n => ArnOf(account, account.Region, n))]));
        role.Grant(p => p
            // Each function and its versions/aliases (`:*`): the integration may name a qualifier.
            .Allow("InvokeWorkflowFunctions", Actions.Lambda.InvokeFunction,
                [.. props.Functions.All.SelectMany(f => new[] { f.Function.Arn, Suffix(f.Function.Arn, ":*") })])
            .AllowUnscoped("DeliverExecutionLogs", Actions.LogDelivery.ManageVendedLogs)
            .AllowUnscoped("WriteTraces", [.. Actions.XRay.WriteTraces, .. Actions.XRay.ReadSampling]));
        props.Notifications.GrantPublish(role);
        props.Recovery.GrantRun(role, account);
        var roleResource = role.Declare(program, naming);

        Resource Machine(string resourceName, string machineName, WorkflowEntry entry) => program.Add(new Resource
        {
            Name = resourceName,
            Type = "aws:sfn/stateMachine:StateMachine",
            Properties = Map.Of(
                ("name", machineName),
                ("type", "STANDARD"),
                ("roleArn", roleResource.Out("arn")),
                ("definition", new ToJson(WorkflowDefinition.Build(props.Role, account.Region, props.Settings, props.Functions.Select(f => f.Arn),
                    props.Notifications.Arn, props.Recovery, entry, props.ScheduledDrills))),
                // ERROR: which states failed, and why. Without their data: a run's state holds its lock token, which no log line may
                // (the execution history keeps the data, for those allowed to read it); the FAILED notice carries the error.
                ("loggingConfiguration", Map.Of(
                    ("logDestination", Value.Format($"{logGroup.Out("arn")}:*")),
                    ("includeExecutionData", false),
                    ("level", "ERROR"))),
                ("tracingConfiguration", Map.Of(("enabled", true))),
                ("tags", naming.TagsNamed(machineName[(naming.Prefix.Length + 1)..]))),
            Options = new ResourceOptions { DependsOn = [logGroup, role.PolicyResource, .. props.Functions.All.Select(f => f.Function.Function)] },
        });
        var machine = Machine("workflow", name, WorkflowEntry.Operator);
        var trigger = names.Count > 1 ? Machine("workflow-trigger", TriggerName(naming.Prefix), WorkflowEntry.Trigger) : null;
        return new Workflow
        {
            NamedArns = [.. names.Select(n => ArnOf(account, account.Region, n))],
            StateMachine = machine, Arn = machine.Out("arn"), TriggerStateMachine = trigger, TriggerArn = trigger?.Out("arn"), Role = role, LogGroup = logGroup,
        };
    }

    private static Value Suffix(Value value, string suffix) => value switch
    {
        Interpolation i => new Interpolation([.. i.Parts, new Str(suffix)]),
        Str s => new Str(s.Text + suffix),
        Ref r => new Interpolation([r, new Str(suffix)]),
        _ => throw new ArgumentException("An ARN is text, a reference or an interpolation.", nameof(value)),
    };
}
