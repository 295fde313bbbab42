using Failover.Contract;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Triggers;

/// How long and how often EventBridge (or Scheduler) keeps trying one delivery before it goes to the dead-letter queue.
public sealed record RetryPolicy(int MaximumEventAgeSeconds, int MaximumRetryAttempts)
{
    /// A start or a forward: ten minutes of retries. decide no longer counts an alarm state that old, and the probe looks again.
    public static readonly RetryPolicy Trigger = new(TriggerContract.MaxAlarmAgeSeconds, 20);

    /// A notification is worth delivering late: EventBridge's longest, 24 h and 185 attempts.
    public static readonly RetryPolicy Notification = new(86400, 185);

    public Map ToValue() => Map.Of(
        ("maximumEventAgeInSeconds", MaximumEventAgeSeconds),
        ("maximumRetryAttempts", MaximumRetryAttempts));
}

/// An EventBridge input transformer: JSONPaths into the event, and the template they fill.
public sealed record InputTransformer(IReadOnlyDictionary<string, string> Paths, string Template);

/// What one rule on a region's default bus needs.
public sealed record EventRuleProps
{
    public required Naming Naming { get; init; }
    public required AwsAccount Account { get; init; }
    /// `start-on-alarm`: the rule is `PREFIX-KEY`, its dead-letter queue `PREFIX-KEY-dlq`.
    public required string Key { get; init; }
    public required string Description { get; init; }
    public required Map Pattern { get; init; }
    /// The rule's region (its default bus); the stack's own unless a provider for another is given.
    public required string Region { get; init; }
    public Resource? Provider { get; init; }
    public required Value TargetArn { get; init; }
    /// What the target's role may do, for targets that need one (a bus, a state machine); null for a topic (its policy decides).
    public Action<PolicyDocument>? TargetGrants { get; init; }
    public string? RoleDescription { get; init; }
    public InputTransformer? Input { get; init; }
    public required RetryPolicy Retry { get; init; }
}

/// A rule on a default bus with one target, its retry policy and its encrypted dead-letter queue.
public sealed record EventRule
{
    public required Resource Rule { get; init; }
    public required Resource Target { get; init; }
    public required string Name { get; init; }
    public required string Region { get; init; }
    /// Known before deploy (fixed name): trust policies, topic and queue policies name it.
    public required Value Arn { get; init; }
    public required DeadLetterQueue DeadLetters { get; init; }
    public required Map Pattern { get; init; }
    public InputTransformer? Input { get; init; }
    public IamRole? Role { get; init; }

    public static Value ArnOf(AwsAccount account, string region, string name) =>
        Value.Format($"arn:{account.Partition}:events:{region}:{account.AccountId}:rule/{name}");

    public static EventRule Create(PulumiProgram program, EventRuleProps props)
    {
        var naming = props.Naming;
        var name = naming.Named(props.Key);
        var arn = ArnOf(props.Account, props.Region, name);
        var options = new ResourceOptions { Provider = props.Provider };

        var rule = program.Add(new Resource
        {
            Name = $"{props.Key}-rule",
            Type = "aws:cloudwatch/eventRule:EventRule",
            Properties = Map.Of(
                ("name", name),
                ("description", props.Description),
                ("eventPattern", new ToJson(props.Pattern)),
                ("state", "ENABLED"),
                ("tags", naming.TagsNamed(props.Key))),
            Options = options,
        });

        IamRole? role = null;
        if (props.TargetGrants is not null)
        {
            role = new IamRole($"{props.Key}-rule", props.Key, props.RoleDescription ?? props.Description,
                TrustPolicy.ForService("events.amazonaws.com", props.Account.AccountId, arn));
            role.Grant(props.TargetGrants);
            role.Declare(program, naming);
        }
        var deadLetters = DeadLetterQueue.Create(program, naming, props.Key, props.Region, props.Provider, arn);
        var target = program.Add(new Resource
        {
            Name = $"{props.Key}-target",
            Type = "aws:cloudwatch/eventTarget:EventTarget",
            Properties = Map.Of(
                ("rule", rule.Out("name")),
                ("targetId", props.Key),
                ("arn", props.TargetArn),
                ("roleArn", role?.Resource.Out("arn")),
                ("inputTransformer", props.Input is null ? null : Map.Of(
                    ("inputPaths", Map.Of(props.Input.Paths.Select(p => (p.Key, (Value?)p.Value)).ToArray())),
                    ("inputTemplate", props.Input.Template))),
                ("retryPolicy", props.Retry.ToValue()),
                ("deadLetterConfig", Map.Of(("arn", deadLetters.Arn)))),
            Options = options with { DependsOn = role is null ? [] : [role.PolicyResource] },
        });
        return new EventRule
        {
            Rule = rule, Target = target, Name = name, Region = props.Region, Arn = arn, DeadLetters = deadLetters,
            Pattern = props.Pattern, Input = props.Input, Role = role,
        };
    }
}
