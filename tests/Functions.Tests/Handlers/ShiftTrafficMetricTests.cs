using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Failover.Functions.Runtime;
using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Handlers;

/// The metric gate (the default): shift-traffic moves a gate by publishing one data point to the gate's own namespace in the region
/// that holds its switch; Route 53's health checkers read that metric. Effects are read back from moto with boto3.
[Collection("moto")]
public sealed class ShiftTrafficMetricTests(MotoServer moto)
{
    private const string PrimaryGate = "Failover/TrafficGate/failover-primary";
    private const string SecondaryGate = "Failover/TrafficGate/failover-secondary";

    /// The secondary's function: the primary's gate only, its switch in the secondary's own region.
    private static Dictionary<string, string> Secondary() => new()
    {
        ["TRAFFIC_GATE_MODE"] = "metric", ["PRIMARY_GATE_NAMESPACE"] = PrimaryGate, ["PRIMARY_GATE_REGION"] = "us-west-2", ["GATE_PERIOD_SECONDS"] = "1",
    };

    /// The primary's function (us-east-1): the primary's gate in the secondary's region, and the secondary's gate in its own.
    private static Dictionary<string, string> Primary() => new(Secondary())
    {
        ["AWS_REGION"] = "us-east-1", ["SECONDARY_GATE_NAMESPACE"] = SecondaryGate, ["SECONDARY_GATE_REGION"] = "us-east-1",
    };

    private async Task<double[]> Points(World world, string metricNamespace, string region) =>
        [.. (await world.Ask("gate-metric", metricNamespace, region))!["points"]!.AsArray().Select(p => p!.GetValue<double>())];

    [Fact]
    public async Task Failover_closes_the_primarys_gate_with_one_data_point_in_the_secondarys_region()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.InvokeHoldingLockAsync("shift-traffic", """{"action":"failover"}""", Secondary());

        (await Points(world, PrimaryGate, "us-west-2")).Should().Equal(1);
        (await Points(world, PrimaryGate, "us-east-1")).Should().BeEmpty("nothing is asked of the primary's region");
        response["shifted"]!.GetValue<bool>().Should().BeTrue();
        response["inverted"]!.GetValue<bool>().Should().BeTrue();
        response["mode"]!.GetValue<string>().Should().Be("metric");
        response["gate"]!.GetValue<string>().Should().Be(PrimaryGate);
    }

    [Fact]
    public async Task Failback_opens_the_primarys_gate_in_the_next_period_and_reopens_the_secondarys()
    {
        var world = await World.ArrangeAsync(moto);
        await world.InvokeHoldingLockAsync("shift-traffic", """{"action":"failover"}""", Secondary());
        var closedAt = DateTimeOffset.UtcNow;

        var response = await world.InvokeHoldingLockAsync("shift-traffic", """{"action":"failback"}""", Primary());

        // The open lands in a later one-second period than the close, so the period's Maximum cannot hide it.
        (DateTimeOffset.UtcNow.ToUnixTimeSeconds() > closedAt.ToUnixTimeSeconds()).Should().BeTrue();
        (await Points(world, PrimaryGate, "us-west-2")).Should().Equal(1, 0);
        (await Points(world, SecondaryGate, "us-east-1")).Should().Equal(0);
        response["inverted"]!.GetValue<bool>().Should().BeFalse();
        response["degraded"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task A_failback_that_cannot_reach_the_secondarys_region_closes_the_secondarys_gate_instead()
    {
        var world = await World.ArrangeAsync(moto);
        var environment = Primary();
        // The secondary's region does not answer: its CloudWatch endpoint refuses connections.
        environment["AWS_ENDPOINT_URL_CLOUDWATCH_US_WEST_2"] = "http://127.0.0.1:9";

        var response = await world.InvokeHoldingLockAsync("shift-traffic", """{"action":"failback"}""", environment);

        (await Points(world, SecondaryGate, "us-east-1")).Should().Equal(1);
        response["degraded"]!.GetValue<bool>().Should().BeTrue();
        response["gate"]!.GetValue<string>().Should().Be(SecondaryGate);
        response["shifted"]!.GetValue<bool>().Should().BeTrue("both records unhealthy: Route 53 answers PRIMARY");
    }

    [Fact]
    public async Task A_failback_refused_by_the_secondarys_region_fails_and_closes_nothing()
    {
        var world = await World.ArrangeAsync(moto);
        using var refusing = new Refusing();
        var environment = Primary();
        environment["AWS_ENDPOINT_URL_CLOUDWATCH_US_WEST_2"] = refusing.Url;

        var act = () => world.InvokeHoldingLockAsync("shift-traffic", """{"action":"failback"}""", environment);

        // AccessDenied is an answer: the region is there, and closing the other gate would hide the real problem.
        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be("AwsServiceError");
        (await Points(world, SecondaryGate, "us-east-1")).Should().BeEmpty();
    }

    [Fact]
    public async Task A_drill_publishes_nothing()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.InvokeHoldingLockAsync("shift-traffic", """{"action":"drill"}""", Primary());

        response["shifted"]!.GetValue<bool>().Should().BeFalse();
        (await Points(world, PrimaryGate, "us-west-2")).Should().BeEmpty();
        (await Points(world, SecondaryGate, "us-east-1")).Should().BeEmpty();
    }

    [Theory]
    [InlineData("PRIMARY_GATE_NAMESPACE", null, "PRIMARY_GATE_NAMESPACE is not set")]
    [InlineData("PRIMARY_GATE_REGION", "uswest2", "PRIMARY_GATE_REGION must be an AWS region name")]
    [InlineData("SECONDARY_GATE_REGION", null, "SECONDARY_GATE_NAMESPACE and SECONDARY_GATE_REGION go together")]
    [InlineData("GATE_PERIOD_SECONDS", "0", "GATE_PERIOD_SECONDS must be a whole number from 1 to 3600")]
    public async Task A_bad_gate_setting_is_named_before_any_call(string name, string? value, string message)
    {
        var world = await World.ArrangeAsync(moto);
        var environment = Primary();
        if (value is null) environment.Remove(name);
        else environment[name] = value;
        environment["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9";
        var env = world.Environment();
        foreach (var (k, v) in environment) env[k] = v;
        if (value is null) env.Remove(name);

        var act = () => World.Invoke("shift-traffic", """{"action":"failover"}""", env, TimeProvider.System);

        (await act.Should().ThrowAsync<ConfigurationException>()).Which.Message.Should().Contain(message);
    }

    [Fact]
    public async Task Each_publish_goes_to_the_gate_regions_cloudwatch_signed_for_that_region()
    {
        using var transport = new Recording();
        var environment = new Dictionary<string, string>(Primary())
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "secret", ["CONTROL_TABLE_NAME"] = "failover-control",
        };

        await World.Invoke("shift-traffic", $$"""{"action":"failback","lockId":"{{transport.Token}}"}""", environment, TimeProvider.System, transport: transport);

        transport.Seen.Select(s => (s.Uri.Host, s.Scope, s.Namespace)).Should().Equal(
            ("monitoring.us-west-2.amazonaws.com", "us-west-2/monitoring", PrimaryGate),
            ("monitoring.us-east-1.amazonaws.com", "us-east-1/monitoring", SecondaryGate));
    }

    /// Answers every request with success, and remembers where it went, how it was signed and which namespace it published to.
    private sealed class Recording : HttpMessageHandler
    {
        public ConcurrentQueue<(Uri Uri, string Scope, string? Namespace)> Seen { get; } = new();

        /// The run's token: the control table answers that it holds the lock for a failback.
        public string Token { get; } = Guid.NewGuid().ToString();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.TryGetValues("X-Amz-Target", out var target) && target.Single() == "DynamoDB_20120810.GetItem")
                return new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent(Aws.LockTableStub.Item(Failover.Functions.Aws.LockToken.Hash(Token), "failback"), Encoding.UTF8, "application/x-amz-json-1.0"),
                };
            var scope = request.Headers.GetValues("Authorization").Single().Split("Credential=")[1].Split(',')[0].Split('/');
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            var form = body.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1]));
            Seen.Enqueue((request.RequestUri!, $"{scope[2]}/{scope[3]}", form.GetValueOrDefault("Namespace")));
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("<PutMetricDataResponse><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PutMetricDataResponse>",
                    Encoding.UTF8, "text/xml"),
            };
        }
    }

    /// A CloudWatch that refuses: 403 AccessDenied.
    private sealed class Refusing : IDisposable
    {
        private readonly HttpListener _listener = new();

        public Refusing()
        {
            var port = MotoServer.FreePort();
            Url = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    try
                    {
                        var context = await _listener.GetContextAsync();
                        var bytes = Encoding.UTF8.GetBytes("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error></ErrorResponse>");
                        context.Response.StatusCode = 403;
                        context.Response.ContentType = "text/xml";
                        await context.Response.OutputStream.WriteAsync(bytes);
                        context.Response.Close();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            });
        }

        public string Url { get; }

        public void Dispose() => _listener.Close();
    }
}
