using Failover.Functions.Handlers;

namespace Failover.Functions.Tests.Handlers;

/// How the sources' verdicts become the primary's health and its confirmation (docs/functions.md, "The decision table").
public sealed class HealthEvidenceTests
{
    private static Evidence E(string source, Health verdict) => new(source, verdict, "detail");

    private const string Probe = "direct-probe";
    private const string Endpoint = "route53-endpoint";
    private const string Alarms = "primary-alarms";
    private const string Trigger = "trigger";

    private static readonly Health[] Verdicts = [Health.Healthy, Health.Unhealthy, Health.Unknown];

    /// Every combination of the four sources, each absent or one of the three verdicts.
    public static TheoryData<Health?, Health?, Health?, Health?> AllSituations()
    {
        Health?[] each = [null, Health.Healthy, Health.Unhealthy, Health.Unknown];
        var data = new TheoryData<Health?, Health?, Health?, Health?>();
        foreach (var probe in each)
        foreach (var endpoint in each)
        foreach (var alarms in each)
        foreach (var trigger in each)
            data.Add(probe, endpoint, alarms, trigger);
        return data;
    }

    private static List<Evidence> Situation(Health? probe, Health? endpoint, Health? alarms, Health? trigger)
    {
        var evidence = new List<Evidence>();
        if (trigger is { } t) evidence.Add(E(Trigger, t));
        if (endpoint is { } r) evidence.Add(E(Endpoint, r));
        if (alarms is { } a) evidence.Add(E(Alarms, a));
        if (probe is { } p) evidence.Add(E(Probe, p));
        return evidence;
    }

    [Theory]
    [MemberData(nameof(AllSituations))]
    public void Health_is_unhealthy_only_when_the_direct_probe_does_not_see_the_application_answering(
        Health? probe, Health? endpoint, Health? alarms, Health? trigger)
    {
        Health?[] all = [probe, endpoint, alarms, trigger];
        var expected = all.Contains(Health.Unhealthy)
            ? probe == Health.Healthy ? Health.Unknown : Health.Unhealthy
            : all.Contains(Health.Healthy) ? Health.Healthy : Health.Unknown;

        HealthEvidence.Combine(Situation(probe, endpoint, alarms, trigger)).Should().Be(expected);
    }

    [Theory]
    [MemberData(nameof(AllSituations))]
    public void Confirmed_needs_the_direct_probe_and_another_family_to_say_unhealthy(
        Health? probe, Health? endpoint, Health? alarms, Health? trigger)
    {
        var expected = probe == Health.Unhealthy && (endpoint == Health.Unhealthy || alarms == Health.Unhealthy || trigger == Health.Unhealthy);

        HealthEvidence.Confirmed(Situation(probe, endpoint, alarms, trigger)).Should().Be(expected);
    }

    [Fact]
    public void The_trigger_and_the_primarys_alarms_are_one_family_and_do_not_confirm_each_other()
    {
        HealthEvidence.FamilyOf(Trigger).Should().Be(HealthEvidence.FamilyOf(Alarms));
        HealthEvidence.Confirmed([E(Trigger, Health.Unhealthy), E(Alarms, Health.Unhealthy)]).Should().BeFalse();
        HealthEvidence.Confirmed([E(Trigger, Health.Unhealthy), E(Alarms, Health.Unhealthy), E(Endpoint, Health.Unhealthy)]).Should().BeFalse();
        new[] { Probe, Endpoint, Alarms }.Select(HealthEvidence.FamilyOf).Should().OnlyHaveUniqueItems();
    }

    /// Route 53's API and its DNS answer report the same checkers: one family, whichever of them answers.
    [Fact]
    public void Route_53s_dns_answer_and_its_api_are_one_family()
    {
        HealthEvidence.FamilyOf(HealthAnswerProbe.Source).Should().Be(HealthEvidence.FamilyOf(Endpoint));
        HealthEvidence.FamilyOf(HealthAnswerProbe.Source).Should().NotBe(HealthEvidence.FamilyOf(Alarms));
    }

    [Fact]
    public void Whatever_the_sources_say_confirmation_implies_an_unhealthy_primary()
    {
        foreach (var probe in Verdicts)
        foreach (var endpoint in Verdicts)
        foreach (var alarms in Verdicts)
        {
            var evidence = Situation(probe, endpoint, alarms, null);
            if (HealthEvidence.Confirmed(evidence)) HealthEvidence.Combine(evidence).Should().Be(Health.Unhealthy);
        }
    }

    // Route 53: "If more than 18% of health checkers report that an endpoint is healthy, Route 53 considers it healthy."
    [Theory]
    [InlineData(0, 0, Health.Unknown)]
    [InlineData(0, 16, Health.Unhealthy)]
    [InlineData(2, 16, Health.Unhealthy)]   // 12.5 %
    [InlineData(3, 16, Health.Healthy)]     // 18.75 %: a minority, and healthy
    [InlineData(9, 50, Health.Unhealthy)]   // exactly 18 %
    [InlineData(10, 50, Health.Healthy)]    // 20 %
    [InlineData(1, 5, Health.Healthy)]      // 20 %
    [InlineData(16, 16, Health.Healthy)]
    public void The_endpoint_is_judged_by_route_53s_own_18_percent_rule(int successes, int reports, Health expected) =>
        HealthEvidence.EndpointVerdict(successes, reports).Should().Be(expected);
}

/// decide's own GET of the primary's health URL, through the client production makes (DirectProbe.CreateClient).
public sealed class HealthEvidenceDirectProbeTests : IDisposable
{
    private readonly HttpClient _http = DirectProbe.CreateClient();
    // The most decide ever gives (1.53 s per attempt): a loaded test machine must not turn a slow first answer into a failed attempt.
    private static readonly TimeSpan Budget = HealthEvidence.MaxBudget;

    public void Dispose() => _http.Dispose();

    private Task<Evidence> ProbeAsync(string url, TimeSpan? budget = null) =>
        new DirectProbe(_http, TimeProvider.System).ProbeAsync(new Uri(url), budget ?? Budget, CancellationToken.None);

    private static string HealthPath(string url) => url + "/health";

    [Theory]
    [InlineData(200)]
    [InlineData(204)]
    [InlineData(301)]
    [InlineData(399)]
    public async Task A_2xx_or_3xx_answer_is_healthy_at_the_first_attempt(int status)
    {
        using var app = new RecordingEndpoint();
        app.Then(status, "", "text/plain");

        var evidence = await ProbeAsync(HealthPath(app.Url));

        evidence.Source.Should().Be("direct-probe");
        evidence.Verdict.Should().Be(Health.Healthy, evidence.Detail);
        evidence.Detail.Should().Contain($"1: HTTP {status}");
        app.Requests.Should().ContainSingle(evidence.Detail).Which.Path.Should().Be("/health");
    }

    [Fact]
    public async Task A_redirect_is_an_answer_and_is_not_followed()
    {
        using var app = new RedirectingApp();

        var evidence = await ProbeAsync(app.Url + "/health");

        evidence.Verdict.Should().Be(Health.Healthy, evidence.Detail);
        evidence.Detail.Should().Contain("HTTP 302");
        app.Paths.Should().OnlyContain(p => p == "/health", evidence.Detail);
    }

    [Fact]
    public async Task Any_other_status_on_every_attempt_is_unhealthy_and_the_detail_says_what_each_attempt_saw()
    {
        using var app = new RecordingEndpoint();
        app.Then(503, "busy", "text/plain");
        app.Then(500, "oops", "text/plain");
        app.Then(404, "gone", "text/plain");

        var evidence = await ProbeAsync(HealthPath(app.Url));

        evidence.Verdict.Should().Be(Health.Unhealthy);
        evidence.Detail.Should().Contain("failed 3 times").And.Contain("1: HTTP 503").And.Contain("2: HTTP 500").And.Contain("3: HTTP 404");
        app.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task One_failed_attempt_followed_by_an_answer_is_healthy()
    {
        using var app = new RecordingEndpoint();
        app.Then(502, "", "text/plain");
        app.Then(200, "ok", "text/plain");

        var evidence = await ProbeAsync(HealthPath(app.Url));

        evidence.Verdict.Should().Be(Health.Healthy, evidence.Detail);
        evidence.Detail.Should().Contain("1: HTTP 502").And.Contain("2: HTTP 200");
        app.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task A_refused_connection_is_unhealthy()
    {
        var evidence = await ProbeAsync($"http://127.0.0.1:{MotoServer.FreePort()}/health");

        evidence.Verdict.Should().Be(Health.Unhealthy);
        evidence.Detail.Should().Contain("connection refused");
    }

    [Fact]
    public async Task A_reset_connection_is_unhealthy()
    {
        using var app = new FaultProxy($"http://127.0.0.1:{MotoServer.FreePort()}");
        app.Inject(Fault.Reset);

        var evidence = await ProbeAsync(HealthPath(app.Url));

        evidence.Verdict.Should().Be(Health.Unhealthy, evidence.Detail);
        app.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task A_health_path_that_never_answers_is_unhealthy_within_the_budget()
    {
        using var app = new FaultProxy($"http://127.0.0.1:{MotoServer.FreePort()}");
        app.Inject(Fault.Hang);
        var budget = TimeSpan.FromSeconds(1.5);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var evidence = await ProbeAsync(HealthPath(app.Url), budget);

        clock.Elapsed.Should().BeLessThan(budget + TimeSpan.FromMilliseconds(500));
        evidence.Verdict.Should().Be(Health.Unhealthy);
        evidence.Detail.Should().Contain("no answer in 366 ms");
        app.Requests.Should().HaveCount(3);
    }

    [Theory]
    [InlineData(5.0, 1533)]
    [InlineData(4.5, 1366)]
    [InlineData(1.0, 200)]
    [InlineData(30.0, 2000)]
    public void Each_attempt_gets_a_third_of_what_the_pauses_leave_and_at_most_2_s(double budgetSeconds, int attemptMs) =>
        ((int)DirectProbe.AttemptTime(TimeSpan.FromSeconds(budgetSeconds)).TotalMilliseconds).Should().Be(attemptMs);

    // The URL names the load balancer; its certificate is for the application's domain (here: no name at all, self-signed).
    [Fact]
    public async Task An_https_health_url_answers_healthy_without_its_certificate_being_validated()
    {
        using var app = new TlsApp();

        var evidence = await ProbeAsync($"https://localhost:{app.Port}/health");

        evidence.Verdict.Should().Be(Health.Healthy, evidence.Detail);
        app.Handshakes.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_tls_handshake_that_fails_is_unhealthy()
    {
        using var app = new RecordingEndpoint();

        var evidence = await ProbeAsync(HealthPath(app.Url.Replace("http://", "https://", StringComparison.Ordinal)));

        evidence.Verdict.Should().Be(Health.Unhealthy, evidence.Detail);
        evidence.Detail.Should().Contain("failed 3 times");
    }

    [Fact]
    public async Task The_detail_stays_short_whatever_the_url()
    {
        var evidence = await ProbeAsync($"http://127.0.0.1:{MotoServer.FreePort()}/{new string('h', 5000)}");

        evidence.Detail.Length.Should().BeLessThan(600);
    }

    /// Answers every request with a 302 to /elsewhere, and records the paths asked for.
    private sealed class RedirectingApp : IDisposable
    {
        private readonly System.Net.HttpListener _listener = new();

        public RedirectingApp()
        {
            Url = $"http://127.0.0.1:{MotoServer.FreePort()}";
            _listener.Prefixes.Add(Url + "/");
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    System.Net.HttpListenerContext context;
                    try { context = await _listener.GetContextAsync(); }
                    catch (Exception e) when (e is System.Net.HttpListenerException or ObjectDisposedException) { return; }
                    Paths.Enqueue(context.Request.Url!.AbsolutePath);
                    context.Response.StatusCode = 302;
                    context.Response.RedirectLocation = Url + "/elsewhere";
                    context.Response.Close();
                }
            });
        }

        public string Url { get; }
        public System.Collections.Concurrent.ConcurrentQueue<string> Paths { get; } = new();
        public void Dispose() => _listener.Close();
    }
}

/// An HTTPS server with a self-signed certificate for no name in particular, answering 200 to anything.
internal sealed class TlsApp : IDisposable
{
    private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);
    private int _handshakes;

    public TlsApp()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=app.example.com", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(
            created.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx), null);
        _listener.Start();
        Port = ((System.Net.IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                System.Net.Sockets.TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(); }
                catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException) { return; }
                _ = Task.Run(async () =>
                {
                    using var _ = client;
                    try
                    {
                        await using var tls = new System.Net.Security.SslStream(client.GetStream());
                        await tls.AuthenticateAsServerAsync(certificate);
                        Interlocked.Increment(ref _handshakes);
                        var buffer = new byte[4096];
                        if (await tls.ReadAsync(buffer) == 0) return;
                        await tls.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
                    }
                    catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException) { }
                });
            }
        });
    }

    public int Port { get; }
    public int Handshakes => Volatile.Read(ref _handshakes);
    public void Dispose() => _listener.Stop();
}
