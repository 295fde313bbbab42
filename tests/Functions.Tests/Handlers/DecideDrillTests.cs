using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Handlers;

/// When a drill may run, decided the same for the drill schedule (the triggers' entry point, unattended) and an operator: never
/// while traffic is failed over or another run holds the lock, and said so in NO_ACTION's reason, with nothing taken.
[Collection("moto")]
public sealed class DecideDrillTests(MotoServer moto)
{
    private const string Scheduled = """{"action":"drill","source":"schedule failover-secondary-drill","reason":"scheduled drill","unattended":true,"executionId":"drill-1"}""";
    private const string Operators = """{"action":"drill","source":"game-day","executionId":"drill-1"}""";

    public static TheoryData<string> Starts => new(Scheduled, Operators);

    [Theory]
    [MemberData(nameof(Starts))]
    public async Task A_drill_with_a_healthy_primary_and_nothing_in_the_way_drills_and_takes_the_lock(string start)
    {
        var world = await World.ArrangeAsync(moto);

        var drill = await world.DecideAsync(start);

        drill.Decision.Should().Be("DRILL");
        drill.Reason.Should().Be("drill: scale and verify the standby, move no traffic");
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":drill-1");
    }

    [Theory]
    [MemberData(nameof(Starts))]
    public async Task A_drill_while_traffic_is_failed_over_is_no_action_that_says_so(string start)
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("put-item", """{"pk":"state","activeRegion":"us-west-2","epoch":1,"lastTransitionAt":"2026-01-01T00:00:00Z"}""");

        var drill = await world.DecideAsync(start);

        drill.Decision.Should().Be("NO_ACTION");
        drill.Reason.Should().StartWith("traffic is failed over: the standby is serving, so not drilling");
        drill.LockId.Should().BeEmpty();
        (await world.Ask("lock")).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Starts))]
    public async Task A_drill_while_another_run_holds_the_lock_is_no_action_that_says_so_and_leaves_the_lock(string start)
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("put-lock", $$"""{"owner":"exec-other","action":"failover","leaseExpiresAt":{{DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds()}}}""");

        var drill = await world.DecideAsync(start);

        drill.Decision.Should().Be("NO_ACTION");
        drill.Reason.Should().StartWith("another execution holds the lock: not drilling");
        drill.LockId.Should().BeEmpty();
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-other");
    }

    /// Under flag block the lock still comes first: what stops the drill is another run at work, not the flag.
    [Fact]
    public async Task A_scheduled_drill_under_flag_block_with_the_lock_held_is_no_action_for_the_lock()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("put-item", """{"pk":"flag","mode":"block"}""");
        await world.Ask("put-lock", $$"""{"owner":"exec-other","action":"failover","leaseExpiresAt":{{DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds()}}}""");

        var drill = await world.DecideAsync(Scheduled);

        drill.Decision.Should().Be("NO_ACTION");
        drill.Reason.Should().StartWith("another execution holds the lock: not drilling");
    }
}
