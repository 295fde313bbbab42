using System.Text.Json.Nodes;
using Failover.Functions.Runtime;
using Failover.Functions.Tests.Runtime;

namespace Failover.Functions.Tests.Artifacts;

/// The native binary within a 128 MB function's limits: a capped heap, and a deadline after which Lambda freezes it.
[Collection(TimingCollection.Name)]
public sealed class BootstrapLimitTests : IDisposable
{
    // At this cap (Bootstrap.HeapLimitOf128MbFunction) the code before the fix died with OutOfMemoryException while logging
    // the error for a 3 MB `action` (and at 128 MiB, for a 5.5 MB one): the invocation was never answered.
    private const string HeapHardLimit = Bootstrap.HeapLimitOf128MbFunction;

    private readonly LocalRuntimeApi _api = new();
    private readonly RecordingEndpoint _aws = new();
    private readonly SilentEndpoint _silent = new();

    public void Dispose()
    {
        _api.Dispose();
        _aws.Dispose();
        _silent.Dispose();
    }

    private static Dictionary<string, string> Environment(string awsEndpoint) => new()
    {
        ["DOTNET_GCHeapHardLimit"] = HeapHardLimit,
        ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "secret", ["AWS_REGION"] = "us-west-2",
        ["AWS_ENDPOINT_URL"] = awsEndpoint,
        ["CLUSTER_NAME"] = "c", ["SERVICE_NAME"] = "s", ["TARGET_GROUP_ARN"] = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/tg/1",
        ["ACTIVE_DESIRED_COUNT"] = "3", ["ACTIVE_MIN_CAPACITY"] = "2", ["STANDBY_DESIRED_COUNT"] = "1", ["STANDBY_MIN_CAPACITY"] = "1",
    };

    private static string Message(RuntimeResult result) => JsonNode.Parse(result.Body)!["errorMessage"]!.GetValue<string>();

    [Theory]
    [InlineData(3 * 1024 * 1024)]
    // Just under Lambda's 6 MB limit for a synchronous payload.
    [InlineData(5_767_168)]
    public async Task A_huge_bad_action_gets_a_short_invalid_input_and_the_same_process_serves_the_next_event(int actionChars)
    {
        using var bootstrap = new Bootstrap(HandlerNames.ScaleService, _api, Environment(_aws.Url));

        var huge = await _api.Invoke($$"""{"action":"{{new string('a', actionChars)}}"}""").WaitAsync(TimeSpan.FromSeconds(60));
        var next = await _api.Invoke("""{"action":"nonsense"}""").WaitAsync(TimeSpan.FromSeconds(30));

        huge.ErrorType.Should().Be(ErrorTypes.InvalidInput, huge.Body.Length > 300 ? huge.Body[..300] : huge.Body);
        Message(huge).Length.Should().BeLessThanOrEqualTo(LambdaLoop.MaxErrorMessageChars);
        next.ErrorType.Should().Be(ErrorTypes.InvalidInput);
        Message(next).Should().Contain("nonsense");
        _aws.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_handler_waiting_on_an_aws_endpoint_that_never_answers_is_reported_before_the_deadline()
    {
        using var bootstrap = new Bootstrap(HandlerNames.CheckService, _api, Environment(_silent.Url));

        var result = await _api.Invoke("{}", timeLeft: TimeSpan.FromSeconds(5)).WaitAsync(TimeSpan.FromSeconds(30));

        result.IsError.Should().BeTrue();
        ErrorTypes.All.Keys.Should().Contain(result.ErrorType);
        result.ReceivedAt.Should().BeBefore(result.Deadline!.Value, "Lambda freezes the sandbox at the deadline and the report would be lost");
        _silent.Connections.Should().BeGreaterThan(0, "the handler did reach the endpoint");
    }
}
