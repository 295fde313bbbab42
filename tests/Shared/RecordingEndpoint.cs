using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Failover.Tests.Shared;

/// A fake AWS endpoint on 127.0.0.1 that records every request and answers from a script.
public sealed class RecordingEndpoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(int Status, string Body, string ContentType)> _script = new();

    public RecordingEndpoint()
    {
        var port = MotoServer.FreePort();
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)> Requests { get; } = new();

    /// Queues the next answer; once the script runs out every request gets 200 `{}`.
    public void Then(int status, string body, string contentType = "application/x-amz-json-1.1") => _script.Enqueue((status, body, contentType));

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            var body = await new StreamReader(context.Request.InputStream, Encoding.UTF8).ReadToEndAsync();
            Requests.Enqueue((context.Request.HttpMethod, context.Request.Url!.PathAndQuery,
                context.Request.Headers.AllKeys.ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase), body));
            var (status, text, contentType) = _script.TryDequeue(out var next) ? next : (200, "{}", "application/json");
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            context.Response.Headers["x-amzn-RequestId"] = $"req-{Requests.Count}";
            var bytes = Encoding.UTF8.GetBytes(text);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}
