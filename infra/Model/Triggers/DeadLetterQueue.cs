using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Triggers;

/// An encrypted SQS queue that keeps, for 14 days, what a rule or schedule could not deliver after its retries: a lost
/// trigger or notification is then found (and alarmed on) instead of vanishing.
public sealed record DeadLetterQueue
{
    /// 14 days, SQS's longest: a failed trigger must outlive a long weekend.
    public const int RetentionSeconds = 1_209_600;

    public required Resource Queue { get; init; }
    /// Fixed (`PREFIX-KEY-dlq`): watcher alarms and dashboards name it before it exists.
    public required string Name { get; init; }
    public required string Region { get; init; }
    public Value Arn => Queue.Out("arn");

    /// `allowedRule`: the one EventBridge rule that may send to it (the queue policy names its ARN); null for a schedule, whose
    /// execution role sends instead.
    public static DeadLetterQueue Create(PulumiProgram program, Naming naming, string key, string region,
        Resource? provider, Value? allowedRule)
    {
        var name = naming.Named($"{key}-dlq");
        var options = new ResourceOptions { Provider = provider };
        var queue = program.Add(new Resource
        {
            Name = $"{key}-dlq",
            Type = "aws:sqs/queue:Queue",
            Properties = Map.Of(
                ("name", name),
                // SSE-SQS: encrypted at rest with a key SQS owns, which EventBridge and Scheduler can write to without a key policy.
                ("sqsManagedSseEnabled", true),
                ("messageRetentionSeconds", RetentionSeconds),
                ("tags", naming.TagsNamed($"{key}-dlq"))),
            Options = options,
        });
        if (allowedRule is not null)
        {
            var policy = new PolicyDocument().AllowPrincipal("NamedRuleSendsUndelivered", Principal.Service("events.amazonaws.com"),
                Actions.Sqs.SendMessage, queue.Out("arn"), Condition.ArnEquals("aws:SourceArn", allowedRule));
            program.Add(new Resource
            {
                Name = $"{key}-dlq-policy",
                Type = "aws:sqs/queuePolicy:QueuePolicy",
                Properties = Map.Of(("queueUrl", queue.Out("url")), ("policy", policy.ToValue())),
                Options = options,
            });
        }
        return new DeadLetterQueue { Queue = queue, Name = name, Region = region };
    }
}
