using Failover.Contract;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Triggers;

/// What starts the secondary's workflow.
public sealed record WorkflowTriggersProps
{
    public required Naming Naming { get; init; }
    public required AwsAccount Account { get; init; }
    /// The secondary's failover workflow.
    public required Value StateMachineArn { get; init; }
    /// The primary's trigger alarms (its health alarms and the Route 53 status alarms), from its stack outputs.
    public required Value TriggerAlarmArns { get; init; }
    /// A Scheduler rate expression, or null: no probe.
    public required string? ProbeRate { get; init; }
}

/// The secondary's triggers: a rule on its default bus that starts a failover for every forwarded alarm of the primary
/// entering ALARM, and a scheduled probe. Each start runs decide, which acts only on evidence; duplicates during one
/// incident find the lock taken and end in NO_ACTION.
public sealed record WorkflowTriggers
{
    public required EventRule AlarmRule { get; init; }
    public Resource? Probe { get; init; }
    public DeadLetterQueue? ProbeDeadLetters { get; init; }
    public IamRole? ProbeRole { get; init; }
    public Resource? ScheduleGroup { get; init; }
    /// What the probe starts the workflow with.
    public string? ProbeInput { get; init; }

    /// The input a forwarded alarm starts the workflow with: the request decide reads (unattended: evidence only), with the
    /// alarm's name and state, time included, as its trigger evidence. Only names of this project's alarms and the region go inside quotes (EventBridge does not
    /// escape there); the state, reason included, goes in as a JSON object, which EventBridge writes as JSON.
    public static readonly InputTransformer AlarmInput = new(
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["alarmName"] = "$.detail.alarmName",
            ["region"] = "$.region",
            ["state"] = "$.detail.state",
        },
        $$$"""{"action": "{{{Wire.Of(FailoverAction.Failover)}}}", "source": "alarm <alarmName> in <region>", "{{{TriggerContract.Unattended}}}": true, "alarm": {"alarmName": "<alarmName>", "state": <state>}}""");

    public static WorkflowTriggers Create(PulumiProgram program, WorkflowTriggersProps props)
    {
        var naming = props.Naming;
        var account = props.Account;
        var start = (PolicyDocument p) => p.Allow("StartFailoverWorkflow", Actions.States.StartExecution, props.StateMachineArn);

        var alarmRule = EventRule.Create(program, new EventRuleProps
        {
            Naming = naming,
            Account = account,
            Key = "start-on-alarm",
            Description = "Starts the failover workflow when one of the primary's trigger alarms enters ALARM",
            Pattern = AlarmForwarding.AlarmPattern(props.TriggerAlarmArns),
            Region = account.Region,
            TargetArn = props.StateMachineArn,
            TargetGrants = p => start(p),
            RoleDescription = "Lets the alarm rule start the failover workflow, and nothing else",
            Input = AlarmInput,
            Retry = RetryPolicy.Trigger,
        });
        if (props.ProbeRate is null) return new WorkflowTriggers { AlarmRule = alarmRule };

        // A group of the stack's own: Scheduler's trust condition names a group, not a schedule, and the default group is shared.
        var group = program.Add(new Resource
        {
            Name = "schedule-group",
            Type = "aws:scheduler/scheduleGroup:ScheduleGroup",
            Properties = Map.Of(("name", naming.Prefix), ("tags", naming.TagsNamed("schedules"))),
        });
        var deadLetters = DeadLetterQueue.Create(program, naming, "probe", account.Region, provider: null, allowedRule: null);
        var role = new IamRole("probe-schedule", "probe", "Lets the probe schedule start the failover workflow and keep what it could not deliver",
            TrustPolicy.ForService("scheduler.amazonaws.com", account.AccountId,
                Value.Format($"arn:{account.Partition}:scheduler:{account.Region}:{account.AccountId}:schedule-group/{naming.Prefix}")));
        role.Grant(p => start(p)
            // Scheduler sends undeliverable starts to the dead-letter queue with the schedule's own role.
            .Allow("SendUndeliveredStarts", Actions.Sqs.SendMessage, deadLetters.Arn));
        role.Declare(program, naming);

        var input = $$"""{"action": "{{Wire.Of(FailoverAction.Failover)}}", "source": "probe {{naming.Named("probe")}}", "reason": "scheduled look at the primary's health", "{{TriggerContract.Unattended}}": true}""";
        var probe = program.Add(new Resource
        {
            Name = "probe-schedule",
            Type = "aws:scheduler/schedule:Schedule",
            Properties = Map.Of(
                ("name", naming.Named("probe")),
                ("groupName", group.Out("name")),
                ("description", "Starts the failover workflow on a schedule; decide acts only if the primary is unhealthy"),
                ("scheduleExpression", props.ProbeRate),
                ("flexibleTimeWindow", Map.Of(("mode", "OFF"))),
                ("state", "ENABLED"),
                ("target", Map.Of(
                    ("arn", props.StateMachineArn),
                    ("roleArn", role.Resource.Out("arn")),
                    ("input", input),
                    ("retryPolicy", RetryPolicy.Trigger.ToValue()),
                    ("deadLetterConfig", Map.Of(("arn", deadLetters.Arn)))))),
            Options = new ResourceOptions { DependsOn = [role.PolicyResource] },
        });
        return new WorkflowTriggers
        {
            AlarmRule = alarmRule, Probe = probe, ProbeDeadLetters = deadLetters, ProbeRole = role, ScheduleGroup = group, ProbeInput = input,
        };
    }
}
