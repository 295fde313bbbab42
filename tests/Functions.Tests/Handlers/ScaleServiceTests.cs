using Failover.Functions.Tests.Moto;

namespace Failover.Functions.Tests.Handlers;

[Collection("moto")]
public sealed class ScaleServiceTests(MotoServer moto)
{
    [Fact]
    public async Task Failover_sets_the_active_desired_count_and_raises_the_scaling_floor()
    {
        var world = await World.ArrangeAsync(moto, standby: 1);

        var response = await world.InvokeAsync("scale-service", """{"action":"failover"}""");

        response["desiredCount"]!.GetValue<int>().Should().Be(3);
        response["minCapacity"]!.GetValue<int>().Should().Be(2);
        response["previousDesiredCount"]!.GetValue<int>().Should().Be(1);
        response["changed"]!.GetValue<bool>().Should().BeTrue();
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(3);
        (await world.Ask("scalable-target"))!["min"]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public async Task Scaling_twice_is_idempotent()
    {
        var world = await World.ArrangeAsync(moto);
        await world.InvokeAsync("scale-service", """{"action":"failover"}""");

        var again = await world.InvokeAsync("scale-service", """{"action":"failover"}""");

        again["changed"]!.GetValue<bool>().Should().BeFalse();
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(3);
    }

    [Fact]
    public async Task Failback_restores_the_standby_count_and_floor()
    {
        var world = await World.ArrangeAsync(moto);
        await world.InvokeAsync("scale-service", """{"action":"failover"}""");

        var response = await world.InvokeAsync("scale-service", """{"action":"failback"}""");

        response["desiredCount"]!.GetValue<int>().Should().Be(1);
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(1);
        (await world.Ask("scalable-target"))!["min"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task A_pilot_light_standby_is_scaled_up_from_zero()
    {
        var world = await World.ArrangeAsync(moto, standby: 0);

        await world.InvokeAsync("scale-service", """{"action":"drill"}""");

        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(3);
        (await world.Ask("scalable-target"))!["min"]!.GetValue<int>().Should().Be(2);
    }
}
