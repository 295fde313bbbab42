using Failover.Infra.Config;
using Failover.Infra.Health;

namespace Failover.Infra.Tests.Config;

/// What differs between the two stacks is decided in RoleProfile and nowhere else.
public sealed class RoleProfileTests
{
    [Fact]
    public void The_primary_serves_at_its_active_size_and_scales_from_the_autoscaling_minimum() =>
        RoleProfile.For(TestStacks.Config("primary", ("activeCount", "3"), ("autoscalingMin", "2"), ("standbyCount", "0"))).Should().BeEquivalentTo(new
        {
            Role = Role.Primary, RecordType = "PRIMARY", DesiredCount = 3, ScalingFloor = 2, IdleStandby = false,
        });

    [Fact]
    public void A_warm_secondary_waits_at_its_standby_size() =>
        RoleProfile.For(TestStacks.Config("secondary", ("standbyCount", "1"))).Should().BeEquivalentTo(new
        {
            Role = Role.Secondary, RecordType = "SECONDARY", DesiredCount = 1, ScalingFloor = 1, IdleStandby = false,
        });

    [Fact]
    public void A_pilot_light_secondary_is_idle_by_design() =>
        RoleProfile.For(TestStacks.Config("secondary", ("standbyCount", "0"))).Should().BeEquivalentTo(new
        {
            DesiredCount = 0, ScalingFloor = 0, IdleStandby = true,
        });

    [Fact]
    public void The_primary_fails_back_opening_its_gate_then_scales_the_secondary_back_and_owns_what_the_secondary_reads() =>
        RoleProfile.For(TestStacks.Config("primary")).Should().BeEquivalentTo(new
        {
            WorkflowActions = new[] { FailoverAction.Failback },
            PrimaryGateMove = GateMove.Open,
            ScalesPeerToStandby = true,
            MovesSecondaryGate = true,
            ForwardsAlarms = true,
            StartsOnTriggers = false,
            ReadsPrimaryOutputs = false,
            ReadsPrimaryServiceSize = false,
        }, o => o.WithStrictOrdering());

    [Fact]
    public void The_secondary_fails_over_and_drills_closing_the_primarys_gate_on_the_triggers_and_reads_the_primary() =>
        RoleProfile.For(TestStacks.Config("secondary")).Should().BeEquivalentTo(new
        {
            WorkflowActions = new[] { FailoverAction.Failover, FailoverAction.Drill },
            PrimaryGateMove = GateMove.Close,
            ScalesPeerToStandby = false,
            MovesSecondaryGate = false,
            ForwardsAlarms = false,
            StartsOnTriggers = true,
            ReadsPrimaryOutputs = true,
            ReadsPrimaryServiceSize = true,
        }, o => o.WithStrictOrdering());

    [Fact]
    public void Both_stacks_agree_which_region_is_the_primary_and_each_names_the_other_as_its_peer()
    {
        var primary = RoleProfile.For(TestStacks.Config("primary"));
        var secondary = RoleProfile.For(TestStacks.Config("secondary"));

        (primary.PrimaryRegion, primary.SecondaryRegion).Should().Be(("us-east-1", "us-west-2"));
        (secondary.PrimaryRegion, secondary.SecondaryRegion).Should().Be(("us-east-1", "us-west-2"));
        (primary.Peer.Role, primary.Peer.Region, secondary.Peer.Role, secondary.Peer.Region)
            .Should().Be((Role.Secondary, "us-west-2", Role.Primary, "us-east-1"));
    }
}
