using Failover.Functions.Tests.Harness;
using static Failover.Functions.Tests.Handlers.DecideSetup;

namespace Failover.Functions.Tests.Handlers;

/// What decide decides for the plain cases, and the one test on its raw JSON: the rest of decide's tests read the typed
/// DecideResponse, as the workflow reads these fields by path.
[Collection("moto")]
public sealed class DecideTests(MotoServer moto)
{
    /// The one test on decide's raw JSON: the workflow reads these paths ($.decision, $.lockId, $.health.status, $.flag.mode)
    /// spelled exactly so; every other test of decide reads the response through the functions' own JSON context.
    [Fact]
    public async Task An_unhealthy_primary_with_flag_auto_fails_over_and_takes_the_lock()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);

        var response = await world.InvokeAsync("decide", AlarmFailover);

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["lockId"]!.GetValue<string>().Should().NotBeNullOrEmpty().And.NotContain("exec-1");
        response["health"]!["status"]!.GetValue<string>().Should().Be("UNHEALTHY");
        response["flag"]!["mode"]!.GetValue<string>().Should().Be("auto");
        response["flag"]!["source"]!.GetValue<string>().Should().Be("default");
        var lockItem = (await world.Ask("lock"))!;
        lockItem["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
        lockItem["action"]!.GetValue<string>().Should().Be("failover");
    }

    [Fact]
    public async Task A_healthy_primary_with_flag_auto_is_left_alone_and_no_lock_is_taken()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.DecideAsync(AlarmFailover);

        response.Decision.Should().Be("NO_ACTION");
        response.Health.Status.Should().Be("HEALTHY");
        response.LockId.Should().BeEmpty();
        (await world.Ask("lock")).Should().BeNull();
        (await world.Ask("decisions"))!.AsArray().Should().ContainSingle();
    }

    [Theory]
    [InlineData("auto", false)]
    [InlineData("force", false)]
    [InlineData("auto", true)]
    public async Task A_drill_during_an_outage_takes_no_lock_so_the_failover_can(string flag, bool forceRequested)
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        await world.Ask("put-item", $$"""{"pk":"flag","mode":"{{flag}}"}""");

        var drill = await world.DecideAsync($$"""{"action":"drill","source":"game-day","executionId":"drill-1","force":{{(forceRequested ? "true" : "false")}}}""");

        drill.Decision.Should().Be("NO_ACTION");
        drill.Reason.Should().Contain("the primary is unhealthy: not drilling");
        drill.Alert.Should().BeTrue();
        drill.LockId.Should().BeEmpty();
        (await world.Ask("lock")).Should().BeNull();
        var failover = await world.DecideAsync("""{"action":"failover","source":"alarm","executionId":"exec-1"}""");
        failover.Decision.Should().Be("FAILOVER");
    }
}
