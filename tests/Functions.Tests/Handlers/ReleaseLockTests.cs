using Failover.Functions.Tests.Moto;

namespace Failover.Functions.Tests.Handlers;

[Collection("moto")]
public sealed class ReleaseLockTests(MotoServer moto)
{
    private static async Task<World> AfterAFailoverDecision(MotoServer moto)
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("alarm-state", world.Alarms[0], "ALARM");
        var decided = await world.InvokeAsync("decide", """{"action":"failover","source":"alarm","executionId":"exec-1"}""");
        decided["lockId"]!.GetValue<string>().Should().Be("exec-1");
        return world;
    }

    [Fact]
    public async Task A_successful_failover_records_the_new_active_region_and_releases_the_lock()
    {
        var world = await AfterAFailoverDecision(moto);

        var response = await world.InvokeAsync("release-lock", """{"lockId":"exec-1","action":"failover","outcome":"SUCCEEDED"}""");

        response["released"]!.GetValue<bool>().Should().BeTrue();
        response["stateRecorded"]!.GetValue<bool>().Should().BeTrue();
        response["activeRegion"]!.GetValue<string>().Should().Be("us-west-2");
        response["epoch"]!.GetValue<long>().Should().Be(1);
        (await world.Ask("item", "lock")).Should().BeNull();
        var state = (await world.Ask("item", "state"))!;
        state["activeRegion"]!.GetValue<string>().Should().Be("us-west-2");
        state["epoch"]!.GetValue<long>().Should().Be(1);
    }

    [Fact]
    public async Task After_a_recorded_failover_the_next_decision_sees_it_already_done()
    {
        var world = await AfterAFailoverDecision(moto);
        await world.InvokeAsync("release-lock", """{"lockId":"exec-1","action":"failover","outcome":"SUCCEEDED"}""");

        var next = await world.InvokeAsync("decide", """{"action":"failover","source":"alarm","executionId":"exec-2"}""");

        next["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        // The cooldown has started too; the reason must be the recorded state, not the clock.
        next["reason"]!.GetValue<string>().Should().Contain("already failed over");
        (await world.Ask("item", "lock")).Should().BeNull();
    }

    [Fact]
    public async Task A_failed_run_releases_the_lock_without_recording_a_transition()
    {
        var world = await AfterAFailoverDecision(moto);

        var response = await world.InvokeAsync("release-lock", """{"lockId":"exec-1","action":"failover","outcome":"FAILED"}""");

        response["released"]!.GetValue<bool>().Should().BeTrue();
        response["stateRecorded"]!.GetValue<bool>().Should().BeFalse();
        (await world.Ask("item", "lock")).Should().BeNull();
        (await world.Ask("item", "state")).Should().BeNull();
    }

    [Fact]
    public async Task Another_executions_lock_is_not_released()
    {
        var world = await AfterAFailoverDecision(moto);

        var response = await world.InvokeAsync("release-lock", """{"lockId":"exec-9","action":"failover","outcome":"FAILED"}""");

        response["released"]!.GetValue<bool>().Should().BeFalse();
        (await world.Ask("item", "lock"))!["owner"]!.GetValue<string>().Should().Be("exec-1");
    }
}
