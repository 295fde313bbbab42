using System.Text.Json;
using Failover.Functions.Json;
using Failover.Functions.Tests.Harness;
using static Failover.Functions.Tests.Handlers.DecideSetup;

namespace Failover.Functions.Tests.Handlers;

/// The user request flag: an override in the control table (who set it, why, until when) or the configured default, and what
/// each mode does to a decision.
[Collection("moto")]
public sealed class DecideFlagTests(MotoServer moto)
{
    [Fact]
    public async Task A_block_override_stops_a_failover_and_says_who_set_it()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        await world.Ask("put-item", $$"""{"pk":"flag","mode":"block","reason":"migration","setBy":"alice","expiresAt":"{{Iso(DateTimeOffset.UtcNow.AddHours(1))}}"}""");

        var response = await world.DecideAsync(AlarmFailover);

        response.Decision.Should().Be("BLOCKED");
        response.Flag.Source.Should().Be("override");
        response.Flag.SetBy.Should().Be("alice");
        response.Flag.Reason.Should().Be("migration");
        (await world.Ask("lock")).Should().BeNull();
    }

    [Fact]
    public async Task An_expired_override_falls_back_to_the_configured_default()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        await world.Ask("put-item", $$"""{"pk":"flag","mode":"block","setBy":"alice","expiresAt":"{{Iso(DateTimeOffset.UtcNow.AddHours(-1))}}"}""");

        var response = await world.DecideAsync(AlarmFailover);

        response.Decision.Should().Be("FAILOVER");
        response.Flag.Source.Should().Be("default");
        response.Reason.Should().Contain("expired");
    }

    [Fact]
    public async Task The_seed_value_false_in_configuration_means_block()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);

        var response = await world.DecideAsync(AlarmFailover, new() { ["DEFAULT_FLAG"] = "false" });

        response.Decision.Should().Be("BLOCKED");
        response.Flag.Mode.Should().Be("block");
    }

    [Fact]
    public async Task A_force_override_fails_over_a_healthy_primary()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("put-item", """{"pk":"flag","mode":"force","setBy":"bob"}""");

        var response = await world.DecideAsync(AlarmFailover);

        response.Decision.Should().Be("FAILOVER");
        response.Health.Status.Should().Be("HEALTHY");
    }

    [Fact]
    public async Task A_force_flag_does_not_make_a_triggers_start_fail_over_a_healthy_primary()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("put-item", """{"pk":"flag","mode":"force","setBy":"bob"}""");

        var response = await world.DecideAsync("""{"action":"failover","source":"probe","unattended":true,"executionId":"exec-probe"}""");

        response.Decision.Should().Be("NO_ACTION");
        response.Reason.Should().Contain("a trigger's start does not force against a healthy primary");
        (await world.Ask("lock")).Should().BeNull("nothing was taken");
    }

    [Fact]
    public async Task A_flag_override_whose_expiry_is_no_time_falls_back_to_the_default_and_alerts()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        await world.Ask("put-item", """{"pk":"flag","mode":"block","setBy":"alice","expiresAt":"tomorow 9am"}""");

        var response = await world.DecideAsync(AlarmFailover);

        response.Flag.Mode.Should().Be("auto");
        response.Decision.Should().Be("FAILOVER");
        response.Alert.Should().BeTrue();
        response.Reason.Should().Contain("unreadable expiresAt");
    }

    [Fact]
    public async Task A_huge_flag_reason_is_cut_before_it_is_repeated_in_every_decision()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        await world.Ask("put-item", $$"""{"pk":"flag","mode":"auto","reason":"{{new string('r', 300_000)}}"}""");

        var response = await world.DecideAsync(AlarmFailover);

        response.Flag.Reason!.Length.Should().BeLessThanOrEqualTo(1024);
        JsonSerializer.Serialize(response, FunctionsJson.Default.DecideResponse).Length.Should().BeLessThan(10_000, "no other field repeats the reason");
    }
}
