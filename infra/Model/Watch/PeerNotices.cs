using Failover.Infra.Control;
using Failover.Infra.Iam;
using Failover.Infra.Triggers;
using Failover.Infra.Yaml;

namespace Failover.Infra.Watch;

/// A topic that cannot deliver cannot say so itself: each stack forwards its own topic's failed-deliveries alarm to the other
/// region's bus, and tells its own topic when the other stack's alarm arrives. So a failing topic is announced by the other's.
public sealed record PeerNotices
{
    /// The watcher alarm each stack raises when its topic cannot deliver (WatcherAlarms' key).
    public const string AlarmKey = "notifications-failed";

    public required EventRule ToPeer { get; init; }
    public required EventRule FromPeer { get; init; }

    /// The sentence the other stack's alarm becomes on this stack's topic; only names and AWS's own values inside quotes.
    public static readonly InputTransformer Sentence = new(
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["alarmName"] = "$.detail.alarmName",
            ["region"] = "$.region",
            ["time"] = "$.time",
        },
        "\"The failover topic in <region> cannot deliver notifications (alarm <alarmName> entered ALARM at <time>): people subscribed " +
        "there may not have heard of failover events. Check its subscriptions and its key. This notice comes through the other region's topic.\"");

    public static PeerNotices Create(PulumiProgram program, Naming naming, AwsAccount account, string peerRegion, string peerPrefix, Notifications topic)
    {
        Value Arn(string region, string prefix) =>
            Value.Format($"arn:{account.Partition}:cloudwatch:{region}:{account.AccountId}:alarm:{prefix}-watch-{AlarmKey}");
        var peerBus = Value.Format($"arn:{account.Partition}:events:{peerRegion}:{account.AccountId}:event-bus/default");

        var toPeer = EventRule.Create(program, new EventRuleProps
        {
            Naming = naming,
            Account = account,
            Key = "notices-to-peer",
            Description = $"Forwards this stack's failed-notifications alarm (state ALARM) to the other region's bus ({peerRegion})",
            Pattern = AlarmForwarding.AlarmPattern(Value.List(Arn(account.Region, naming.Prefix))),
            Region = account.Region,
            TargetArn = peerBus,
            TargetGrants = p => p.Allow("ForwardToPeerBus", Actions.Events.PutEvents, peerBus),
            RoleDescription = "Lets the notices rule put events on the other region's default bus only",
            Retry = RetryPolicy.Notification,
        });
        var fromPeer = EventRule.Create(program, new EventRuleProps
        {
            Naming = naming,
            Account = account,
            Key = "notices-from-peer",
            Description = $"Tells this stack's topic when the other stack's topic ({peerRegion}) cannot deliver",
            Pattern = AlarmForwarding.AlarmPattern(Value.List(Arn(peerRegion, peerPrefix))),
            Region = account.Region,
            TargetArn = topic.Arn,
            Input = Sentence,
            Retry = RetryPolicy.Notification,
        });
        topic.AllowRule(fromPeer.Arn);
        return new PeerNotices { ToPeer = toPeer, FromPeer = fromPeer };
    }
}
