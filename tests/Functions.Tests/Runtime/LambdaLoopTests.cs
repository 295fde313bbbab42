using System.Text.Json.Nodes;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Tests.Runtime;

/// The runtime loop against a local Runtime API over real HTTP.
public sealed class LambdaLoopTests : IDisposable
{
    private readonly LocalRuntimeApi _api = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _logs = new();
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public void Dispose()
    {
        _stop.Cancel();
        _api.Dispose();
        _http.Dispose();
    }

    /// Echoes `action`, throws on "boom", waits for cancellation on "hang", and reports what the context held.
    private sealed class ProbeHandler : IHandler
    {
        public async Task<string> InvokeAsync(string eventJson, InvocationContext context, CancellationToken cancellationToken)
        {
            var request = System.Text.Json.JsonSerializer.Deserialize(eventJson, FunctionsJson.Default.ActionRequest)!;
            if (request.Action == "boom") throw new InvalidOperationException("the handler failed on purpose");
            if (request.Action == "hang") await Task.Delay(Timeout.Infinite, cancellationToken);
            context.Log.Info("probe", ("action", request.Action));
            return new JsonObject
            {
                ["action"] = request.Action,
                ["requestId"] = context.RequestId,
                ["arn"] = context.InvokedFunctionArn,
                ["trace"] = Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID"),
                ["secondsLeft"] = (int)(context.Deadline - DateTimeOffset.UtcNow).TotalSeconds,
            }.ToJsonString();
        }
    }

    private void StartLoop(IHandler handler) =>
        _ = new LambdaLoop(new RuntimeApiClient(_http, _api.Address), handler, new JsonLog(_logs, TimeProvider.System), TimeProvider.System).RunAsync(_stop.Token);

    [Fact]
    public async Task A_successful_invocation_posts_the_response_with_the_request_context()
    {
        StartLoop(new ProbeHandler());

        var result = await _api.Invoke("""{"action":"ping"}""", TimeSpan.FromSeconds(20), traceId: "Root=1-abc;Sampled=1", requestId: "req-1").WaitAsync(TimeSpan.FromSeconds(10));

        result.IsError.Should().BeFalse();
        var body = JsonNode.Parse(result.Body)!;
        body["action"]!.GetValue<string>().Should().Be("ping");
        body["requestId"]!.GetValue<string>().Should().Be("req-1");
        body["arn"]!.GetValue<string>().Should().EndWith(":function:failover-test");
        body["trace"]!.GetValue<string>().Should().Be("Root=1-abc;Sampled=1");
        body["secondsLeft"]!.GetValue<int>().Should().BeInRange(15, 20);
    }

    [Fact]
    public async Task A_handler_exception_is_reported_as_an_error_and_the_loop_keeps_serving()
    {
        StartLoop(new ProbeHandler());

        var failed = await _api.Invoke("""{"action":"boom"}""").WaitAsync(TimeSpan.FromSeconds(10));
        var next = await _api.Invoke("""{"action":"ping"}""").WaitAsync(TimeSpan.FromSeconds(10));

        failed.IsError.Should().BeTrue();
        failed.ErrorType.Should().Be("InvalidOperationException");
        var error = JsonNode.Parse(failed.Body)!;
        error["errorType"]!.GetValue<string>().Should().Be("InvalidOperationException");
        error["errorMessage"]!.GetValue<string>().Should().Be("the handler failed on purpose");
        next.IsError.Should().BeFalse();
    }

    [Fact]
    public async Task A_malformed_event_is_an_invalid_input_error_and_the_loop_keeps_serving()
    {
        StartLoop(new JsonHandler<ActionRequest, ActionRequest>(FunctionsJson.Default.ActionRequest, FunctionsJson.Default.ActionRequest,
            (request, _, _) => Task.FromResult(request)));

        var failed = await _api.Invoke("{not json").WaitAsync(TimeSpan.FromSeconds(10));
        var next = await _api.Invoke("""{"action":"failover"}""").WaitAsync(TimeSpan.FromSeconds(10));

        failed.IsError.Should().BeTrue();
        JsonNode.Parse(failed.Body)!["errorType"]!.GetValue<string>().Should().Be("InvalidInput");
        next.IsError.Should().BeFalse();
        JsonNode.Parse(next.Body)!["action"]!.GetValue<string>().Should().Be("failover");
    }

    [Fact]
    public async Task A_handler_still_running_at_the_deadline_is_cancelled_and_reported()
    {
        StartLoop(new ProbeHandler());

        var result = await _api.Invoke("""{"action":"hang"}""", TimeSpan.FromMilliseconds(300)).WaitAsync(TimeSpan.FromSeconds(10));
        var next = await _api.Invoke("""{"action":"ping"}""").WaitAsync(TimeSpan.FromSeconds(10));

        result.IsError.Should().BeTrue();
        result.ErrorType.Should().Be(LambdaLoop.DeadlineExceeded);
        next.IsError.Should().BeFalse();
    }

    [Fact]
    public async Task A_response_the_runtime_api_refuses_is_reported_as_an_error_and_the_loop_keeps_serving()
    {
        _api.MaxResponseBytes = 100;
        StartLoop(new ProbeHandler());

        var refused = await _api.Invoke($$"""{"action":"{{new string('x', 200)}}"}""").WaitAsync(TimeSpan.FromSeconds(10));
        _api.MaxResponseBytes = int.MaxValue;
        var next = await _api.Invoke("""{"action":"ping"}""").WaitAsync(TimeSpan.FromSeconds(10));

        refused.IsError.Should().BeTrue();
        refused.ErrorType.Should().Be("ResponseRejected");
        next.IsError.Should().BeFalse();
    }

    [Fact]
    public async Task Log_lines_are_json_with_level_request_id_and_fields()
    {
        StartLoop(new ProbeHandler());

        await _api.Invoke("""{"action":"ping"}""", requestId: "req-log").WaitAsync(TimeSpan.FromSeconds(10));

        var line = JsonNode.Parse(_logs.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Single())!;
        line["level"]!.GetValue<string>().Should().Be("INFO");
        line["requestId"]!.GetValue<string>().Should().Be("req-log");
        line["message"]!.GetValue<string>().Should().Be("probe");
        line["action"]!.GetValue<string>().Should().Be("ping");
        DateTimeOffset.Parse(line["timestamp"]!.GetValue<string>()).Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
    }
}
