using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// Where a topic lives and who reads it.
public sealed record NotificationsProps
{
    public required Naming Naming { get; init; }
    public required AwsAccount Account { get; init; }
    public required IReadOnlyList<string> Emails { get; init; }
    /// Another region than the stack's (a relay topic for alarms there); null for the stack's own topic.
    public Resource? Provider { get; init; }
    public string? Region { get; init; }
}

/// An SNS topic people subscribe to, encrypted with a key of its own: the workflow publishes INITIATED, BLOCKED, ALERT,
/// SUCCEEDED and FAILED to it, EventBridge what a run ended with, CloudWatch the watcher alarms.
public sealed class Notifications
{
    private readonly List<Value> _rules = [];
    private readonly List<Value> _alarms = [];
    private readonly List<IamRole> _publishers = [];
    private readonly AwsAccount _account;
    private Resource? _policy;

    public Resource Topic { get; }
    public Resource Key { get; }
    public Value Arn => Topic.Out("arn");
    public Value Name { get; }
    public string Region { get; }
    public Resource? Provider { get; }
    /// The logical-name stem of its resources (`notifications`, `notifications-us-east-1`).
    public string Stem { get; }

    private Notifications(Resource topic, Resource key, Value name, string region, Resource? provider, string stem, AwsAccount account)
    {
        Topic = topic; Key = key; Name = name; Region = region; Provider = provider; Stem = stem; _account = account;
    }

    /// sns:Publish on the topic, and the key's data keys SNS encrypts each message with on the publisher's behalf.
    /// The topic policy names the role as the one identity that may publish (every other is refused there).
    public void GrantPublish(IamRole role)
    {
        if (_policy is not null) throw new InvalidOperationException("The topic policy is declared: a publisher granted after that would be refused by it.");
        _publishers.Add(role);
        role.Grant(p => p
            .Allow("PublishNotifications", Actions.Sns.Publish, Arn)
            .Allow("EncryptNotifications", Actions.Kms.EncryptForTopic, Key.Out("arn")));
    }

    /// Let this one alarm publish. The topic policy names each alarm by ARN, not by the stack's prefix: the prefix is
    /// `PROJECT-STACK`, so `failover-primary-*` would admit every alarm of a stack named `primary-eu` as well.
    public void AllowAlarm(Value alarmArn)
    {
        if (_policy is not null) throw new InvalidOperationException("The topic policy is declared: an alarm allowed after that would be refused by it.");
        _alarms.Add(alarmArn);
    }

    /// Let this one EventBridge rule publish (the topic policy names it by ARN; no other rule may).
    public void AllowRule(Value ruleArn)
    {
        if (_policy is not null) throw new InvalidOperationException("The topic policy is declared: a rule allowed after that would not reach it.");
        _rules.Add(ruleArn);
    }

    public static Notifications Create(PulumiProgram program, NotificationsProps props)
    {
        var naming = props.Naming;
        var account = props.Account;
        var region = props.Region ?? account.Region;
        var stem = props.Provider is null ? "notifications" : $"notifications-{region}";
        var suffix = props.Provider is null ? "events" : $"events-{region}";
        var options = new ResourceOptions { Provider = props.Provider };

        // A key of the stack's own: CloudWatch alarms and EventBridge cannot publish to a topic under the AWS managed SNS key,
        // whose policy nobody can change. The services' statements are the ones the SNS guide documents ("Enable compatibility
        // between event sources from AWS services and encrypted topics"), each held to this one topic by the encryption context SNS
        // sends with every data key it asks for (`aws:sns:topicArn`, SNS guide "Encryption context"); the topic's name is fixed, so
        // its ARN is known before the topic exists. No aws:SourceAccount or aws:SourceArn here: SNS, not the alarm or the rule, calls
        // KMS, and no guide documents those keys on that call (an absent key fails the condition and would silence every alarm);
        // they sit on the topic policy, where the services do send them. See docs/account-guards.md.
        var name = naming.Named(suffix);
        var topicArn = Value.Format($"arn:{account.Partition}:sns:{region}:{account.AccountId}:{name}");
        var forThisTopic = Condition.StringEquals("kms:EncryptionContext:aws:sns:topicArn", topicArn);
        var keyPolicy = new PolicyDocument()
            .AllowPrincipal("AccountAdministersKey", Principal.Aws(Value.Format($"arn:{account.Partition}:iam::{account.AccountId}:root")),
                Actions.Kms.AdministerKey, "*")
            .AllowPrincipal("AlarmsEncryptNotifications", Principal.Service("cloudwatch.amazonaws.com"), Actions.Kms.EncryptForTopic, "*", forThisTopic)
            .AllowPrincipal("RulesEncryptNotifications", Principal.Service("events.amazonaws.com"), Actions.Kms.EncryptForTopic, "*", forThisTopic);
        var key = program.Add(new Resource
        {
            Name = $"{stem}-key",
            Type = "aws:kms/key:Key",
            Properties = Map.Of(
                ("description", $"Encrypts the failover notifications of {naming.Prefix} in {region}"),
                ("enableKeyRotation", true),
                ("deletionWindowInDays", 30),
                ("policy", keyPolicy.ToValue()),
                ("tags", naming.TagsNamed(suffix))),
            Options = options,
        });
        program.Add(new Resource
        {
            Name = $"{stem}-key-alias",
            Type = "aws:kms/alias:Alias",
            Properties = Map.Of(("name", $"alias/{naming.Named(suffix)}"), ("targetKeyId", key.Out("keyId"))),
            Options = options,
        });

        var topic = program.Add(new Resource
        {
            Name = $"{stem}-topic",
            Type = "aws:sns/topic:Topic",
            Properties = Map.Of(
                ("name", name),
                ("displayName", "Failover events"),
                ("kmsMasterKeyId", key.Out("arn")),
                ("tags", naming.TagsNamed(suffix))),
            Options = options,
        });
        for (var i = 0; i < props.Emails.Count; i++)
            program.Add(new Resource
            {
                // By position, not address: the logical name must stay a valid identifier whatever the address holds.
                Name = $"{stem}-email-{i + 1}",
                Type = "aws:sns/topicSubscription:TopicSubscription",
                Properties = Map.Of(("topic", topic.Out("arn")), ("protocol", "email"), ("endpoint", props.Emails[i])),
                Options = options,
            });
        return new Notifications(topic, key, name, region, props.Provider, stem, account);
    }

    /// The topic policy, once every alarm and rule that publishes is known: CloudWatch for the named alarms, EventBridge for the named rules.
    public void DeclarePolicy(PulumiProgram program)
    {
        if (_policy is not null) throw new InvalidOperationException("The topic policy is declared twice.");
        var policy = new PolicyDocument();
        if (_alarms.Count > 0)
            policy.AllowPrincipal("StackAlarmsPublish", Principal.Service("cloudwatch.amazonaws.com"), Actions.Sns.Publish, Arn,
                Condition.ArnEquals("aws:SourceArn", [.. _alarms]),
                Condition.StringEquals("aws:SourceAccount", _account.AccountId));
        if (_rules.Count > 0)
            policy.AllowPrincipal("NamedRulesPublish", Principal.Service("events.amazonaws.com"), Actions.Sns.Publish, Arn,
                Condition.ArnEquals("aws:SourceArn", [.. _rules]));
        // Everyone else is refused, even an identity of this account whose own policy allows sns:Publish on "*": a forged notice
        // (a SUCCEEDED that never happened) must not reach the people who act on them. Both conditions must hold for the Deny to
        // apply; a negated operator is true when its key is absent, so the workflow's role (no aws:SourceArn) passes by its
        // principal ARN, and the services (no aws:PrincipalArn) by their source ARN.
        var exempt = new List<Condition>();
        if (_publishers.Count > 0) exempt.Add(Condition.ArnNotLike("aws:PrincipalArn", [.. _publishers.Select(r => r.Resource.Out("arn"))]));
        exempt.Add(Condition.ArnNotLike("aws:SourceArn", [.. _alarms, .. _rules]));
        policy.DenyPrincipal("OnlyTheseSourcesPublish", Principal.Anyone, Actions.Sns.Publish, Arn, [.. exempt]);
        _policy = program.Add(new Resource
        {
            Name = $"{Stem}-topic-policy",
            Type = "aws:sns/topicPolicy:TopicPolicy",
            Properties = Map.Of(("arn", Arn), ("policy", policy.ToValue())),
            Options = new ResourceOptions { Provider = Provider },
        });
    }
}
