using Failover.Functions.Tests.Moto;

namespace Failover.Functions.Tests.Handlers;

[Collection("moto")]
public sealed class ShiftTrafficTests(MotoServer moto)
{
    [Fact]
    public async Task Failover_inverts_the_gate_health_check()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.InvokeAsync("shift-traffic", """{"action":"failover"}""");

        response["shifted"]!.GetValue<bool>().Should().BeTrue();
        response["inverted"]!.GetValue<bool>().Should().BeTrue();
        response["gate"]!.GetValue<string>().Should().Be(world.Gate);
        (await world.Ask("gate", world.Gate))!["inverted"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task Repeating_a_failover_changes_nothing_more()
    {
        var world = await World.ArrangeAsync(moto);
        await world.InvokeAsync("shift-traffic", """{"action":"failover"}""");

        var again = await world.InvokeAsync("shift-traffic", """{"action":"failover"}""");

        again["shifted"]!.GetValue<bool>().Should().BeFalse();
        again["inverted"]!.GetValue<bool>().Should().BeTrue();
        (await world.Ask("gate", world.Gate))!["inverted"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task Failback_restores_the_gate()
    {
        var world = await World.ArrangeAsync(moto);
        await world.InvokeAsync("shift-traffic", """{"action":"failover"}""");

        var response = await world.InvokeAsync("shift-traffic", """{"action":"failback"}""");

        response["shifted"]!.GetValue<bool>().Should().BeTrue();
        response["inverted"]!.GetValue<bool>().Should().BeFalse();
        (await world.Ask("gate", world.Gate))!["inverted"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task A_drill_moves_no_traffic()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.InvokeAsync("shift-traffic", """{"action":"drill"}""");

        response["shifted"]!.GetValue<bool>().Should().BeFalse();
        (await world.Ask("gate", world.Gate))!["inverted"]!.GetValue<bool>().Should().BeFalse();
    }
}
