using Failover.Infra.Config;

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
}
