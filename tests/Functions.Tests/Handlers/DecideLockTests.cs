using Failover.Functions.Tests.Harness;
using static Failover.Functions.Tests.Handlers.DecideSetup;

namespace Failover.Functions.Tests.Handlers;

/// The lock in the control table's state item: whose it is, how long its lease runs, and what decide does with one it cannot
/// read or whose lease has run out.
[Collection("moto")]
public sealed class DecideLockTests(MotoServer moto)
{
    [Fact]
    public async Task A_lock_held_by_another_execution_means_no_action()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        await world.Ask("put-lock", $$"""{"owner":"exec-other","action":"failover","leaseExpiresAt":{{DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds()}}}""");

        var response = await world.DecideAsync(AlarmFailover);

        response.Decision.Should().Be("NO_ACTION");
        response.Reason.Should().Contain("lock");
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-other");
    }

    [Fact]
    public async Task An_expired_lock_is_taken_over()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        await world.Ask("put-lock", $$"""{"owner":"exec-crashed","action":"failover","leaseExpiresAt":{{DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()}}}""");

        var response = await world.DecideAsync(AlarmFailover);

        response.Decision.Should().Be("FAILOVER");
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
    }

    [Fact]
    public async Task A_lock_without_a_lease_expiry_that_this_execution_owns_is_retaken()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        await world.Ask("put-lock", """{"owner":"exec-1","action":"failover"}""");

        var response = await world.DecideAsync(AlarmFailover);

        response.Decision.Should().Be("FAILOVER");
        (await world.Ask("lock"))!["leaseExpiresAt"]!.GetValue<long>().Should().BeGreaterThan(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Theory]
    [InlineData("""{"owner":"exec-other","action":"failover"}""")]
    [InlineData("""{"owner":"exec-other","leaseExpiresAt":"tomorrow"}""")]
    [InlineData("""{"leaseExpiresAt":4102444800}""")]
    public async Task An_unreadable_lock_is_taken_over_by_a_run_that_acts_and_raises_an_alert(string unreadable)
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        await world.Ask("put-lock", unreadable);

        var response = await world.DecideAsync(AlarmFailover);

        response.Decision.Should().Be("FAILOVER");
        response.Alert.Should().BeTrue();
        response.Reason.Should().Contain("unreadable").And.Contain("taken over");
        var taken = (await world.Ask("lock"))!;
        taken["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
        taken["leaseExpiresAt"]!.GetValue<long>().Should().BeGreaterThan(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task An_unreadable_lock_seen_by_a_run_that_does_not_act_raises_an_alert_and_is_left()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("alarm-state", world.Alarms[0], "OK");
        await world.Ask("put-lock", """{"owner":"exec-other"}""");

        var response = await world.DecideAsync("""{"action":"failover","source":"probe","executionId":"exec-1","alarm":{"alarmName":"x","state":{"value":"OK"}}}""");

        response.Decision.Should().Be("NO_ACTION");
        response.Alert.Should().BeTrue();
        response.Reason.Should().Contain("unreadable");
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-other");
    }

    [Theory]
    [InlineData("1700000000000000")] // milliseconds... of milliseconds: far beyond any time
    [InlineData("99999999999999")] // a lease in the year 3,170,000: no lease these functions wrote
    public async Task A_lease_that_is_no_time_is_unreadable_in_the_read_and_the_write_alike(string lease)
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        await world.Ask("put-item", $$"""{"pk":"state","lockOwner":"exec-other","lockLeaseExpiresAt":{{lease}}}""");

        var response = await world.DecideAsync(AlarmFailover);

        response.Decision.Should().Be("FAILOVER");
        response.Alert.Should().BeTrue();
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
    }

    [Fact]
    public async Task A_lease_further_ahead_than_any_lease_written_is_unreadable_and_taken_over()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        await world.Ask("put-lock", $$"""{"owner":"exec-other","leaseExpiresAt":{{DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds()}}}""");

        var response = await world.DecideAsync(AlarmFailover);

        response.Decision.Should().Be("FAILOVER");
        response.Alert.Should().BeTrue();
    }

    [Fact]
    public async Task A_lease_in_milliseconds_is_unreadable_and_taken_over()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        await world.Ask("put-lock", $$"""{"owner":"exec-other","leaseExpiresAt":{{DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeMilliseconds()}}}""");

        var response = await world.DecideAsync(AlarmFailover);

        response.Decision.Should().Be("FAILOVER");
        response.Reason.Should().Contain("unreadable");
    }
}
