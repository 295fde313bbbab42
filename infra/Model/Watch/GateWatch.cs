using Failover.Infra.Control;
using Failover.Infra.Iam;
using Failover.Infra.Triggers;
using Failover.Infra.Yaml;

namespace Failover.Infra.Watch;

/// Every move of the metric traffic gate whose switch lives in this stack's region (the other stack's gate), told to this
/// stack's topic in a sentence. Anyone allowed cloudwatch:PutMetricData there could move it; the workflow's own moves come with
/// its INITIATED and SUCCEEDED notices, so a move without them stands out.
public static class GateWatch
{
    /// The gate alarm's two positions: ALARM while the gate is closed, OK while it is open.
    public static readonly IReadOnlyList<string> Positions = ["ALARM", "OK"];

    /// Only the alarm's name (this project's), its state and AWS's region and time go inside the sentence (EventBridge does not
    /// escape there).
    public static readonly InputTransformer Sentence = new(
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["alarmName"] = "$.detail.alarmName",
            ["state"] = "$.detail.state.value",
            ["time"] = "$.time",
            ["region"] = "$.region",
        },
        "\"Traffic gate <alarmName> in <region> is <state> since <time> (ALARM: closed, its region's failover record gets no traffic; OK: open). " +
        "The failover workflow announces every move it makes with INITIATED and SUCCEEDED notices; a move without them was made by someone " +
        "else publishing to the gate's metric (cloudwatch:PutMetricData in <region>): check who may, and put the gate back (docs/design.md §4: traffic gates).\"");

    /// `watched`: the prefix of the stack whose gate alarm lives in this region.
    public static EventRule Create(PulumiProgram program, Naming naming, AwsAccount account, string watched, Notifications topic)
    {
        var alarm = Value.Format($"arn:{account.Partition}:cloudwatch:{account.Region}:{account.AccountId}:alarm:{watched}-traffic-gate");
        var rule = EventRule.Create(program, new EventRuleProps
        {
            Naming = naming,
            Account = account,
            Key = "gate-moved",
            Description = $"Tells the topic when the traffic gate of {watched}, switched in this region, closes or opens",
            Pattern = Map.Of(
                ("source", Value.List("aws.cloudwatch")),
                ("detail-type", Value.List("CloudWatch Alarm State Change")),
                ("resources", Value.List(alarm)),
                ("detail", Map.Of(("state", Map.Of(("value", Value.Strings(Positions))))))),
            Region = account.Region,
            TargetArn = topic.Arn,
            Input = Sentence,
            Retry = RetryPolicy.Notification,
        });
        topic.AllowRule(rule.Arn);
        return rule;
    }
}
