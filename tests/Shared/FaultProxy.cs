using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Failover.Tests.Shared;

/// One request as the proxy received it from the client.
public sealed record ProxiedRequest(string Method, string PathAndQuery, string? Target, IReadOnlyDictionary<string, string> Headers, string Body);

/// One request and what the proxy did with it: sent upstream or not (an unreachable upstream still counts, answered 502), the fault applied, the status sent (null if none).
public sealed record ProxiedExchange(ProxiedRequest Request, bool Forwarded, Fault? Fault, int? Status);

/// What the proxy does to a matching request instead of (or around) a plain forward.
public abstract record Fault
{
    private Fault() { }

    /// Answers with this status and body without forwarding.
    public static Fault Status(int status, string body, string contentType = "application/x-amz-json-1.0") => new StatusFault(status, body, contentType);

    /// Reads the request and never answers; upstream never sees it.
    public static Fault Hang { get; } = new HangFault();

    /// Reads the request and aborts the connection with a TCP RST; upstream never sees it.
    public static Fault Reset { get; } = new ResetFault();

    /// Forwards (so the change is applied), then replaces upstream's body with garbage under a 200.
    public static Fault GarbageAfterForward(string garbage = "<<not json or xml>>") => new GarbageFault(garbage);

    /// Forwards (so the change is applied), then aborts the connection with a TCP RST instead of answering: the write landed, the
    /// caller cannot know.
    public static Fault ResetAfterForward { get; } = new ResetAfterForwardFault();

    /// Runs the action (e.g. a concurrent edit through another client), then forwards normally.
    public static Fault BeforeForward(Func<Task> action) => new BeforeForwardFault(action);

    /// Waits, then forwards normally.
    public static Fault Delay(TimeSpan delay) => new DelayFault(delay);

    /// Forwards matching requests one at a time (per proxy). DynamoDB applies a conditional write atomically; moto checks the
    /// condition and writes in two steps, so two concurrent writes can both pass it (with boto3 alone: 8 threads, 1 round in 30).
    /// In front of moto this makes concurrent lock writes behave as they do on DynamoDB; the condition still decides who wins.
    public static Fault OneAtATime { get; } = new OneAtATimeFault();

    /// See <see cref="Status"/>.
    public sealed record StatusFault(int Code, string Body, string ContentType) : Fault;
    /// See <see cref="Hang"/>.
    public sealed record HangFault : Fault;
    /// See <see cref="Reset"/>.
    public sealed record ResetFault : Fault;
    /// See <see cref="GarbageAfterForward"/>.
    public sealed record GarbageFault(string Garbage) : Fault;
    /// See <see cref="ResetAfterForward"/>.
    public sealed record ResetAfterForwardFault : Fault;
    /// See <see cref="BeforeForward"/>.
    public sealed record BeforeForwardFault(Func<Task> Action) : Fault;
    /// See <see cref="Delay"/>.
    public sealed record DelayFault(TimeSpan Duration) : Fault;
    /// See <see cref="OneAtATime"/>.
    public sealed record OneAtATimeFault : Fault;
}

/// Request matchers for <see cref="FaultProxy.Inject"/>.
public static class RequestMatch
{
    /// Every request.
    public static Func<ProxiedRequest, bool> Any { get; } = _ => true;

    /// Requests whose X-Amz-Target is exactly this (e.g. "DynamoDB_20120810.PutItem").
    public static Func<ProxiedRequest, bool> Target(string xAmzTarget) => r => string.Equals(r.Target, xAmzTarget, StringComparison.Ordinal);

    /// Requests whose X-Amz-Target ends with this (e.g. ".PutItem").
    public static Func<ProxiedRequest, bool> TargetEndsWith(string suffix) => r => r.Target?.EndsWith(suffix, StringComparison.Ordinal) == true;

    /// Requests with this method whose path and query start with this prefix.
    public static Func<ProxiedRequest, bool> Path(string method, string pathPrefix) =>
        r => string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase) && r.PathAndQuery.StartsWith(pathPrefix, StringComparison.Ordinal);

    /// Requests whose body contains this text.
    public static Func<ProxiedRequest, bool> BodyContains(string text) => r => r.Body.Contains(text, StringComparison.Ordinal);
}

/// A fault registered on a proxy; it applies to the first `times` matching requests until removed.
public sealed class FaultRule
{
    private readonly FaultProxy _owner;
    private int _remaining;

    internal FaultRule(FaultProxy owner, Fault fault, Func<ProxiedRequest, bool> when, int times)
    {
        _owner = owner;
        Fault = fault;
        When = when;
        _remaining = times;
    }

    /// The fault this rule applies.
    public Fault Fault { get; }

    internal Func<ProxiedRequest, bool> When { get; }

    /// Stops this rule applying to later requests.
    public void Remove() => _owner.Remove(this);

    // Called under the proxy's rule lock, so the count and "first match wins" are decided atomically.
    internal bool TryTake(ProxiedRequest request)
    {
        if (_remaining <= 0 || !When(request)) return false;
        if (_remaining != int.MaxValue) _remaining--;
        return true;
    }
}

/// A fault-injecting HTTP/1.1 proxy on 127.0.0.1 in front of an upstream (moto or a fake).
public sealed class FaultProxy : IAsyncDisposable, IDisposable
{
    // Hop-by-hop headers belong to one connection, never forwarded; lengths are recomputed.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
        { "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Expect", "Content-Length" };

    private readonly string _upstream;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly List<FaultRule> _rules = [];
    private readonly List<ProxiedExchange> _requests = [];
    private readonly ConcurrentDictionary<string, string> _forwardedHeaders = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        UseProxy = false,
    }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly Task _accepting;

    public FaultProxy(string upstreamUrl)
    {
        // Concatenated, not resolved as a relative Uri, so the path reaches upstream exactly as the caller signed it.
        _upstream = new Uri(upstreamUrl).GetLeftPart(UriPartial.Authority);
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = Task.Run(AcceptAsync);
    }

    /// The proxy's base address, e.g. http://127.0.0.1:PORT.
    public string Url { get; }

    /// Snapshot of every request handled so far, in the order their outcome was decided.
    public IReadOnlyList<ProxiedExchange> Requests { get { lock (_requests) return [.. _requests]; } }

    /// How many matching requests were forwarded to upstream.
    public int ForwardedCount(Func<ProxiedRequest, bool> match) => Requests.Count(e => e.Forwarded && match(e.Request));

    /// Adds a rule; the first matching rule (in order added) wins, for at most `times` requests.
    public FaultRule Inject(Fault fault, Func<ProxiedRequest, bool>? when = null, int times = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        var rule = new FaultRule(this, fault, when ?? RequestMatch.Any, times);
        lock (_rules) _rules.Add(rule);
        return rule;
    }

    /// Sets a header on every request forwarded from now on, in place of the caller's; Requests still shows what the caller sent.
    /// E.g. `User-Agent: region/us-west-2`, which moto reads before the signature's region: clients signing for two regions then
    /// share one moto table, as two regions share a strongly consistent global table.
    public void SetForwardedHeader(string name, string value) => _forwardedHeaders[name] = value;

    /// Removes every rule: all later requests are forwarded plainly.
    public void ClearFaults() { lock (_rules) _rules.Clear(); }

    internal void Remove(FaultRule rule) { lock (_rules) _rules.Remove(rule); }

    private Fault? Choose(ProxiedRequest request)
    {
        lock (_rules) return _rules.FirstOrDefault(r => r.TryTake(request))?.Fault;
    }

    private void Record(ProxiedRequest request, bool forwarded, Fault? fault, int? status)
    {
        lock (_requests) _requests.Add(new ProxiedExchange(request, forwarded, fault, status));
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException) { return; }
            _open.TryAdd(socket, 0);
            // Dispose may have swept the open set just before this socket joined it.
            if (_stop.IsCancellationRequested) socket.Close();
            // Each connection on its own task, so a hanging one never holds up the others.
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var reader = new RequestReader(stream);
            while (await reader.ReadRequestAsync(_stop.Token) is { } received)
            {
                if (!await HandleAsync(socket, stream, received)) return;
            }
        }
        // FormatException: a malformed request (bad chunk size or target) just drops the connection.
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or FormatException) { }
        finally
        {
            _open.TryRemove(socket, out _);
            socket.Close();
        }
    }

    // Returns false when the connection must not be used again.
    private async Task<bool> HandleAsync(Socket socket, NetworkStream stream, ReceivedRequest received)
    {
        var request = received.Request;
        var fault = Choose(request);
        switch (fault)
        {
            case Fault.StatusFault s:
                Record(request, false, fault, s.Code);
                await WriteAsync(stream, s.Code, null, [("Content-Type", s.ContentType)], Encoding.UTF8.GetBytes(s.Body), request.Method);
                return received.KeepAlive;
            case Fault.HangFault:
                Record(request, false, fault, null);
                // Drain until the client gives up (read returns 0) or dispose cancels; never answer.
                var sink = new byte[1024];
                while (await stream.ReadAsync(sink, _stop.Token) > 0) { }
                return false;
            case Fault.ResetFault:
                Record(request, false, fault, null);
                // A zero linger turns the Close in ServeAsync into an RST instead of a graceful FIN.
                socket.LingerState = new LingerOption(true, 0);
                return false;
            case Fault.BeforeForwardFault b:
                try { await b.Action(); }
                catch (Exception e) when (e is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    Record(request, false, fault, 502);
                    await WriteAsync(stream, 502, "Fault Action Failed", [("Content-Type", "text/plain")], Encoding.UTF8.GetBytes(e.ToString()), request.Method);
                    return received.KeepAlive;
                }
                break;
            case Fault.DelayFault d:
                await Task.Delay(d.Duration, _stop.Token);
                break;
        }

        var (status, reason, headers, body) = fault is Fault.OneAtATimeFault ? await ForwardAloneAsync(received) : await ForwardAsync(received);
        if (fault is Fault.ResetAfterForwardFault)
        {
            Record(request, true, fault, null);
            socket.LingerState = new LingerOption(true, 0);
            return false;
        }
        if (fault is Fault.GarbageFault g)
        {
            (status, reason, body) = (200, "OK", Encoding.UTF8.GetBytes(g.Garbage));
            headers = headers.Where(h => !h.Name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).ToList();
        }
        // Recorded before the client can see the answer, so a test reading Requests afterwards never races.
        Record(request, true, fault, status);
        await WriteAsync(stream, status, reason, headers, body, request.Method);
        return received.KeepAlive;
    }

    private async Task<(int Status, string? Reason, List<(string Name, string Value)> Headers, byte[] Body)> ForwardAloneAsync(ReceivedRequest received)
    {
        await _oneAtATime.WaitAsync(_stop.Token);
        try { return await ForwardAsync(received); }
        finally { _oneAtATime.Release(); }
    }

    private async Task<(int Status, string? Reason, List<(string Name, string Value)> Headers, byte[] Body)> ForwardAsync(ReceivedRequest received)
    {
        var request = received.Request;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), _upstream + request.PathAndQuery);
        var hasBody = received.Body.Length > 0 || received.RawHeaders.Any(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase));
        if (hasBody) message.Content = new ByteArrayContent(received.Body);
        var outgoing = received.RawHeaders.Where(h => !_forwardedHeaders.ContainsKey(h.Name))
            .Concat(_forwardedHeaders.Select(h => (Name: h.Key, Value: h.Value)));
        foreach (var (name, value) in outgoing)
        {
            if (HopByHop.Contains(name)) continue;
            // The caller's SigV4 signature covers Host, so upstream must see the Host the caller sent, not ours.
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)) message.Headers.Host = value;
            else if (!message.Headers.TryAddWithoutValidation(name, value)) message.Content?.Headers.TryAddWithoutValidation(name, value);
        }
        try
        {
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, _stop.Token);
            var headers = response.Headers.Concat(response.Content.Headers)
                .Where(h => !HopByHop.Contains(h.Key))
                .SelectMany(h => h.Value.Select(v => (h.Key, v)))
                .ToList();
            if (request.Method == "HEAD" && response.Content.Headers.ContentLength is { } length) headers.Add(("Content-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return ((int)response.StatusCode, response.ReasonPhrase, headers, await response.Content.ReadAsByteArrayAsync(_stop.Token));
        }
        catch (HttpRequestException e)
        {
            return (502, "Bad Gateway", [("Content-Type", "text/plain")], Encoding.UTF8.GetBytes($"fault proxy: upstream failed: {e.Message}"));
        }
    }

    private static async Task WriteAsync(NetworkStream stream, int status, string? reason, IEnumerable<(string Name, string Value)> headers, byte[] body, string method)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} {reason ?? ReasonFor(status)}\r\n");
        foreach (var (name, value) in headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        var isHead = method == "HEAD";
        if (!isHead) head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()));
        if (!isHead) await stream.WriteAsync(body);
        await stream.FlushAsync();
    }

    private static string ReasonFor(int status) =>
        Enum.IsDefined((HttpStatusCode)status) ? ((HttpStatusCode)status).ToString() : "Status";

    private void Shutdown()
    {
        if (!_stop.IsCancellationRequested) _stop.Cancel();
        _listener.Stop();
        // Closing the sockets is what frees hanging connections and the reads blocked on them.
        foreach (var socket in _open.Keys) socket.Close();
    }

    public void Dispose()
    {
        Shutdown();
        _accepting.Wait(TimeSpan.FromSeconds(2));
        _http.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        Shutdown();
        await Task.WhenAny(_accepting, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        _http.Dispose();
    }

    private sealed record ReceivedRequest(ProxiedRequest Request, List<(string Name, string Value)> RawHeaders, byte[] Body, bool KeepAlive);

    // A minimal HTTP/1.1 request parser over one connection: request line, headers, Content-Length or chunked body.
    private sealed class RequestReader(NetworkStream stream)
    {
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start, _end;

        public async Task<ReceivedRequest?> ReadRequestAsync(CancellationToken cancel)
        {
            string? line;
            // Tolerate stray blank lines between keep-alive requests.
            do { line = await ReadLineAsync(cancel); } while (line == "");
            if (line is null) return null;
            var parts = line.Split(' ', 3);
            if (parts.Length < 3) throw new IOException($"Bad request line: {line}");
            var (method, target, version) = (parts[0], parts[1], parts[2]);
            if (target.StartsWith("http", StringComparison.OrdinalIgnoreCase)) target = new Uri(target).PathAndQuery;

            var headers = new List<(string Name, string Value)>();
            while (await ReadLineAsync(cancel) is { Length: > 0 } header)
            {
                var colon = header.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0) headers.Add((header[..colon].Trim(), header[(colon + 1)..].Trim()));
            }
            string? Get(string name) => headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).LastOrDefault();

            // HttpClient waits (up to a second) for this before sending a body it marked Expect: 100-continue.
            if (Get("Expect")?.Equals("100-continue", StringComparison.OrdinalIgnoreCase) == true)
                await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), cancel);

            byte[] body;
            if (Get("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true) body = await ReadChunkedAsync(cancel);
            else body = await ReadExactAsync(int.TryParse(Get("Content-Length"), out var length) ? length : 0, cancel);

            var connection = Get("Connection") ?? "";
            var keepAlive = version == "HTTP/1.1"
                ? !connection.Contains("close", StringComparison.OrdinalIgnoreCase)
                : connection.Contains("keep-alive", StringComparison.OrdinalIgnoreCase);
            var combined = headers.GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(h => h.Value)), StringComparer.OrdinalIgnoreCase);
            var request = new ProxiedRequest(method, target, Get("X-Amz-Target"), combined, Encoding.UTF8.GetString(body));
            return new ReceivedRequest(request, headers, body, keepAlive);
        }

        private async Task<byte[]> ReadChunkedAsync(CancellationToken cancel)
        {
            using var body = new MemoryStream();
            while (true)
            {
                var sizeLine = await ReadLineAsync(cancel) ?? throw new IOException("Connection closed inside a chunked body.");
                var size = Convert.ToInt32(sizeLine.Split(';')[0].Trim(), 16);
                if (size == 0) break;
                body.Write(await ReadExactAsync(size, cancel));
                await ReadLineAsync(cancel);
            }
            // Trailers, up to the blank line that ends the message.
            while (await ReadLineAsync(cancel) is { Length: > 0 }) { }
            return body.ToArray();
        }

        private async Task<byte[]> ReadExactAsync(int count, CancellationToken cancel)
        {
            var result = new byte[count];
            var filled = 0;
            while (filled < count)
            {
                if (_start == _end && !await FillAsync(cancel)) throw new IOException("Connection closed inside a body.");
                var take = Math.Min(count - filled, _end - _start);
                Array.Copy(_buffer, _start, result, filled, take);
                (_start, filled) = (_start + take, filled + take);
            }
            return result;
        }

        // Null when the client closed the connection cleanly before a new line began.
        private async Task<string?> ReadLineAsync(CancellationToken cancel)
        {
            var line = new List<byte>();
            while (true)
            {
                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    line.AddRange(_buffer.AsSpan(_start, newline - _start));
                    _start = newline + 1;
                    return Encoding.Latin1.GetString([.. line]).TrimEnd('\r');
                }
                line.AddRange(_buffer.AsSpan(_start, _end - _start));
                _start = _end;
                if (!await FillAsync(cancel)) return line.Count == 0 ? null : throw new IOException("Connection closed mid-line.");
            }
        }

        private async Task<bool> FillAsync(CancellationToken cancel)
        {
            _start = 0;
            _end = await stream.ReadAsync(_buffer, cancel);
            return _end > 0;
        }
    }
}
