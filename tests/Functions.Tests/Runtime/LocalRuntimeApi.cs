using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Threading.Channels;

namespace Failover.Functions.Tests.Runtime;

/// What the function sent back for one event: a response, or an error with its type; when it arrived, and the event's deadline (none for an init error).
public sealed record RuntimeResult(bool IsError, string Body, string? ErrorType, DateTimeOffset ReceivedAt, DateTimeOffset? Deadline);

/// A local Lambda Runtime API on 127.0.0.1: queues events for /next and records /response, /error and /init/error.
public sealed class LocalRuntimeApi : IDisposable
{
    private const string Prefix = "/2018-06-01/runtime";
    private readonly HttpListener _listener = new();
    private readonly Channel<(string Id, string Body, DateTimeOffset Deadline, string? Trace)> _events = Channel.CreateUnbounded<(string, string, DateTimeOffset, string?)>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RuntimeResult>> _results = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _deadlines = new();
    private readonly TaskCompletionSource<RuntimeResult> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();

    public LocalRuntimeApi()
    {
        var port = MotoServer.FreePort();
        Address = $"127.0.0.1:{port}";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    /// The value for AWS_LAMBDA_RUNTIME_API.
    public string Address { get; }

    public Task<RuntimeResult> InitError => _initError.Task;

    /// Lambda refuses responses over 6 MB with 413; tests set a smaller bound.
    public int MaxResponseBytes { get; set; } = 6 * 1024 * 1024;

    /// Queues an event and returns what the function answers for it.
    public Task<RuntimeResult> Invoke(string body, TimeSpan? timeLeft = null, string? traceId = null, string? requestId = null)
    {
        var id = requestId ?? Guid.NewGuid().ToString();
        var done = _results.GetOrAdd(id, _ => new TaskCompletionSource<RuntimeResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        // Whole milliseconds, as the Lambda-Runtime-Deadline-Ms header carries it.
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds((DateTimeOffset.UtcNow + (timeLeft ?? TimeSpan.FromSeconds(30))).ToUnixTimeMilliseconds());
        _deadlines[id] = deadline;
        _events.Writer.TryWrite((id, body, deadline, traceId));
        return done.Task;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (HttpListenerException) { return; }
            catch (ObjectDisposedException) { return; }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var receivedAt = DateTimeOffset.UtcNow;
        var path = context.Request.Url!.AbsolutePath;
        var response = context.Response;
        try
        {
            if (context.Request.HttpMethod == "GET" && path == $"{Prefix}/invocation/next")
            {
                var (id, body, deadline, trace) = await _events.Reader.ReadAsync(_stop.Token);
                response.Headers["Lambda-Runtime-Aws-Request-Id"] = id;
                response.Headers["Lambda-Runtime-Deadline-Ms"] = deadline.ToUnixTimeMilliseconds().ToString();
                response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = "arn:aws:lambda:us-west-2:123456789012:function:failover-test";
                if (trace is not null) response.Headers["Lambda-Runtime-Trace-Id"] = trace;
                await Write(response, 200, body);
                return;
            }
            var text = await new StreamReader(context.Request.InputStream, Encoding.UTF8).ReadToEndAsync();
            var errorType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"];
            if (path == $"{Prefix}/init/error")
            {
                _initError.TrySetResult(new RuntimeResult(true, text, errorType, receivedAt, null));
                await Write(response, 202, """{"status":"OK"}""");
                return;
            }
            var parts = path[(Prefix.Length + "/invocation/".Length)..].Split('/');
            if (parts.Length == 2 && parts[1] == "response" && Encoding.UTF8.GetByteCount(text) > MaxResponseBytes)
            {
                await Write(response, 413, """{"errorMessage":"Response payload size exceeded maximum allowed payload size","errorType":"RequestEntityTooLarge"}""");
                return;
            }
            if (parts.Length == 2 && parts[1] is "response" or "error")
            {
                _results.GetOrAdd(parts[0], _ => new TaskCompletionSource<RuntimeResult>()).TrySetResult(new RuntimeResult(parts[1] == "error", text, errorType, receivedAt, _deadlines.GetValueOrDefault(parts[0])));
                await Write(response, 202, """{"status":"OK"}""");
                return;
            }
            await Write(response, 404, "{}");
        }
        catch (OperationCanceledException)
        {
            response.Abort();
        }
    }

    private static async Task Write(HttpListenerResponse response, int status, string body)
    {
        response.StatusCode = status;
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }
}
