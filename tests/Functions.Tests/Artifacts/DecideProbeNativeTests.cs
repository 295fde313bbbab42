using System.Text.Json.Nodes;
using Failover.Functions.Tests.Handlers;
using Failover.Functions.Tests.Harness;
using Failover.Functions.Tests.Runtime;

namespace Failover.Functions.Tests.Artifacts;

/// decide's direct probe in the native binary: the client Program.cs makes (trimmed, AOT) reaches the primary's health URL.
[Collection("moto")]
public sealed class DecideProbeNativeTests(MotoServer moto) : IDisposable
{
    private readonly LocalRuntimeApi _api = new();

    public void Dispose() => _api.Dispose();

    private static string FreshAlarm(string executionArn, string token) => new JsonObject
    {
        ["action"] = "failover", ["source"] = "alarm failover-primary-healthy-hosts in us-east-1", ["unattended"] = true, ["executionId"] = executionArn,
        ["lockId"] = token,
        ["alarm"] = new JsonObject
        {
            ["alarmName"] = "failover-primary-healthy-hosts",
            ["state"] = new JsonObject { ["value"] = "ALARM", ["timestamp"] = DateTimeOffset.UtcNow.AddSeconds(1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'") },
        },
    }.ToJsonString();

    private async Task<JsonNode> DecideAsync(World world, string probeUrl)
    {
        var env = world.Environment();
        env["PRIMARY_PROBE_URL"] = probeUrl;
        using var bootstrap = new Bootstrap("decide", _api, env);
        // The alarm rule's start: a run of the triggers' entry point.
        var run = await world.ExecutionAsync("exec-native", "trigger");
        var result = await _api.Invoke(FreshAlarm(run, world.TokenOf(run)), timeLeft: TimeSpan.FromSeconds(15)).WaitAsync(TimeSpan.FromSeconds(25));
        result.IsError.Should().BeFalse(result.Body);
        return JsonNode.Parse(result.Body)!;
    }

    private static string ProbeVerdict(JsonNode response) =>
        response["health"]!["evidence"]!.AsArray().Single(e => e!["source"]!.GetValue<string>() == "direct-probe")!["verdict"]!.GetValue<string>();

    [Fact]
    public async Task An_https_health_url_with_a_certificate_for_another_name_answers_and_an_unconfirmed_alarm_does_not_fail_over()
    {
        var world = await World.ArrangeAsync(moto);
        using var app = new TlsApp();

        var response = await DecideAsync(world, $"https://localhost:{app.Port}/health");

        ProbeVerdict(response).Should().Be("HEALTHY", response.ToJsonString());
        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        // The alarm is OK when read: the event's claim counts for nothing, and the primary serves.
        response["health"]!["status"]!.GetValue<string>().Should().Be("HEALTHY");
    }

    [Fact]
    public async Task A_health_url_answering_503_is_unhealthy_and_with_the_alarm_confirms_the_outage()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("alarm-state", "failover-primary-healthy-hosts", "ALARM");
        using var app = new RecordingEndpoint();
        for (var i = 0; i < 3; i++) app.Then(503, "", "text/plain");

        var response = await DecideAsync(world, app.Url + "/health");

        ProbeVerdict(response).Should().Be("UNHEALTHY", response.ToJsonString());
        response["health"]!["confirmed"]!.GetValue<bool>().Should().BeTrue();
        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        app.Requests.Should().HaveCount(3);
    }
}
