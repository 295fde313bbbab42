using System.Text.Json;
using Failover.Functions.Json;

namespace Failover.Functions.Runtime;

/// The runtime loop: next event, invoke, respond or report the error, forever. A failed invocation never stops the loop.
public sealed class LambdaLoop(IRuntimeApi api, IHandler handler, JsonLog log, TimeProvider time)
{
    /// Reported when a handler is still running at the invocation's deadline.
    public const string DeadlineExceeded = "DeadlineExceeded";

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Invocation invocation;
            try { invocation = await api.NextAsync(stop); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            await InvokeAsync(invocation, stop);
        }
    }

    public async Task InvokeAsync(Invocation invocation, CancellationToken stop)
    {
        // X-Ray reads the trace header from this variable (documented for custom runtimes).
        Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", invocation.TraceId);
        var requestLog = log.ForRequest(invocation.RequestId);
        var remaining = invocation.Deadline - time.GetUtcNow();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);

        ErrorResponse error;
        try
        {
            var context = new InvocationContext(invocation.RequestId, invocation.InvokedFunctionArn, invocation.Deadline, requestLog);
            var response = await handler.InvokeAsync(invocation.Body, context, deadline.Token);
            try
            {
                await api.RespondAsync(invocation.RequestId, response, stop);
                return;
            }
            catch (HttpRequestException e)
            {
                // The Runtime API refused the response (e.g. 413, too large): report that instead of dying.
                error = new ErrorResponse("ResponseRejected", $"The Runtime API refused the response: {e.Message}");
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            error = new ErrorResponse(DeadlineExceeded, $"The handler was still running at the deadline {invocation.Deadline:O}.");
        }
        catch (FunctionException e)
        {
            error = new ErrorResponse(e.ErrorType, e.Message);
        }
        catch (JsonException e)
        {
            error = new ErrorResponse("InvalidInput", e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error = new ErrorResponse(e.GetType().Name, e.Message);
        }
        requestLog.Error("invocation failed", ("errorType", error.ErrorType), ("errorMessage", error.ErrorMessage));
        try
        {
            await api.ReportErrorAsync(invocation.RequestId, error, stop);
        }
        catch (HttpRequestException e)
        {
            requestLog.Error("the Runtime API refused the error report", ("errorMessage", e.Message));
        }
    }
}
