using Failover.Functions.Json;

namespace Failover.Functions.Runtime;

/// The runtime loop: next event, invoke, respond or report the error, forever. A failed invocation never stops the loop.
public sealed class LambdaLoop(IRuntimeApi api, IHandler handler, JsonLog log, TimeProvider time)
{
    /// How long before Lambda's deadline the loop cuts the handler off and reports DeadlineExceeded: Lambda freezes the
    /// sandbox at the deadline itself, and the report is one localhost POST, which 1 s covers with room for GC pauses
    /// and the small CPU share of a 128 MB function.
    public const int DeadlineMarginMs = 1000;

    /// The longest errorMessage the loop logs or reports: room for any message of ours, not for megabytes a caller sent.
    public const int MaxErrorMessageChars = 1024;

    /// The errorMessage of a report prepared in advance, sent when building the real one failed.
    public const string FallbackMessage = "The function failed, and describing the failure failed too (out of memory, most likely): only the errorType is known.";

    // Built before the first event: reporting an error must not need memory that the failure may have used up.
    private readonly Dictionary<string, ErrorResponse> _fallbacks =
        ErrorTypes.All.Keys.ToDictionary(type => type, type => new ErrorResponse(type, FallbackMessage), StringComparer.Ordinal);

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try { await InvokeAsync(await api.NextAsync(stop), stop); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
        }
    }

    public async Task InvokeAsync(Invocation invocation, CancellationToken stop)
    {
        var requestLog = log;
        string response;
        try
        {
            requestLog = log.ForRequest(invocation.RequestId);
            // X-Ray reads the trace header from this variable (documented for custom runtimes).
            Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", invocation.TraceId);
            response = await RunHandlerAsync(invocation, requestLog, stop);
        }
        catch (Exception e) when (!IsStop(e, stop))
        {
            await ReportAsync(invocation.RequestId, requestLog, e, stop);
            return;
        }

        try
        {
            await api.RespondAsync(invocation.RequestId, response, stop);
        }
        catch (HttpRequestException e)
        {
            // The Runtime API refused the response (e.g. 413, too large): report that instead of dying.
            await ReportAsync(invocation.RequestId, requestLog, new ResponseRejectedException(e), stop);
        }
        catch (Exception e) when (!IsStop(e, stop))
        {
            await ReportAsync(invocation.RequestId, requestLog, e, stop);
        }
    }

    private async Task<string> RunHandlerAsync(Invocation invocation, JsonLog requestLog, CancellationToken stop)
    {
        var left = invocation.Deadline.AddMilliseconds(-DeadlineMarginMs) - time.GetUtcNow();
        if (left <= TimeSpan.Zero)
            throw new DeadlineExceededException($"The event arrived {(invocation.Deadline - time.GetUtcNow()).TotalMilliseconds:F0} ms before its deadline "
                + $"{invocation.Deadline:O}, inside the {DeadlineMarginMs} ms margin: the handler was not run.");

        using var cutOff = new CancellationTokenSource(left, time);
        using var token = CancellationTokenSource.CreateLinkedTokenSource(stop, cutOff.Token);
        var context = new InvocationContext(invocation.RequestId, invocation.InvokedFunctionArn, invocation.Deadline, requestLog);
        try
        {
            // WaitAsync: a handler that ignores its token is still cut off in time (it is abandoned, not stopped).
            return await handler.InvokeAsync(invocation.Body, context, token.Token).WaitAsync(token.Token);
        }
        catch (OperationCanceledException) when (cutOff.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            throw new DeadlineExceededException($"The handler was still running {DeadlineMarginMs} ms before the deadline {invocation.Deadline:O}: "
                + "it was cut off so that this report reaches Lambda before the sandbox is frozen.");
        }
    }

    /// Logs and posts the error for a failure; nothing here may throw, whatever the failure did to the process.
    private async Task ReportAsync(string requestId, JsonLog requestLog, Exception failure, CancellationToken stop)
    {
        ErrorResponse error;
        try { error = Describe(failure); }
        catch (Exception)
        {
            // Typically out of memory: the prepared report keeps the errorType, which is what the workflow acts on.
            error = _fallbacks.GetValueOrDefault(failure is FunctionException f ? f.ErrorType : ErrorTypes.UnexpectedError)
                ?? _fallbacks[ErrorTypes.UnexpectedError];
        }
        TryLog(requestLog, "invocation failed", error.ErrorType, error.ErrorMessage);
        try
        {
            await api.ReportErrorAsync(requestId, error, stop);
        }
        catch (Exception e) when (!IsStop(e, stop))
        {
            // Lost for this invocation (Lambda times it out), but the loop serves the next one.
            TryLog(requestLog, "the error report could not be posted", error.ErrorType, $"{e.GetType().Name}: {BoundedText.Cut(e.Message, MaxErrorMessageChars)}");
        }
    }

    /// The catalogue's errorType for a failure, and its message cut to the bound whatever its size.
    private static ErrorResponse Describe(Exception failure) => failure switch
    {
        FunctionException f => new ErrorResponse(f.ErrorType, BoundedText.Cut(f.Message, MaxErrorMessageChars)),
        // Anything else is a defect, or an AWS answer read without checks; a JsonException here never came from the
        // event itself (JsonHandler reports those as InvalidInput), so it is not the caller's fault either.
        _ => Unexpected(failure.GetType().Name, failure.Message),
    };

    private static ErrorResponse Unexpected(string typeName, string message) =>
        new(ErrorTypes.UnexpectedError, $"{typeName}: {BoundedText.Cut(message, Math.Max(0, MaxErrorMessageChars - typeName.Length - 2))}");

    private static void TryLog(JsonLog requestLog, string message, string errorType, string errorMessage)
    {
        try { requestLog.Error(message, ("errorType", errorType), ("errorMessage", errorMessage)); }
        catch (Exception)
        {
            // A log line that cannot be written (out of memory, a closed stdout) must not cost the invocation its report.
        }
    }

    private static bool IsStop(Exception e, CancellationToken stop) => e is OperationCanceledException && stop.IsCancellationRequested;

    /// The Runtime API refused the handler's response: the work was done, the answer is lost.
    private sealed class ResponseRejectedException(HttpRequestException refusal)
        : FunctionException(ErrorTypes.ResponseRejected, $"The Runtime API refused the response: {refusal.Message}");
}
