using Failover.Infra.Tests.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Watch;

/// A topic that cannot deliver is announced by the other stack's topic: each stack forwards its own failed-deliveries alarm
/// to the other region's bus and turns the other's into a sentence on its own topic.
public sealed class PeerNoticeTests
{
    private static IReadOnlyList<string> PatternResources(Resource rule) =>
        ((Seq)((Map)((ToJson)rule.Prop("eventPattern")!).Body).Entries["resources"]).Items.Select(RoleGrants.Text).ToList();

    [Theory]
    [InlineData("primary", "failover-primary", "us-east-1", "failover-secondary", "us-west-2")]
    [InlineData("secondary", "failover-secondary", "us-west-2", "failover-primary", "us-east-1")]
    public void Each_stack_forwards_its_topics_failure_and_announces_the_others(string role, string prefix, string region, string peerPrefix, string peerRegion)
    {
        var program = TestStacks.Program(role);

        program.Resource("watch-notifications-failed").Text("name").Should().Be($"{prefix}-watch-notifications-failed");
        PatternResources(program.Resource("notices-to-peer-rule"))
            .Should().Equal($"arn:${{partition}}:cloudwatch:{region}:${{account-id}}:alarm:{prefix}-watch-notifications-failed");
        RoleGrants.Text(program.Resource("notices-to-peer-target").Prop("arn")!)
            .Should().Be($"arn:${{partition}}:events:{peerRegion}:${{account-id}}:event-bus/default");

        PatternResources(program.Resource("notices-from-peer-rule"))
            .Should().Equal($"arn:${{partition}}:cloudwatch:{peerRegion}:${{account-id}}:alarm:{peerPrefix}-watch-notifications-failed");
        var announce = program.Resource("notices-from-peer-target");
        announce.Prop("arn").Should().Be(new Ref("notifications-topic", "arn"));
        announce.Text("inputTransformer.inputTemplate").Should().StartWith("\"The failover topic in <region> cannot deliver notifications");
    }
}
