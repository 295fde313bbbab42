using System.Text.Json.Nodes;
using Failover.Ops.Cli;

namespace Failover.Ops.Tests.Harness;

/// What one failoverctl run printed, and how it ended.
public sealed record Run(int Exit, string Stdout, string Stderr)
{
    public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("no JSON on stdout");

    public override string ToString() => $"exit {Exit}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// Both regions deployed in moto, a fake `pulumi` answering their outputs, a project folder, and a way to run failoverctl
/// in-process against them.
[Collection("moto")]
public abstract class OpsWorld(MotoServer moto) : IAsyncLifetime
{
    protected MotoServer Moto { get; } = moto;
    protected FakePulumi Pulumi { get; } = new();
    protected string ProjectDir { get; } = Directory.CreateTempSubdirectory("failover-project-").FullName;
    protected JsonObject Primary { get; private set; } = [];
    protected JsonObject Secondary { get; private set; } = [];

    /// The clock failoverctl sees; tests move it. Null: the real clock (deadlines measured on a frozen clock never arrive).
    protected DateTimeOffset? Now { get; set; } = DateTimeOffset.UtcNow;

    /// What a person at the terminal types; null: no terminal (a pipeline).
    protected string? Terminal { get; set; }

    /// How often a long wait says it is still waiting; null: failoverctl's own interval.
    protected TimeSpan? ProgressInterval { get; set; }

    /// Endpoint variables (AWS_ENDPOINT_URL_<SERVICE>) pointing failoverctl at a stand-in for what moto lacks.
    private readonly Dictionary<string, string> _standIns = new(StringComparer.Ordinal);

    public virtual async Task InitializeAsync()
    {
        await Moto.ResetAsync();
        var outputs = (await Moto.WorldAsync("setup"))!.AsObject();
        Primary = outputs["primary"]!.AsObject();
        Secondary = outputs["secondary"]!.AsObject();
        Pulumi.Outputs("primary", Primary);
        Pulumi.Outputs("secondary", Secondary);
        Pulumi.Config("primary", ("failover:role", "primary"), ("failover:defaultFlag", "auto"));
        Pulumi.Config("secondary", ("failover:role", "secondary"), ("failover:defaultFlag", "auto"));
        File.WriteAllText(Path.Combine(ProjectDir, "Pulumi.yaml"), "name: failover\nruntime: yaml\n");
    }

    public Task DisposeAsync()
    {
        Pulumi.Dispose();
        try { Directory.Delete(ProjectDir, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    protected Dictionary<string, string> Environment() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PATH"] = $"{Pulumi.Bin}:{System.Environment.GetEnvironmentVariable("PATH")}",
        ["HOME"] = System.Environment.GetEnvironmentVariable("HOME") ?? "/tmp",
        ["FAKE_PULUMI_DIR"] = Pulumi.Root,
        ["FAILOVERCTL_CACHE_DIR"] = Path.Combine(ProjectDir, "outputs-cache"),
        ["AWS_ENDPOINT_URL"] = Moto.Url,
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
    }.Concat(_standIns).ToDictionary(StringComparer.Ordinal);

    protected Task<Run> RunAsync(params string[] args) => RunAsync(Environment(), args);

    protected Task<Run> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunAsync(environment, args, new StringWriter(), null, CancellationToken.None);

    /// Runs until what it printed satisfies `enough`, then presses Ctrl-C (for a command that runs until then: `status --watch`).
    protected async Task<Run> RunUntilAsync(Func<string, bool> enough, params string[] args)
    {
        var stdout = new StringWriter();
        var shared = TextWriter.Synchronized(stdout);
        using var interrupt = new CancellationTokenSource();
        var run = RunAsync(Environment(), args, stdout, shared, interrupt.Token);
        var giveUp = DateTime.UtcNow.AddSeconds(60);
        while (!run.IsCompleted && DateTime.UtcNow < giveUp)
        {
            // The synchronized writer locks itself for each write: reading under the same lock sees whole writes.
            lock (shared)
                if (enough(stdout.ToString())) break;
            await Task.Delay(50);
        }
        await interrupt.CancelAsync();
        return await run;
    }

    /// `writer`: how stdout is written to, when not straight into `stdout`.
    private async Task<Run> RunAsync(IReadOnlyDictionary<string, string> environment, string[] args, StringWriter stdout, TextWriter? writer,
        CancellationToken cancellationToken)
    {
        var stderr = new StringWriter();
        var exit = await Failover.Ops.Cli.Cli.RunAsync(args, Context(environment, writer ?? stdout, stderr), cancellationToken);
        return new Run(exit, stdout.ToString(), stderr.ToString());
    }

    /// What failoverctl sees when a test runs it: this world's folder, clock and terminal.
    protected OpsContext Context(IReadOnlyDictionary<string, string> environment, TextWriter stdout, TextWriter stderr)
    {
        var context = new OpsContext
        {
            Environment = environment, Out = stdout, Err = stderr, WorkingDirectory = ProjectDir,
            Time = Now is null ? TimeProvider.System : new FixedTime(() => Now.Value), PollInterval = TimeSpan.FromMilliseconds(200),
            Interactive = Terminal is not null, In = new StringReader(Terminal ?? ""),
        };
        return ProgressInterval is { } interval ? context with { ProgressInterval = interval } : context;
    }

    protected async Task<JsonObject?> ItemAsync(string key, string region = "us-west-2", string table = "failover-control") =>
        (await Moto.WorldAsync("item", key, region, table)) as JsonObject;

    protected Task PutItemAsync(JsonObject item, string region = "us-west-2", string table = "failover-control") =>
        Moto.WorldAsync("put-item", item.ToJsonString(), region, table);

    /// Closes a stack's traffic gate the way the workflow does for its kind: a metric gate's alarm goes to ALARM in its switch
    /// region (its health check is untouched: Route 53 reads the metric); a route53-api gate, or an older stack's, is inverted.
    protected async Task CloseGateAsync(JsonObject outputs)
    {
        if (outputs["trafficGate"] is JsonObject { } gate && gate["kind"]!.GetValue<string>() == "metric")
            await Moto.WorldAsync("alarm", gate["switchRegion"]!.GetValue<string>(), gate["alarmName"]!.GetValue<string>(), "ALARM");
        else
            await Moto.WorldAsync("invert-gate", outputs["gateHealthCheckId"]!.GetValue<string>());
    }

    /// The healthy pair every readiness check passes on (world.py readiness): both plans, the same image and task definition in
    /// both regions, secrets, roles, a recent drill; Service Quotas and the IAM simulator answered by stand-ins (stand_ins.py).
    protected async Task UseReadinessWorldAsync()
    {
        var world = (await Moto.WorldAsync("readiness"))!;
        foreach (var (name, url) in world["endpoints"]!.AsObject()) _standIns[name] = url!.GetValue<string>();
    }

    /// Both stacks as deployed with `failover:trafficGate: route53-api`: a calculated gate check each, no alarm.
    protected async Task UseRoute53ApiGatesAsync()
    {
        foreach (var (stack, outputs) in new[] { ("primary", Primary), ("secondary", Secondary) })
        {
            var id = (await Moto.WorldAsync("route53-api-gate"))!["id"]!.GetValue<string>();
            outputs["gateHealthCheckId"] = id;
            outputs["trafficGate"] = new JsonObject { ["kind"] = "route53-api", ["healthCheckId"] = id };
            Pulumi.Outputs(stack, outputs);
        }
    }

    /// Both stacks as deployed with `failover:trafficGate: arc`: each routing control read from its cluster endpoints
    /// (`region=url,…`, tried in order).
    protected void UseArcGates(string primaryEndpoints, string secondaryEndpoints)
    {
        foreach (var (stack, outputs, endpoints) in new[] { ("primary", Primary, primaryEndpoints), ("secondary", Secondary, secondaryEndpoints) })
        {
            outputs["trafficGate"] = new JsonObject
            {
                ["kind"] = "arc", ["healthCheckId"] = outputs["gateHealthCheckId"]!.GetValue<string>(),
                ["routingControlArn"] = $"arn:aws:route53-recovery-control::123456789012:controlpanel/0123456789abcdef0123456789abcdef/routingcontrol/{stack}",
                ["clusterEndpoints"] = endpoints,
            };
            Pulumi.Outputs(stack, outputs);
        }
    }

    /// Both stacks as deployed before the `trafficGate` output existed: `gateHealthCheckId` alone, on a route53-api gate.
    protected async Task UseStacksWithoutTrafficGateOutputAsync()
    {
        await UseRoute53ApiGatesAsync();
        foreach (var (stack, outputs) in new[] { ("primary", Primary), ("secondary", Secondary) })
        {
            outputs.Remove("trafficGate");
            Pulumi.Outputs(stack, outputs);
        }
    }

    /// A clock that reads the test's `Now`, so the tool and the test agree on what time it is; delays still pass in real time.
    private sealed class FixedTime(Func<DateTimeOffset> now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now();
    }
}
