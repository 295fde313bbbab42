using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Iam;

/// The resource policies the triggers and notifications add: who may publish to the topic, who may use its key, who may
/// send to a dead-letter queue. Each statement is read as `Sid: principal action | resource | conditions`.
public sealed class ResourcePolicyTests
{
    private static IReadOnlyList<string> Rows(Value? document) =>
        ((Seq)((Map)((ToJson)document!).Body).Entries["Statement"]).Items.Cast<Map>().Select(s =>
        {
            var principal = (Map)s.Entries["Principal"];
            var who = string.Join(",", principal.Entries.Select(p => $"{p.Key}={RoleGrants.Text(p.Value)}"));
            var conditions = string.Join("; ", RoleGrants.Conditions(s));
            return $"{RoleGrants.Text(s.Entries["Sid"])}: {who} {string.Join(",", RoleGrants.Actions(s))} | {RoleGrants.Text(s.Entries["Resource"])}" +
                (conditions.Length > 0 ? $" | {conditions}" : "");
        }).ToList();

    /// The ARNs of the alarms whose actions name the stack's own topic, in the program's order.
    private static string AlarmsNotifying(PulumiProgram program, string region) => string.Join(",", program.Resources
        .Where(a => a.Type is "aws:cloudwatch/metricAlarm:MetricAlarm" or "aws:cloudwatch/compositeAlarm:CompositeAlarm")
        .Where(a => a.Prop("alarmActions") is Seq actions && actions.Items.Contains(new Ref("notifications-topic", "arn")))
        .Select(a => $"arn:${{partition}}:cloudwatch:{region}:${{account-id}}:alarm:{a.Text(a.Prop("name") is null ? "alarmName" : "name")}"));

    [Theory]
    [InlineData("primary", "us-east-1")]
    [InlineData("secondary", "us-west-2")]
    public void The_topic_lets_the_alarms_that_notify_it_and_its_rules_publish_and_no_one_else(string role, string region)
    {
        var program = TestStacks.Program(role);
        var prefix = $"failover-{role}";
        var alarms = AlarmsNotifying(program, region);

        alarms.Should().Contain($"alarm:{prefix}-watch-decide-errors,").And.Contain($"alarm:{prefix}-watch-notifications-failed")
            .And.EndWith($"alarm:{prefix}-watch-readiness", "the readiness alarm is a composite alarm that notifies").And.NotContain("readiness-silent");
        Rows(program.Resource("notifications-topic-policy").Prop("policy")).Should().Equal(
            // Each alarm by its exact ARN: `PREFIX-*` would admit a sibling stack's too (see the next test).
            $"StackAlarmsPublish: Service=cloudwatch.amazonaws.com sns:Publish | ${{notifications-topic.arn}} | " +
            $"ArnEquals aws:SourceArn={alarms}; StringEquals aws:SourceAccount=${{account-id}}",
            $"NamedRulesPublish: Service=events.amazonaws.com sns:Publish | ${{notifications-topic.arn}} | " +
            $"ArnEquals aws:SourceArn=arn:${{partition}}:events:{region}:${{account-id}}:rule/{prefix}-run-ended," +
            $"arn:${{partition}}:events:{region}:${{account-id}}:rule/{prefix}-notices-from-peer," +
            $"arn:${{partition}}:events:{region}:${{account-id}}:rule/{prefix}-gate-moved," +
            string.Join(",", (role == "primary" ? new[] { "changes", "global-changes" } : ["changes"])
                .Select(k => $"arn:${{partition}}:events:{region}:${{account-id}}:rule/{prefix}-{k}")),
            // Everyone else is refused: the workflow role passes by its ARN, the services by their source.
            $"OnlyTheseSourcesPublish: AWS=* sns:Publish | ${{notifications-topic.arn}} | " +
            $"ArnNotLike aws:PrincipalArn=${{workflow-role.arn}}; ArnNotLike aws:SourceArn={alarms}," +
            string.Join(",", (role == "primary" ? new[] { "run-ended", "notices-from-peer", "gate-moved", "changes", "global-changes" } : ["run-ended", "notices-from-peer", "gate-moved", "changes"])
                .Select(k => $"arn:${{partition}}:events:{region}:${{account-id}}:rule/{prefix}-{k}")));
        program.Resource("notifications-topic-policy").Prop("arn").Should().Be(new Ref("notifications-topic", "arn"));
    }

    /// The prefix is `PROJECT-STACK`: a stack `primary-eu` of the same project names its alarms `failover-primary-eu-…`, which
    /// `failover-primary-*` matches. The IAM simulation oracle evaluates the same policy against that sibling's alarm
    /// (IamSimulatorTests); here, the shape that makes it impossible: no pattern among the sources.
    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    public void A_sibling_stack_whose_name_extends_this_ones_cannot_publish_to_its_topic(string role)
    {
        var program = TestStacks.Program(role);
        var conditions = ((Seq)((Map)((ToJson)program.Resource("notifications-topic-policy").Prop("policy")!).Body).Entries["Statement"]).Items
            .Cast<Map>().SelectMany(RoleGrants.Conditions).Where(c => c.Contains("aws:SourceArn", StringComparison.Ordinal)).ToList();

        conditions.Should().HaveCount(3).And.OnlyContain(c => !c.Contains('*'), "a pattern admits every name it extends to");
    }

    [Fact]
    public void The_topic_is_encrypted_with_a_rotated_key_of_its_own_that_alarms_and_rules_may_use()
    {
        var program = TestStacks.Program("primary");

        program.Resource("notifications-topic").Prop("kmsMasterKeyId").Should().Be(new Ref("notifications-key", "arn"));
        var key = program.Resource("notifications-key");
        key.Prop("enableKeyRotation").Should().Be(new Bool(true));
        var rows = Rows(key.Prop("policy"));
        rows.Should().HaveCount(3);
        rows[0].Should().StartWith("AccountAdministersKey: AWS=arn:${partition}:iam::${account-id}:root kms:DescribeKey,").And.EndWith("| *");
        rows[0].Should().NotContain("kms:*");
        rows.Skip(1).Should().Equal(
            // Held to this stack's topic by the encryption context SNS sends with each data key it asks for.
            "AlarmsEncryptNotifications: Service=cloudwatch.amazonaws.com kms:GenerateDataKey,kms:Decrypt | * | " +
            "StringEquals kms:EncryptionContext:aws:sns:topicArn=arn:${partition}:sns:us-east-1:${account-id}:failover-primary-events",
            "RulesEncryptNotifications: Service=events.amazonaws.com kms:GenerateDataKey,kms:Decrypt | * | " +
            "StringEquals kms:EncryptionContext:aws:sns:topicArn=arn:${partition}:sns:us-east-1:${account-id}:failover-primary-events");
    }

    [Fact]
    public void Every_email_address_is_subscribed_to_the_topic()
    {
        var program = TestStacks.Program("primary", ("notificationEmails", "a@example.com,b@example.com"));

        program.OfType("aws:sns/topicSubscription:TopicSubscription").Select(s => (s.Text("protocol"), s.Text("endpoint"), s.Prop("topic")))
            .Should().Equal(("email", "a@example.com", new Ref("notifications-topic", "arn")), ("email", "b@example.com", new Ref("notifications-topic", "arn")));
    }
}
