using System.Text.Json;
using System.Text.Json.Nodes;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Tests.Runtime;

/// The runtime loop against a local Runtime API over real HTTP.
[Collection(TimingCollection.Name)]
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

    /// Echoes `action` and reports what the context held; other actions fail or hang in the ways the loop must survive.
    private sealed class ProbeHandler : IHandler
    {
        private int _calls;

        public int Calls => _calls;

        public async Task<string> InvokeAsync(string eventJson, InvocationContext context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var request = JsonSerializer.Deserialize(eventJson, FunctionsJson.Default.ActionRequest)!;
            switch (request.Action)
            {
                case "boom": throw new InvalidOperationException("the handler failed on purpose");
                case "huge": throw new InvalidInputException(new string('x', 5 * 1024 * 1024));
                case "bad-aws-json": throw new JsonException("'<' is an invalid start of a value.");
                case "unreadable": throw new UnreadableException();
                case "hang": await Task.Delay(Timeout.Infinite, cancellationToken); break;
                // Ignores its token, as a handler stuck in a call that takes none would.
                case "stuck": await new TaskCompletionSource().Task; break;
            }
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

    /// An error whose message cannot be read: building the report fails as it would out of memory.
    private sealed class UnreadableException() : FunctionException(ErrorTypes.AwsServiceError, "")
    {
        public override string Message => throw new OutOfMemoryException();
    }

    /// The Runtime API, except that posting an error report fails once.
    private sealed class FlakyErrorReports(IRuntimeApi inner) : IRuntimeApi
    {
        private int _failures = 1;

        public Task<Invocation> NextAsync(CancellationToken cancellationToken) => inner.NextAsync(cancellationToken);
        public Task RespondAsync(string requestId, string body, CancellationToken cancellationToken) => inner.RespondAsync(requestId, body, cancellationToken);
        public Task ReportInitErrorAsync(ErrorResponse error, CancellationToken cancellationToken) => inner.ReportInitErrorAsync(error, cancellationToken);

        public Task ReportErrorAsync(string requestId, ErrorResponse error, CancellationToken cancellationToken) =>
            Interlocked.Decrement(ref _failures) >= 0 ? throw new IOException("the connection was reset") : inner.ReportErrorAsync(requestId, error, cancellationToken);
    }

    /// A log whose ERROR lines cannot be written, as when the process is short of memory.
    private sealed class FailingErrorLog(TextWriter inner) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void WriteLine(string? value)
        {
            if (value?.Contains("\"level\":\"ERROR\"") == true) throw new OutOfMemoryException();
            inner.WriteLine(value);
        }
    }

    // On the thread pool, as in Lambda: started from the test, the loop's continuations would queue on xUnit's
    // synchronization context behind every test running in parallel, and the timing tests would measure that queue.
    private void StartLoop(IHandler handler, IRuntimeApi? api = null, TextWriter? logs = null) =>
        _ = Task.Run(() => new LambdaLoop(api ?? new RuntimeApiClient(_http, _api.Address), handler, new JsonLog(logs ?? _logs, TimeProvider.System), TimeProvider.System)
            .RunAsync(_stop.Token));

    private static string Message(RuntimeResult result) => JsonNode.Parse(result.Body)!["errorMessage"]!.GetValue<string>();

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
    public async Task A_handler_exception_is_an_unexpected_error_naming_its_type_and_the_loop_keeps_serving()
    {
        StartLoop(new ProbeHandler());

        var failed = await _api.Invoke("""{"action":"boom"}""").WaitAsync(TimeSpan.FromSeconds(10));
        var next = await _api.Invoke("""{"action":"ping"}""").WaitAsync(TimeSpan.FromSeconds(10));

        failed.IsError.Should().BeTrue();
        failed.ErrorType.Should().Be(ErrorTypes.UnexpectedError);
        JsonNode.Parse(failed.Body)!["errorType"]!.GetValue<string>().Should().Be(ErrorTypes.UnexpectedError);
        Message(failed).Should().Be("InvalidOperationException: the handler failed on purpose");
        next.IsError.Should().BeFalse();
    }

    [Fact]
    public async Task A_json_exception_from_inside_a_handler_is_an_unexpected_error_not_invalid_input()
    {
        StartLoop(new ProbeHandler());

        var failed = await _api.Invoke("""{"action":"bad-aws-json"}""").WaitAsync(TimeSpan.FromSeconds(10));

        failed.ErrorType.Should().Be(ErrorTypes.UnexpectedError);
        Message(failed).Should().StartWith("JsonException: ");
    }

    [Fact]
    public async Task A_malformed_event_is_an_invalid_input_error_and_the_loop_keeps_serving()
    {
        StartLoop(new JsonHandler<ActionRequest, ActionRequest>(FunctionsJson.Default.ActionRequest, FunctionsJson.Default.ActionRequest,
            (request, _, _) => Task.FromResult(request)));

        var failed = await _api.Invoke("{not json").WaitAsync(TimeSpan.FromSeconds(10));
        var next = await _api.Invoke("""{"action":"failover"}""").WaitAsync(TimeSpan.FromSeconds(10));

        failed.IsError.Should().BeTrue();
        JsonNode.Parse(failed.Body)!["errorType"]!.GetValue<string>().Should().Be(ErrorTypes.InvalidInput);
        next.IsError.Should().BeFalse();
        JsonNode.Parse(next.Body)!["action"]!.GetValue<string>().Should().Be("failover");
    }

    [Fact]
    public async Task A_handler_still_running_at_the_cut_off_is_cancelled_and_reported_as_deadline_exceeded()
    {
        StartLoop(new ProbeHandler());

        var result = await _api.Invoke("""{"action":"hang"}""", TimeSpan.FromSeconds(2)).WaitAsync(TimeSpan.FromSeconds(10));
        var next = await _api.Invoke("""{"action":"ping"}""").WaitAsync(TimeSpan.FromSeconds(10));

        result.IsError.Should().BeTrue();
        result.ErrorType.Should().Be(ErrorTypes.DeadlineExceeded);
        next.IsError.Should().BeFalse();
    }

    [Fact]
    public async Task A_handler_that_never_finishes_is_reported_a_margin_before_the_deadline()
    {
        StartLoop(new ProbeHandler());

        var result = await _api.Invoke("""{"action":"stuck"}""", TimeSpan.FromSeconds(3)).WaitAsync(TimeSpan.FromSeconds(10));

        result.ErrorType.Should().Be(ErrorTypes.DeadlineExceeded);
        // Lambda freezes the sandbox at the deadline: a report after it is lost.
        result.ReceivedAt.Should().BeOnOrBefore(result.Deadline!.Value - TimeSpan.FromMilliseconds(800));
    }

    [Fact]
    public async Task An_event_arriving_inside_the_margin_is_reported_at_once_without_calling_the_handler()
    {
        var handler = new ProbeHandler();
        StartLoop(handler);

        var result = await _api.Invoke("""{"action":"ping"}""", TimeSpan.FromMilliseconds(500)).WaitAsync(TimeSpan.FromSeconds(10));

        result.ErrorType.Should().Be(ErrorTypes.DeadlineExceeded);
        result.ReceivedAt.Should().BeBefore(result.Deadline!.Value);
        handler.Calls.Should().Be(0);
    }

    [Fact]
    public void The_context_asks_the_handler_to_stop_before_the_loop_cuts_it_off()
    {
        var deadline = DateTimeOffset.Parse("2025-01-01T12:00:00Z");

        var context = new InvocationContext("req", "arn", deadline, new JsonLog(TextWriter.Null, TimeProvider.System));

        context.StopBy.Should().Be(deadline - TimeSpan.FromMilliseconds(LambdaLoop.DeadlineMarginMs + InvocationContext.WindDownMs));
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
        refused.ErrorType.Should().Be(ErrorTypes.ResponseRejected);
        next.IsError.Should().BeFalse();
    }

    [Fact]
    public async Task A_huge_error_message_is_cut_to_the_bound_in_the_report_and_the_log_and_the_loop_keeps_serving()
    {
        StartLoop(new ProbeHandler());

        var failed = await _api.Invoke("""{"action":"huge"}""").WaitAsync(TimeSpan.FromSeconds(10));
        var next = await _api.Invoke("""{"action":"ping"}""").WaitAsync(TimeSpan.FromSeconds(10));

        failed.ErrorType.Should().Be(ErrorTypes.InvalidInput);
        Message(failed).Length.Should().BeLessThanOrEqualTo(LambdaLoop.MaxErrorMessageChars);
        Message(failed).Should().EndWith($"({5 * 1024 * 1024} chars)");
        _logs.ToString().Split('\n').Should().OnlyContain(line => line.Length < 2 * LambdaLoop.MaxErrorMessageChars);
        next.IsError.Should().BeFalse();
    }

    [Fact]
    public async Task An_error_report_that_cannot_be_built_is_sent_as_a_precomputed_one_of_the_same_type()
    {
        StartLoop(new ProbeHandler());

        var failed = await _api.Invoke("""{"action":"unreadable"}""").WaitAsync(TimeSpan.FromSeconds(10));
        var next = await _api.Invoke("""{"action":"ping"}""").WaitAsync(TimeSpan.FromSeconds(10));

        failed.ErrorType.Should().Be(ErrorTypes.AwsServiceError);
        Message(failed).Should().Contain("describing the failure failed too").And.Contain("only the errorType is known");
        next.IsError.Should().BeFalse();
    }

    [Fact]
    public async Task A_log_that_fails_while_reporting_stops_neither_the_report_nor_the_loop()
    {
        StartLoop(new ProbeHandler(), logs: new FailingErrorLog(_logs));

        var failed = await _api.Invoke("""{"action":"boom"}""").WaitAsync(TimeSpan.FromSeconds(10));
        var next = await _api.Invoke("""{"action":"ping"}""").WaitAsync(TimeSpan.FromSeconds(10));

        failed.ErrorType.Should().Be(ErrorTypes.UnexpectedError);
        next.IsError.Should().BeFalse();
    }

    [Fact]
    public async Task An_error_report_that_fails_to_post_does_not_stop_the_loop()
    {
        StartLoop(new ProbeHandler(), api: new FlakyErrorReports(new RuntimeApiClient(_http, _api.Address)));

        _ = _api.Invoke("""{"action":"boom"}""");
        var next = await _api.Invoke("""{"action":"ping"}""").WaitAsync(TimeSpan.FromSeconds(10));

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
