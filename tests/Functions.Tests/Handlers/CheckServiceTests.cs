using Failover.Functions.Tests.Moto;

namespace Failover.Functions.Tests.Handlers;

[Collection("moto")]
public sealed class CheckServiceTests(MotoServer moto)
{
    [Fact]
    public async Task A_scaled_service_without_healthy_targets_is_not_ready()
    {
        var world = await World.ArrangeAsync(moto);
        await world.InvokeAsync("scale-service", """{"action":"failover"}""");

        var response = await world.InvokeAsync("check-service", "{}");

        response["ready"]!.GetValue<bool>().Should().BeFalse();
        response["desired"]!.GetValue<int>().Should().Be(3);
        response["healthyTargets"]!.GetValue<int>().Should().Be(0);
    }

    [Fact]
    public async Task Fewer_healthy_targets_than_desired_is_not_ready()
    {
        var world = await World.ArrangeAsync(moto);
        await world.InvokeAsync("scale-service", """{"action":"failover"}""");
        await world.Ask("register-targets", world.TargetGroup, "2");

        var response = await world.InvokeAsync("check-service", "{}");

        response["ready"]!.GetValue<bool>().Should().BeFalse();
        response["healthyTargets"]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public async Task Running_equal_to_desired_with_a_completed_rollout_and_enough_healthy_targets_is_ready()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("register-targets", world.TargetGroup, "1");

        var response = await world.InvokeAsync("check-service", "{}");

        response["ready"]!.GetValue<bool>().Should().BeTrue();
        response["running"]!.GetValue<int>().Should().Be(1);
        response["desired"]!.GetValue<int>().Should().Be(1);
        response["rolloutState"]!.GetValue<string>().Should().Be("COMPLETED");
    }

    [Fact]
    public async Task A_service_scaled_to_zero_is_never_ready()
    {
        var world = await World.ArrangeAsync(moto, standby: 0);
        await world.InvokeAsync("scale-service", """{"action":"failback"}""", new() { ["STANDBY_DESIRED_COUNT"] = "0", ["STANDBY_MIN_CAPACITY"] = "0" });

        (await world.InvokeAsync("check-service", "{}"))["ready"]!.GetValue<bool>().Should().BeFalse();
    }
}
