using Failover.Infra.Config;

namespace Failover.Infra.Tests.Config;

/// The control table's consistency follows DynamoDB's region sets; the peer stack and the readiness bounds are validated by key.
public sealed class ControlConfigTests
{
    [Fact]
    public void Regions_in_one_strong_consistency_set_default_to_a_strong_table_with_the_sets_third_region_as_witness()
    {
        var control = TestStacks.Config("primary").Control;

        control.Consistency.Should().Be(TableConsistency.Strong);
        control.WitnessRegion.Should().Be("us-east-2");
    }

    [Fact]
    public void Regions_in_no_common_set_default_to_an_eventual_table_without_a_witness()
    {
        var control = TestStacks.Config("primary", ("aws:region", "us-east-1"), ("peerRegion", "eu-west-1")).Control;

        control.Consistency.Should().Be(TableConsistency.Eventual);
        control.WitnessRegion.Should().BeNull();
    }

    [Fact]
    public void Strong_is_refused_for_regions_outside_one_set_naming_the_sets() =>
        TestStacks.Errors("primary", ("aws:region", "us-east-1"), ("peerRegion", "eu-west-1"), ("controlTableConsistency", "strong"))
            .Should().ContainSingle().Which.Should().StartWith("failover:controlTableConsistency strong needs both regions in one of DynamoDB's")
            .And.Contain("us-east-1 and eu-west-1 are not");

    [Theory]
    [InlineData("us-west-2", "must be a third region of the set")]
    [InlineData("eu-west-1", "must be a third region of the set")]
    public void A_witness_outside_the_set_or_on_a_replica_region_is_refused(string witness, string expected) =>
        TestStacks.Errors("primary", ("controlTableWitnessRegion", witness)).Should().ContainSingle()
            .Which.Should().StartWith($"failover:controlTableWitnessRegion {expected}");

    [Fact]
    public void A_witness_on_an_eventual_table_is_refused() =>
        TestStacks.Errors("primary", ("controlTableConsistency", "eventual"), ("controlTableWitnessRegion", "us-east-2")).Should().ContainSingle()
            .Which.Should().StartWith("failover:controlTableWitnessRegion is used only with controlTableConsistency strong");

    [Theory]
    [InlineData("primary", "secondary", "organization/failover/secondary", "failover-secondary")]
    [InlineData("secondary", "primary", "organization/failover/primary", "failover-primary")]
    public void The_peer_stack_defaults_to_the_other_role(string role, string peer, string reference, string prefix)
    {
        var control = TestStacks.Config(role).Control;

        control.PeerStack.Should().Be(peer);
        control.PeerStackReference.Should().Be(reference);
        control.PeerNamePrefix.Should().Be(prefix);
    }

    [Theory]
    [InlineData("acme/prod-west", "acme/failover/prod-west", "failover-prod-west")]
    [InlineData("acme/shop/prod-west", "acme/shop/prod-west", "shop-prod-west")]
    public void A_qualified_peer_stack_is_used_as_given(string peer, string reference, string prefix)
    {
        var control = TestStacks.Config("secondary", ("peerStack", peer)).Control;

        control.PeerStackReference.Should().Be(reference);
        control.PeerNamePrefix.Should().Be(prefix);
    }

    [Theory]
    [InlineData("a/b/c/d", "must be a stack name, org/stack or org/project/stack")]
    [InlineData("bad name", "must be a stack name, org/stack or org/project/stack")]
    [InlineData("primary", "names this stack itself")]
    public void A_bad_peer_stack_is_refused(string peer, string expected) =>
        TestStacks.Errors("primary", ("peerStack", peer)).Should().ContainSingle().Which.Should().StartWith($"failover:peerStack {expected}");

    [Fact]
    public void The_readiness_poll_must_be_shorter_than_its_timeout() =>
        TestStacks.Errors("secondary", ("readinessTimeoutSeconds", "60"), ("readinessPollSeconds", "60")).Should().ContainSingle()
            .Which.Should().StartWith("failover:readinessPollSeconds must be shorter than readinessTimeoutSeconds (60) (got 60)");

    [Fact]
    public void The_readiness_loop_makes_timeout_over_poll_plus_one_checks() =>
        TestStacks.Config("secondary", ("readinessTimeoutSeconds", "120"), ("readinessPollSeconds", "10")).Workflow.MaxReadinessChecks.Should().Be(13);
}
