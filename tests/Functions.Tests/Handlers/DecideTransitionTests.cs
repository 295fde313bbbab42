using Failover.Functions.Tests.Harness;
using static Failover.Functions.Tests.Handlers.DecideSetup;

namespace Failover.Functions.Tests.Handlers;

/// The last recorded transition: where traffic is (a run does not fail over twice), the cooldown after a transition, and a
/// transition recorded between decide's read and its lock.
[Collection("moto")]
public sealed class DecideTransitionTests(MotoServer moto)
{
    [Fact]
    public async Task A_state_written_without_an_epoch_still_says_where_traffic_is()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        await world.Ask("put-item", """{"pk":"state","activeRegion":"us-west-2","lastTransitionAt":"2026-01-01T00:00:00Z"}""");

        var response = await world.DecideAsync(AlarmFailover);

        response.Decision.Should().Be("NO_ACTION");
        response.Reason.Should().Contain("already failed over");
    }

    [Fact]
    public async Task A_recent_transition_holds_off_a_new_one_until_the_cooldown_ends()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        await world.Ask("put-item", $$"""{"pk":"state","activeRegion":"us-east-1","epoch":2,"lastTransitionAt":"{{Iso(DateTimeOffset.UtcNow.AddMinutes(-5))}}"}""");

        var response = await world.DecideAsync(AlarmFailover);

        response.Decision.Should().Be("NO_ACTION");
        response.Reason.Should().Contain("cooldown");
    }

    [Fact]
    public async Task An_already_failed_over_stack_takes_no_action_even_when_forced()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        await world.Ask("put-item", """{"pk":"state","activeRegion":"us-west-2","epoch":1,"lastTransitionAt":"2026-01-01T00:00:00Z"}""");
        await world.Ask("put-item", """{"pk":"flag","mode":"force"}""");

        var response = await world.DecideAsync(AlarmFailover);

        response.Decision.Should().Be("NO_ACTION");
        response.Reason.Should().Contain("already failed over");
    }

    [Fact]
    public async Task A_decision_made_before_a_transition_was_recorded_does_not_act_on_it()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        using var proxy = new FaultProxy(moto.Url);
        // Between decide's read of the state and its lock, another execution completes a transition (epoch 1 -> 2).
        proxy.Inject(Fault.BeforeForward(async () => await world.Ask("put-item", """{"pk":"state","activeRegion":"us-east-1","epoch":2}""")),
            RequestMatch.Target("DynamoDB_20120810.UpdateItem"), times: 1);
        await world.Ask("put-item", """{"pk":"state","activeRegion":"us-east-1","epoch":1}""");

        var response = await world.DecideThroughAsync(proxy, AlarmFailover);

        response.Decision.Should().Be("NO_ACTION");
        response.Reason.Should().Contain("recorded a transition");
        (await world.Ask("lock")).Should().BeNull();
    }
}
