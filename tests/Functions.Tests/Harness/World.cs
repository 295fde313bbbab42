using System.Text.Json;
using System.Text.Json.Nodes;
using Failover.Contract.Readiness;
using Failover.Functions.Aws;
using Failover.Functions.Handlers;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Tests.Harness;

/// One arranged world in moto (fresh per test) and the functions' environment pointing at it.
public sealed class World
{
    private readonly MotoServer _moto;

    private World(MotoServer moto, JsonNode ids)
    {
        _moto = moto;
        Table = ids["table"]!.GetValue<string>();
        Gate = ids["gate"]!.GetValue<string>();
        Endpoint = ids["endpoint"]!.GetValue<string>();
        TargetGroup = ids["targetGroup"]!.GetValue<string>();
        Alarms = ids["alarms"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
    }

    public string Table { get; }
    public string Gate { get; }
    public string Endpoint { get; }
    public string TargetGroup { get; }
    public IReadOnlyList<string> Alarms { get; }

    public static async Task<World> ArrangeAsync(MotoServer moto, int standby = 1)
    {
        await moto.ResetAsync();
        return new World(moto, (await moto.WorldAsync("setup", standby.ToString()))!);
    }

    /// What Lambda would set for the secondary's functions (every handler's settings; each reads its own).
    public Dictionary<string, string> Environment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_SESSION_TOKEN"] = "session",
        ["AWS_REGION"] = "us-west-2",
        ["AWS_ENDPOINT_URL"] = _moto.Url,
        ["CONTROL_TABLE_NAME"] = Table,
        ["DEFAULT_FLAG"] = "auto",
        ["PRIMARY_REGION"] = "us-east-1",
        ["SECONDARY_REGION"] = "us-west-2",
        ["PRIMARY_ENDPOINT_HEALTH_CHECK_ID"] = Endpoint,
        ["PRIMARY_ALARM_NAMES"] = string.Join(',', Alarms),
        ["CLUSTER_NAME"] = "failover-secondary",
        ["SERVICE_NAME"] = "failover-secondary",
        ["TARGET_GROUP_ARN"] = TargetGroup,
        ["ACTIVE_DESIRED_COUNT"] = "3",
        ["ACTIVE_MIN_CAPACITY"] = "2",
        ["STANDBY_DESIRED_COUNT"] = "1",
        ["STANDBY_MIN_CAPACITY"] = "1",
        ["TRAFFIC_GATE_MODE"] = "route53-api",
        ["GATE_HEALTH_CHECK_ID"] = Gate,
        ["COOLDOWN_SECONDS"] = "900",
        ["OPERATOR_STATE_MACHINE_ARN"] = MachineArn("us-west-2", "failover-secondary-failover"),
        ["TRIGGER_STATE_MACHINE_ARN"] = MachineArn("us-west-2", "failover-secondary-failover-trigger"),
        ["PEER_STATE_MACHINE_ARNS"] = MachineArn("us-east-1", "failover-primary-failover"),
        ["STACK_PREFIX"] = "failover-secondary",
        ["PEER_STACK_PREFIX"] = "failover-primary",
    };

    /// Writes a stack's readiness plan into this region's replica as Pulumi does at deploy: item `readiness#STACK`, its JSON in `plan`.
    public Task PutReadinessPlanAsync(ReadinessPlan plan, string region = "us-west-2") =>
        Ask("put-raw-item", new JsonObject
        {
            [ControlTableItems.PartitionKey] = new JsonObject { ["S"] = ControlTableItems.Readiness(plan.Stack) },
            [ControlTableItems.ReadinessPlanAttribute] = new JsonObject { ["S"] = JsonSerializer.Serialize(plan, ReadinessJson.Default.ReadinessPlan) },
        }.ToJsonString(), region);

    /// The readiness metrics published in `region`, as CloudWatch holds them: one row per metric and dimension set, its latest value.
    public async Task<IReadOnlyList<(string Metric, IReadOnlyDictionary<string, string> Dimensions, double Value)>> ReadinessMetricsAsync(string region = "us-west-2") =>
        [.. (await Ask("readiness-metrics", region))!.AsArray().Select(m => (
            m!["metric"]!.GetValue<string>(),
            (IReadOnlyDictionary<string, string>)m["dimensions"]!.AsObject().ToDictionary(d => d.Key, d => d.Value!.GetValue<string>()),
            m["value"]!.GetValue<double>()))];

    private static string MachineArn(string region, string name) => $"arn:aws:states:{region}:123456789012:stateMachine:{name}";

    /// The ARN of a running execution named `name` of an entry point (`operator`, `trigger`, or `primary`: the primary's
    /// workflow), started in moto on first use.
    public async Task<string> ExecutionAsync(string name, string entry = "operator") =>
        (await Ask("start-execution", name, entry))!["arn"]!.GetValue<string>();

    /// Ends a run (moto marks it ABORTED): a lock it holds is no lock any more.
    public Task StopAsync(string executionArn) => Ask("stop-execution", executionArn);

    /// decide's event as the workflow would send it: its `executionId`, when a bare name, made the ARN of a running execution of
    /// the entry point the event would come through (the triggers' when it says `unattended`, else the operators'), and the
    /// run's lock token (`lockId`, one per execution, the same on every call) when the event has none.
    private async Task<string> AsRunAsync(string eventJson)
    {
        if (JsonNode.Parse(eventJson) is not JsonObject request || request["executionId"] is not JsonValue id || !id.TryGetValue<string>(out var name))
            return eventJson;
        if (!name.StartsWith("arn:", StringComparison.Ordinal) && name.Length is > 0 and <= 80)
        {
            var entry = request["unattended"] is JsonValue u && u.TryGetValue<bool>(out var unattended) && unattended ? "trigger" : "operator";
            request["executionId"] = name = await ExecutionAsync(name, entry);
        }
        if (!request.ContainsKey("lockId")) request["lockId"] = TokenOf(name);
        return request.ToJsonString();
    }

    private readonly Dictionary<string, string> _tokens = [];

    /// The lock token of the run `executionId` (name or ARN), made on first use: what the workflow hands every call of one run.
    public string TokenOf(string executionId)
    {
        var name = executionId.Split(':')[^1];
        return _tokens.TryGetValue(name, out var token) ? token : _tokens[name] = Guid.NewGuid().ToString();
    }

    /// Takes the lock for `action` as decide would for a run (a fresh token, its hash in the state item); returns the token.
    public async Task<string> HoldLockAsync(string action)
    {
        var token = Guid.NewGuid().ToString();
        await Ask("hold-lock", action, LockToken.Hash(token));
        return token;
    }

    /// Takes the lock for the event's action as decide would for a run (a fresh token, its hash in the state item) and invokes
    /// the handler with that token as `lockId`: how the workflow calls the functions that act.
    public async Task<JsonNode> InvokeHoldingLockAsync(string handler, string eventJson, Dictionary<string, string>? overrides = null,
        TimeProvider? time = null, TimeSpan? timeLeft = null)
    {
        var request = (JsonObject)JsonNode.Parse(eventJson)!;
        var action = request["action"]?.GetValue<string>()?.Trim().ToLowerInvariant() ?? "failover";
        var token = Guid.NewGuid().ToString();
        // In the replica of the function's own region, where the run took it.
        await Ask("hold-lock", action, LockToken.Hash(token), overrides?.GetValueOrDefault("AWS_REGION") ?? "us-west-2");
        request["lockId"] = token;
        return await InvokeAsync(handler, request.ToJsonString(), overrides, time, timeLeft);
    }

    public Task<JsonNode?> Ask(params string[] args) => _moto.WorldAsync(args);

    /// Invokes a handler in-process, as the loop would, with this world's environment (plus overrides).
    public async Task<JsonNode> InvokeAsync(string handler, string eventJson, Dictionary<string, string>? overrides = null, TimeProvider? time = null,
        TimeSpan? timeLeft = null)
    {
        var env = Environment();
        foreach (var (k, v) in overrides ?? []) env[k] = v;
        if (handler == "decide") eventJson = await AsRunAsync(eventJson);
        return JsonNode.Parse(await Invoke(handler, eventJson, env, time ?? TimeProvider.System, timeLeft))!;
    }

    /// The same, with every AWS call going through `proxy` (which forwards to this world's moto unless a fault says otherwise).
    public Task<JsonNode> InvokeThroughAsync(FaultProxy proxy, string handler, string eventJson, TimeSpan? timeLeft = null) =>
        InvokeAsync(handler, eventJson, new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = proxy.Url }, timeLeft: timeLeft);

    /// decide's answer as the workflow reads it, deserialized with the functions' own source-generated context: a field the
    /// response lacks (every one is required) fails here, not as a null further on.
    public async Task<DecideResponse> DecideAsync(string eventJson, Dictionary<string, string>? overrides = null, TimeSpan? timeLeft = null) =>
        (await InvokeAsync(HandlerNames.Decide, eventJson, overrides, timeLeft: timeLeft)).Deserialize(FunctionsJson.Default.DecideResponse)!;

    /// The same, with every AWS call going through `proxy`.
    public Task<DecideResponse> DecideThroughAsync(FaultProxy proxy, string eventJson, TimeSpan? timeLeft = null) =>
        DecideAsync(eventJson, new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = proxy.Url }, timeLeft);

    /// The same holding the lock for the event's action (InvokeHoldingLockAsync), every AWS call going through `proxy`.
    public Task<JsonNode> InvokeThroughHoldingLockAsync(FaultProxy proxy, string handler, string eventJson, TimeSpan? timeLeft = null) =>
        InvokeHoldingLockAsync(handler, eventJson, new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = proxy.Url }, timeLeft: timeLeft);

    /// One probe client for every test, as production has one per process.
    private static readonly HttpClient ProbeHttp = DirectProbe.CreateClient();

    /// `transport`, when given, carries every request instead of the network (to see where production would send them).
    public static async Task<string> Invoke(string handler, string eventJson, IReadOnlyDictionary<string, string> env, TimeProvider time, TimeSpan? timeLeft = null,
        HttpMessageHandler? transport = null)
    {
        using var http = transport is null ? new HttpClient() : new HttpClient(transport, disposeHandler: false);
        Func<string, string?> lookup = k => env.TryGetValue(k, out var v) ? v : null;
        var aws = new AwsClients(lookup, http, time, new AwsRetryPolicy(2, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50)));
        var found = HandlerCatalog.Find(handler, lookup, aws, time, new DirectProbe(ProbeHttp, time)) ?? throw new ArgumentException($"no handler {handler}");
        var context = new InvocationContext(Guid.NewGuid().ToString(), "arn:aws:lambda:us-west-2:123456789012:function:test", time.GetUtcNow() + (timeLeft ?? TimeSpan.FromMinutes(1)),
            new JsonLog(TextWriter.Null, time));
        return await found.InvokeAsync(eventJson, context, CancellationToken.None);
    }
}

