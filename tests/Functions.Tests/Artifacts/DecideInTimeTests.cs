using System.Text.Json.Nodes;
using Failover.Functions.Tests.Harness;
using Failover.Functions.Tests.Runtime;

namespace Failover.Functions.Tests.Artifacts;

/// decide in the native binary, with the deadline the Runtime API gives and the heap limit of a 128 MB function, while the
/// primary region's CloudWatch accepts connections and never answers.
[Collection("moto")]
public sealed class DecideInTimeTests(MotoServer moto) : IDisposable
{
    private readonly LocalRuntimeApi _api = new();

    public void Dispose() => _api.Dispose();

    [Theory]
    [InlineData(15)]
    [InlineData(30)]
    public async Task A_hung_primary_region_still_gets_a_decision_before_the_deadline(int timeoutSeconds)
    {
        var world = await World.ArrangeAsync(moto);
        using var primaryCloudWatch = new FaultProxy(moto.Url);
        primaryCloudWatch.Inject(Fault.Hang);
        var env = world.Environment();
        env["AWS_ENDPOINT_URL_CLOUDWATCH"] = primaryCloudWatch.Url;
        env["DOTNET_GCHeapHardLimit"] = Bootstrap.HeapLimitOf128MbFunction;
        using var bootstrap = new Bootstrap("decide", _api, env);
        var deadline = DateTimeOffset.UtcNow.AddSeconds(timeoutSeconds);

        var run = await world.ExecutionAsync("exec-1");
        var request = new JsonObject
        {
            ["action"] = "failover", ["source"] = "alarm", ["executionId"] = run, ["lockId"] = world.TokenOf(run), ["force"] = true,
            ["alarm"] = new JsonObject { ["alarmName"] = "failover-primary-healthy-hosts", ["state"] = new JsonObject { ["value"] = "ALARM" } },
        };
        var result = await _api.Invoke(request.ToJsonString(), timeLeft: deadline - DateTimeOffset.UtcNow).WaitAsync(TimeSpan.FromSeconds(timeoutSeconds + 10));

        result.IsError.Should().BeFalse(result.Body);
        DateTimeOffset.UtcNow.Should().BeBefore(deadline.AddSeconds(-1));
        var response = JsonNode.Parse(result.Body)!;
        // An operator's forced start acts whatever the evidence; the hung CloudWatch says nothing either way, within its budget.
        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["health"]!["evidence"]!.AsArray().Single(e => e!["source"]!.GetValue<string>() == "primary-alarms")!["verdict"]!
            .GetValue<string>().Should().Be("UNKNOWN");
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().Be(run);
    }
}
