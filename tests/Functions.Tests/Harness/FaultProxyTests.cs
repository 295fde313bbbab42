using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Failover.Functions.Tests.Harness;

public sealed class FaultProxyTests : IAsyncLifetime
{
    private const string PutItem = "DynamoDB_20120810.PutItem";
    private const string GetItem = "DynamoDB_20120810.GetItem";

    private readonly Upstream _upstream = new();
    private FaultProxy _proxy = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _proxy = new FaultProxy(_upstream.Url);
        _client = new HttpClient { BaseAddress = new Uri(_proxy.Url), Timeout = TimeSpan.FromSeconds(10) };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _proxy.DisposeAsync();
        _upstream.Dispose();
    }

    [Fact]
    public async Task Forwarding_preserves_method_path_body_host_and_signature_headers_and_returns_upstreams_answer()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/tables/t1?x=1&y=two%20words")
        {
            Content = new StringContent("""{"TableName":"t1"}""", Encoding.UTF8, "application/x-amz-json-1.0"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc");
        request.Headers.Add("X-Amz-Date", "20250101T000000Z");
        request.Headers.Add("X-Amz-Target", PutItem);

        using var response = await _client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"ok":true}""");
        response.Headers.GetValues("x-amzn-RequestId").Should().Equal("up-1");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var seen = _upstream.Seen.Should().ContainSingle().Subject;
        seen.Method.Should().Be("POST");
        seen.PathAndQuery.Should().Be("/tables/t1?x=1&y=two%20words");
        seen.Body.Should().Be("""{"TableName":"t1"}""");
        // The caller signed the proxy's host; upstream must see that, not its own address.
        seen.Headers["Host"].Should().Be(new Uri(_proxy.Url).Authority);
        seen.Headers["Authorization"].Should().StartWith("AWS4-HMAC-SHA256 Credential=AKID/").And.EndWith("Signature=abc");
        seen.Headers["X-Amz-Date"].Should().Be("20250101T000000Z");
        seen.Headers["X-Amz-Target"].Should().Be(PutItem);
        seen.Headers["Content-Type"].Should().Be("application/x-amz-json-1.0; charset=utf-8");
    }

    [Fact]
    public async Task Keeps_the_connection_alive_across_sequential_requests()
    {
        var connects = 0;
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancel) =>
            {
                Interlocked.Increment(ref connects);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(context.DnsEndPoint, cancel);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(_proxy.Url), Timeout = TimeSpan.FromSeconds(10) };

        (await client.PostAsync("/one", new StringContent("1"))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetStringAsync("/two")).Should().Be("""{"ok":true}""");

        connects.Should().Be(1);
        _upstream.Seen.Select(s => s.PathAndQuery).Should().Equal("/one", "/two");
    }

    [Fact]
    public async Task Accepts_a_chunked_request_body()
    {
        using var content = new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes("chunked payload")));

        using var response = await _client.PostAsync("/chunked", content);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _upstream.Seen.Should().ContainSingle().Which.Body.Should().Be("chunked payload");
        _proxy.Requests.Should().ContainSingle().Which.Request.Body.Should().Be("chunked payload");
    }

    [Fact]
    public async Task Status_fault_answers_without_forwarding()
    {
        _proxy.Inject(Fault.Status(500, """{"__type":"InternalServerError"}"""));

        using var response = await _client.PostAsync("/", new StringContent("{}"));

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"__type":"InternalServerError"}""");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/x-amz-json-1.0");
        _upstream.Seen.Should().BeEmpty();
    }

    [Fact]
    public async Task Hang_times_the_client_out_while_other_connections_carry_on()
    {
        _proxy.Inject(Fault.Hang, RequestMatch.Path("POST", "/hang"));
        using var impatient = new HttpClient { BaseAddress = new Uri(_proxy.Url), Timeout = TimeSpan.FromSeconds(1) };
        var clock = Stopwatch.StartNew();

        var hanging = impatient.PostAsync("/hang", new StringContent("x"));
        await WaitUntil(() => _proxy.Requests.Count == 1);
        using var normal = await _client.GetAsync("/normal");
        var act = () => hanging;

        normal.StatusCode.Should().Be(HttpStatusCode.OK);
        hanging.IsCompleted.Should().BeFalse("the normal request must not wait for the hanging one");
        await act.Should().ThrowAsync<TaskCanceledException>();
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9));
        _upstream.Seen.Select(s => s.PathAndQuery).Should().Equal("/normal");
    }

    [Fact]
    public async Task Reset_aborts_the_connection_without_forwarding()
    {
        _proxy.Inject(Fault.Reset);

        var act = () => _client.PostAsync("/", new StringContent("{}"));

        var thrown = await act.Should().ThrowAsync<HttpRequestException>();
        thrown.Which.InnerException.Should().Match(e => e is IOException || e is SocketException);
        // A reset, not a clean close (which HttpClient reports as "response ended prematurely").
        Chain(thrown.Which).OfType<SocketException>().Should().Contain(e => e.SocketErrorCode == SocketError.ConnectionReset);
        _upstream.Seen.Should().BeEmpty();
    }

    [Fact]
    public async Task Reset_after_forward_applies_the_change_and_loses_the_answer()
    {
        _proxy.Inject(Fault.ResetAfterForward);

        var act = () => _client.PostAsync("/", new StringContent("{\"change\":1}"));

        var thrown = await act.Should().ThrowAsync<HttpRequestException>();
        Chain(thrown.Which).OfType<SocketException>().Should().Contain(e => e.SocketErrorCode == SocketError.ConnectionReset);
        _upstream.Seen.Should().ContainSingle().Which.Body.Should().Be("{\"change\":1}");
    }

    [Fact]
    public async Task Garbage_after_forward_applies_the_change_but_answers_garbage()
    {
        _proxy.Inject(Fault.GarbageAfterForward());

        using var response = await _client.PostAsync("/", new StringContent("{\"change\":1}"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("<<not json or xml>>");
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        _upstream.Seen.Should().ContainSingle().Which.Body.Should().Be("{\"change\":1}");
    }

    [Fact]
    public async Task Before_forward_runs_its_action_before_upstream_sees_the_request()
    {
        var seenDuringAction = -1;
        using var direct = new HttpClient { BaseAddress = new Uri(_upstream.Url) };
        var seenAtActionEnd = -1;
        _proxy.Inject(Fault.BeforeForward(async () =>
        {
            seenDuringAction = _upstream.Seen.Count;
            (await direct.PostAsync("/concurrent-edit", new StringContent("edit"))).EnsureSuccessStatusCode();
            // Give a proxy that did not wait for the action time to forward early.
            await Task.Delay(300);
            seenAtActionEnd = _upstream.Seen.Count;
        }));

        using var response = await _client.PostAsync("/through-proxy", new StringContent("mine"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        seenDuringAction.Should().Be(0);
        seenAtActionEnd.Should().Be(1);
        _upstream.Seen.Select(s => s.PathAndQuery).Should().Equal("/concurrent-edit", "/through-proxy");
        _proxy.ForwardedCount(RequestMatch.Any).Should().Be(1);
    }

    [Fact]
    public async Task Delay_waits_then_forwards()
    {
        _proxy.Inject(Fault.Delay(TimeSpan.FromMilliseconds(500)));
        var clock = Stopwatch.StartNew();

        using var response = await _client.GetAsync("/slow");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(450));
        _upstream.Seen.Should().ContainSingle();
    }

    [Fact]
    public async Task A_forwarded_header_replaces_the_callers_upstream_and_the_record_keeps_what_the_caller_sent()
    {
        _proxy.SetForwardedHeader("User-Agent", "tests region/us-west-2");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/pinned") { Content = new StringContent("{}") };
        request.Headers.TryAddWithoutValidation("User-Agent", "caller region/us-east-1");
        request.Headers.Add("X-Amz-Target", PutItem);

        using var response = await _client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var seen = _upstream.Seen.Should().ContainSingle().Subject;
        seen.Headers["User-Agent"].Should().Be("tests region/us-west-2");
        seen.Headers["X-Amz-Target"].Should().Be(PutItem);
        _proxy.Requests.Should().ContainSingle().Which.Request.Headers["User-Agent"].Should().Be("caller region/us-east-1");
    }

    [Fact]
    public async Task One_at_a_time_forwards_matching_requests_singly_and_others_side_by_side()
    {
        using var slow = new SlowUpstream(TimeSpan.FromMilliseconds(300));
        await using var proxy = new FaultProxy(slow.Url);
        proxy.Inject(Fault.OneAtATime, RequestMatch.Target(PutItem));
        using var client = new HttpClient { BaseAddress = new Uri(proxy.Url), Timeout = TimeSpan.FromSeconds(20) };
        async Task Send(string target)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("{}") };
            request.Headers.Add("X-Amz-Target", target);
            using var response = await client.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Send(PutItem)));
        var writes = slow.MaxInFlight;
        slow.MaxInFlight = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Send(GetItem)));

        writes.Should().Be(1);
        slow.MaxInFlight.Should().BeGreaterThan(1, "only the matching requests wait for each other");
        slow.Served.Should().Be(8);
    }

    [Fact]
    public async Task Times_limits_how_often_a_rule_applies()
    {
        _proxy.Inject(Fault.Status(500, "{}"), times: 1);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++) statuses.Add((await _client.GetAsync($"/{i}")).StatusCode);

        statuses.Should().Equal(HttpStatusCode.InternalServerError, HttpStatusCode.OK, HttpStatusCode.OK);
        _upstream.Seen.Select(s => s.PathAndQuery).Should().Equal("/1", "/2");
    }

    [Fact]
    public async Task First_matching_rule_wins_and_removed_or_cleared_rules_stop_applying()
    {
        var first = _proxy.Inject(Fault.Status(503, "{}"));
        _proxy.Inject(Fault.Status(400, "{}"));

        var before = (await _client.GetAsync("/a")).StatusCode;
        first.Remove();
        var afterRemove = (await _client.GetAsync("/b")).StatusCode;
        _proxy.ClearFaults();
        var afterClear = (await _client.GetAsync("/c")).StatusCode;

        new[] { before, afterRemove, afterClear }.Should().Equal(HttpStatusCode.ServiceUnavailable, HttpStatusCode.BadRequest, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Target_matcher_is_exact_on_the_x_amz_target_header()
    {
        _proxy.Inject(Fault.Status(500, "{}"), RequestMatch.Target(PutItem));

        var put = await Send(PutItem);
        var getItem = await Send(GetItem);
        var longer = await Send(PutItem + "Batch");

        (put, getItem, longer).Should().Be((HttpStatusCode.InternalServerError, HttpStatusCode.OK, HttpStatusCode.OK));
        _proxy.ForwardedCount(RequestMatch.Target(PutItem)).Should().Be(0);
        _proxy.ForwardedCount(RequestMatch.Target(GetItem)).Should().Be(1);
    }

    [Fact]
    public async Task Other_matchers_pick_only_the_intended_request()
    {
        _proxy.Inject(Fault.Status(501, "{}"), RequestMatch.TargetEndsWith(".UpdateItem"));
        _proxy.Inject(Fault.Status(502, "{}"), RequestMatch.Path("DELETE", "/things/"));
        _proxy.Inject(Fault.Status(503, "{}"), RequestMatch.BodyContains("\"poison\""));

        var update = await Send("DynamoDB_20120810.UpdateItem");
        var updateLike = await Send("DynamoDB_20120810.UpdateItems");
        var delete = (await _client.DeleteAsync("/things/1")).StatusCode;
        var getOnPath = (await _client.GetAsync("/things/1")).StatusCode;
        var poison = (await _client.PostAsync("/", new StringContent("{\"x\":\"poison\"}"))).StatusCode;
        var clean = (await _client.PostAsync("/", new StringContent("{\"x\":\"fine\"}"))).StatusCode;

        new[] { update, updateLike, delete, getOnPath, poison, clean }.Should().Equal(
            (HttpStatusCode)501, HttpStatusCode.OK, (HttpStatusCode)502, HttpStatusCode.OK, (HttpStatusCode)503, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Requests_records_what_happened_to_each_request()
    {
        var status = Fault.Status(500, "{}");
        _proxy.Inject(status, RequestMatch.Target(PutItem), times: 1);
        _proxy.Inject(Fault.Reset, RequestMatch.Path("POST", "/reset"));

        await Send(PutItem);
        await Send(PutItem);
        await FluentActions.Awaiting(() => _client.PostAsync("/reset", new StringContent(""))).Should().ThrowAsync<HttpRequestException>();

        var requests = _proxy.Requests;
        requests.Select(r => (r.Request.Target, r.Forwarded, r.Fault, r.Status)).Should().Equal(
            (PutItem, false, status, 500),
            (PutItem, true, null, 200),
            (null, false, Fault.Reset, null));
        requests[0].Request.Headers["x-amz-target"].Should().Be(PutItem);
        requests[0].Request.Method.Should().Be("POST");
        requests[0].Request.PathAndQuery.Should().Be("/");
        requests[0].Request.Body.Should().Be("{}");
        _proxy.ForwardedCount(RequestMatch.Target(PutItem)).Should().Be(1);
        _proxy.ForwardedCount(RequestMatch.Any).Should().Be(1);
    }

    [Fact]
    public async Task Dispose_with_a_hanging_connection_completes_promptly()
    {
        _proxy.Inject(Fault.Hang);
        using var patient = new HttpClient { BaseAddress = new Uri(_proxy.Url), Timeout = Timeout.InfiniteTimeSpan };
        var hanging = patient.GetAsync("/hang");
        await WaitUntil(() => _proxy.Requests.Count == 1);

        var clock = Stopwatch.StartNew();
        await _proxy.DisposeAsync();
        _proxy.Dispose();

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
        // Closing the connection frees the client too, rather than leaving it waiting forever.
        await FluentActions.Awaiting(() => hanging).Should().ThrowAsync<HttpRequestException>();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(3));
        _upstream.Seen.Should().BeEmpty();
    }

    private async Task<HttpStatusCode> Send(string target)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("{}") };
        request.Headers.Add("X-Amz-Target", target);
        using var response = await _client.SendAsync(request);
        return response.StatusCode;
    }

    private static IEnumerable<Exception> Chain(Exception? e)
    {
        for (; e != null; e = e.InnerException) yield return e;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Condition not met within 5 s.");
            await Task.Delay(10);
        }
    }

    /// Forces HttpClient to send a chunked body: it cannot know the length up front.
    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }

    /// A tiny upstream on 127.0.0.1 that records each request and answers 200 {"ok":true}.
    /// Answers each request on its own task after a delay, counting how many it holds at once.
    private sealed class SlowUpstream : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly TimeSpan _delay;
        private int _inFlight, _maxInFlight, _served;

        public SlowUpstream(TimeSpan delay)
        {
            _delay = delay;
            Url = $"http://127.0.0.1:{MotoServer.FreePort()}";
            _listener.Prefixes.Add(Url + "/");
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public string Url { get; }
        public int MaxInFlight { get => Volatile.Read(ref _maxInFlight); set => Volatile.Write(ref _maxInFlight, value); }
        public int Served => Volatile.Read(ref _served);

        private async Task AcceptAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                _ = Task.Run(() => ServeAsync(context));
            }
        }

        private async Task ServeAsync(HttpListenerContext context)
        {
            var now = Interlocked.Increment(ref _inFlight);
            int seen;
            while ((seen = Volatile.Read(ref _maxInFlight)) < now && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen) { }
            await Task.Delay(_delay);
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Increment(ref _served);
            context.Response.StatusCode = 200;
            await context.Response.OutputStream.WriteAsync("{}"u8.ToArray());
            context.Response.Close();
        }

        public void Dispose() => _listener.Close();
    }

    private sealed class Upstream : IDisposable
    {
        private readonly HttpListener _listener = new();

        public Upstream()
        {
            Url = $"http://127.0.0.1:{MotoServer.FreePort()}";
            _listener.Prefixes.Add(Url + "/");
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public ConcurrentQueue<(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body)> Seen { get; } = new();

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                var body = await new StreamReader(context.Request.InputStream, Encoding.UTF8).ReadToEndAsync();
                Seen.Enqueue((context.Request.HttpMethod, context.Request.RawUrl!,
                    context.Request.Headers.AllKeys.ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase), body));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                context.Response.Headers["x-amzn-RequestId"] = $"up-{Seen.Count}";
                await context.Response.OutputStream.WriteAsync("""{"ok":true}"""u8.ToArray());
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
