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
    /// A Scheduler cron expression (UTC), or null: no scheduled drill.
    public string? DrillSchedule { get; init; }
}

/// The secondary's triggers: a rule on its default bus that starts a failover for every forwarded alarm of the primary
/// entering ALARM, a scheduled probe, and (drillSchedule) a scheduled drill. Each start runs decide, which acts only on
/// evidence; duplicates during one incident find the lock taken and end in NO_ACTION.
public sealed record WorkflowTriggers
{
    public required EventRule AlarmRule { get; init; }
    public Resource? Probe { get; init; }
    public DeadLetterQueue? ProbeDeadLetters { get; init; }
    public IamRole? ProbeRole { get; init; }
    public Resource? ScheduleGroup { get; init; }
    /// What the probe starts the workflow with.
    public string? ProbeInput { get; init; }
    public Resource? Drill { get; init; }
    public DeadLetterQueue? DrillDeadLetters { get; init; }

    /// Every schedule's dead-letter queue.
    public IReadOnlyList<DeadLetterQueue> ScheduleDeadLetters => [.. new[] { ProbeDeadLetters, DrillDeadLetters }.OfType<DeadLetterQueue>()];

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
        if (props.ProbeRate is null && props.DrillSchedule is null) return new WorkflowTriggers { AlarmRule = alarmRule };

        // A group of the stack's own: Scheduler's trust condition names a group, not a schedule, and the default group is shared.
        var group = program.Add(new Resource
        {
            Name = "schedule-group",
            Type = "aws:scheduler/scheduleGroup:ScheduleGroup",
            Properties = Map.Of(("name", naming.Prefix), ("tags", naming.TagsNamed("schedules"))),
        });

        // Each schedule has a role of its own that may start the triggers' entry point and nothing else, and its own dead letters.
        (Resource Schedule, DeadLetterQueue DeadLetters, IamRole Role) Schedule(string key, string roleDescription, string description, string expression,
            string input)
        {
            var deadLetters = DeadLetterQueue.Create(program, naming, key, account.Region, provider: null, allowedRule: null);
            var role = new IamRole($"{key}-schedule", key, roleDescription,
                TrustPolicy.ForService("scheduler.amazonaws.com", account.AccountId,
                    Value.Format($"arn:{account.Partition}:scheduler:{account.Region}:{account.AccountId}:schedule-group/{naming.Prefix}")));
            role.Grant(p => start(p)
                // Scheduler sends undeliverable starts to the dead-letter queue with the schedule's own role.
                .Allow("SendUndeliveredStarts", Actions.Sqs.SendMessage, deadLetters.Arn));
            role.Declare(program, naming);
            var schedule = program.Add(new Resource
            {
                Name = $"{key}-schedule",
                Type = "aws:scheduler/schedule:Schedule",
                Properties = Map.Of(
                    ("name", naming.Named(key)),
                    ("groupName", group.Out("name")),
                    ("description", description),
                    ("scheduleExpression", expression),
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
            return (schedule, deadLetters, role);
        }

        var probeInput = $$"""{"action": "{{Wire.Of(FailoverAction.Failover)}}", "source": "probe {{naming.Named("probe")}}", "reason": "scheduled look at the primary's health", "{{TriggerContract.Unattended}}": true}""";
        var probe = props.ProbeRate is null ? default((Resource, DeadLetterQueue, IamRole)?)
            : Schedule("probe", "Lets the probe schedule start the failover workflow and keep what it could not deliver",
                "Starts the failover workflow on a schedule; decide acts only if the primary is unhealthy", props.ProbeRate, probeInput);
        // In UTC (no scheduleExpressionTimezone): the time in the config is the time in the logs and the notices.
        var drillInput = $$"""{"action": "{{Wire.Of(FailoverAction.Drill)}}", "source": "schedule {{naming.Named("drill")}}", "reason": "scheduled drill", "{{TriggerContract.Unattended}}": true}""";
        var drill = props.DrillSchedule is null ? default((Resource, DeadLetterQueue, IamRole)?)
            : Schedule("drill", "Lets the drill schedule start the failover workflow's drill and keep what it could not deliver",
                "Starts a drill on a schedule; decide refuses it while traffic is failed over, the lock is held or the primary is not healthy",
                props.DrillSchedule, drillInput);
        return new WorkflowTriggers
        {
            AlarmRule = alarmRule, ScheduleGroup = group,
            Probe = probe?.Item1, ProbeDeadLetters = probe?.Item2, ProbeRole = probe?.Item3, ProbeInput = probe is null ? null : probeInput,
            Drill = drill?.Item1, DrillDeadLetters = drill?.Item2,
        };
    }
}
