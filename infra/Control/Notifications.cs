using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// The stack's SNS topic: the workflow publishes INITIATED, BLOCKED, SUCCEEDED and FAILED to it.
public sealed record Notifications
{
    public required Resource Topic { get; init; }

    public Value Arn => Topic.Out("arn");

    public void GrantPublish(IamRole role) => role.Grant(p => p.Allow("PublishNotifications", Actions.Sns.Publish, Arn));

    public static Notifications Create(PulumiProgram program, Naming naming)
    {
        var topic = program.Add(new Resource
        {
            Name = "notifications-topic",
            Type = "aws:sns/topic:Topic",
            Properties = Map.Of(
                ("name", naming.Named("events")),
                ("displayName", "Failover events"),
                // Encrypted at rest with the AWS managed key for SNS: publishers in this account need no key permission.
                ("kmsMasterKeyId", "alias/aws/sns"),
                ("tags", naming.TagsNamed("events"))),
        });
        return new Notifications { Topic = topic };
    }
}
