using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Handlers;

/// The route53-api gate: a health check whose inversion shift-traffic flips through Route 53's control plane.
[Collection("moto")]
public sealed class ShiftTrafficTests(MotoServer moto)
{
    [Fact]
    public async Task Failover_inverts_the_gate_health_check()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.InvokeHoldingLockAsync("shift-traffic", """{"action":"failover"}""");

        response["shifted"]!.GetValue<bool>().Should().BeTrue();
        response["inverted"]!.GetValue<bool>().Should().BeTrue();
        response["gate"]!.GetValue<string>().Should().Be(world.Gate);
        (await world.Ask("gate", world.Gate))!["inverted"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task Repeating_a_failover_changes_nothing_more()
    {
        var world = await World.ArrangeAsync(moto);
        await world.InvokeHoldingLockAsync("shift-traffic", """{"action":"failover"}""");

        var again = await world.InvokeHoldingLockAsync("shift-traffic", """{"action":"failover"}""");

        again["shifted"]!.GetValue<bool>().Should().BeFalse();
        again["inverted"]!.GetValue<bool>().Should().BeTrue();
        (await world.Ask("gate", world.Gate))!["inverted"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task Failback_restores_the_gate()
    {
        var world = await World.ArrangeAsync(moto);
        await world.InvokeHoldingLockAsync("shift-traffic", """{"action":"failover"}""");

        var response = await world.InvokeHoldingLockAsync("shift-traffic", """{"action":"failback"}""");

        response["shifted"]!.GetValue<bool>().Should().BeTrue();
        response["inverted"]!.GetValue<bool>().Should().BeFalse();
        (await world.Ask("gate", world.Gate))!["inverted"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task A_drill_moves_no_traffic()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.InvokeHoldingLockAsync("shift-traffic", """{"action":"drill"}""");

        response["shifted"]!.GetValue<bool>().Should().BeFalse();
        (await world.Ask("gate", world.Gate))!["inverted"]!.GetValue<bool>().Should().BeFalse();
    }

    private const string VersionMismatch = """
        <?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type>
        <Code>HealthCheckVersionMismatch</Code><Message>The value of HealthCheckVersion in the request doesn't match.</Message></Error></ErrorResponse>
        """;

    [Fact]
    public async Task A_gate_changed_by_someone_else_meanwhile_is_read_again_and_then_set()
    {
        var world = await World.ArrangeAsync(moto);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.Status(409, VersionMismatch, "text/xml"), r => r.Method == "POST" && r.PathAndQuery.Contains("/healthcheck/"), times: 1);

        var response = await world.InvokeThroughHoldingLockAsync(proxy, "shift-traffic", """{"action":"failover"}""");

        response["shifted"]!.GetValue<bool>().Should().BeTrue();
        (await world.Ask("gate", world.Gate))!["inverted"]!.GetValue<bool>().Should().BeTrue();
        proxy.Requests.Count(r => r.Request.Method == "GET").Should().Be(2, "the gate is read again after the conflict");
    }

    [Fact]
    public async Task A_gate_someone_else_already_closed_meanwhile_is_left_as_it_is()
    {
        var world = await World.ArrangeAsync(moto);
        using var proxy = new FaultProxy(moto.Url);
        // Our update carries a stale version (409); by the time we read again, the other edit (through boto3) has closed the gate.
        proxy.Inject(Fault.Delay(TimeSpan.Zero), r => r.Method == "GET", times: 1);
        proxy.Inject(Fault.BeforeForward(async () => await world.Ask("invert-gate", world.Gate)), r => r.Method == "GET", times: 1);
        proxy.Inject(Fault.Status(409, VersionMismatch, "text/xml"), r => r.Method == "POST" && r.Target is null, times: 1);

        var response = await world.InvokeThroughHoldingLockAsync(proxy, "shift-traffic", """{"action":"failover"}""");

        response["inverted"]!.GetValue<bool>().Should().BeTrue();
        response["shifted"]!.GetValue<bool>().Should().BeFalse();
    }
}
