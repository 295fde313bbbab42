using System.Diagnostics;
using System.Text.Json.Nodes;
using Failover.Contract.Readiness;
using Failover.Functions.Aws;
using Failover.Functions.Aws.Readiness;

namespace Failover.Functions.Tests.Readiness;

/// One secret a container reads: from Secrets Manager or SSM (`store`), by id in `Region`; `Create` false leaves it missing,
/// `ByArn` false names an SSM parameter by name alone.
public sealed record SecretSpec(string Name, string Store, string Id, string Region, bool Create = true, bool ByArn = true);

public sealed record ContainerSpec(string Name, string Image, IReadOnlyList<int> Ports, IReadOnlyList<string> Environment, IReadOnlyList<SecretSpec> Secrets);

/// One region's service: its cluster, task size and containers.
public sealed record SideSpec(string Region, string Cluster, string Service, string Cpu, string Memory, IReadOnlyList<ContainerSpec> Containers);

/// An image pushed to a region's ECR registry: one variant, one digest (the same variant in two regions is the same image).
public sealed record ImageSpec(string Region, string Repository, string Tag, string Variant);

/// The pair of services the workload checks compare, as arranged in moto (workload_world.py, boto3): the standby in us-west-2
/// (this stack's, the recovery region) and the peer in us-east-1; the Fargate vCPU usage published there.
public sealed record WorkloadWorld
{
    public const string Standby = "us-west-2";
    public const string Peer = "us-east-1";
    public const string Account = "123456789012";

    public static string EcrImage(string region, string repositoryAndTag) => $"{Account}.dkr.ecr.{region}.amazonaws.com/{repositoryAndTag}";

    public required SideSpec StandbySide { get; init; }
    public required SideSpec PeerSide { get; init; }
    public IReadOnlyList<ImageSpec> Images { get; init; } = [];
    /// AWS/Usage Fargate On-Demand vCPU in use, by region (none published when absent).
    public IReadOnlyDictionary<string, double> Usage { get; init; } = new Dictionary<string, double>();
    /// AWS/Usage published ten minutes before Usage, by region: a peak that has passed (a scale-down since).
    public IReadOnlyDictionary<string, double> EarlierUsage { get; init; } = new Dictionary<string, double>();
    public int ActiveCount { get; init; } = 3;
    public double TaskVcpu { get; init; } = 1;

    /// A healthy pair: web:1.4 pushed alike to both registries, each service running its own region's copy, reading a Secrets
    /// Manager secret and an SSM parameter of its own region, with the same task size, ports and names (values differ).
    public static WorkloadWorld Healthy() => new()
    {
        StandbySide = Side(Standby, "failover-secondary"),
        PeerSide = Side(Peer, "failover-primary"),
        Images = [new(Standby, "web", "1.4", "v1"), new(Peer, "web", "1.4", "v1")],
    };

    public static SideSpec Side(string region, string name) => new(region, name, name, "1024", "2048",
    [
        new ContainerSpec("web", EcrImage(region, "web:1.4"), [80], ["LOG_LEVEL", "DB_HOST"],
            [new SecretSpec("DB_PASSWORD", "secretsmanager", "app/db", region), new SecretSpec("API_KEY", "ssm", "/app/api-key", region)]),
    ]);

    /// The standby's single container, changed.
    public WorkloadWorld WithStandbyContainer(Func<ContainerSpec, ContainerSpec> change) =>
        this with { StandbySide = StandbySide with { Containers = [change(StandbySide.Containers[0])] } };

    public WorkloadWorld WithPeerContainer(Func<ContainerSpec, ContainerSpec> change) =>
        this with { PeerSide = PeerSide with { Containers = [change(PeerSide.Containers[0])] } };

    /// Arranges this world in a fresh moto and returns what a check receives; `env` adds endpoint overrides (the Service Quotas
    /// stand-in, a recording endpoint for one region's ECS).
    public async Task<ReadinessContext> ArrangeAsync(MotoServer moto, IReadOnlyDictionary<string, string>? env = null, int attempts = 3)
    {
        await moto.ResetAsync();
        var spec = new JsonObject
        {
            ["images"] = new JsonArray([.. Images.Select(i => (JsonNode)new JsonObject
                { ["region"] = i.Region, ["repository"] = i.Repository, ["tag"] = i.Tag, ["variant"] = i.Variant })]),
            ["sides"] = new JsonArray(Json(StandbySide), Json(PeerSide)),
            ["usage"] = new JsonArray([
                .. Usage.Select(u => (JsonNode)new JsonObject { ["region"] = u.Key, ["value"] = u.Value }),
                .. EarlierUsage.Select(u => (JsonNode)new JsonObject { ["region"] = u.Key, ["value"] = u.Value, ["minutesAgo"] = 12 })]),
        };
        await RunAsync(moto, spec.ToJsonString());

        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "testing", ["AWS_SECRET_ACCESS_KEY"] = "testing", ["AWS_REGION"] = Standby, ["AWS_ENDPOINT_URL"] = moto.Url,
        };
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) environment[k] = v;
        var aws = new AwsHttpClient(new HttpClient(), AwsEnvironment.From(k => environment.GetValueOrDefault(k)),
            AwsRetryPolicy.Default with { MaxAttempts = attempts }, TimeProvider.System);
        return new ReadinessContext { Plan = Plan(), Aws = aws, Time = TimeProvider.System };
    }

    /// The standby stack's plan, with what the workload checks read; the rest is filler no workload check looks at.
    public ReadinessPlan Plan() => new()
    {
        Stack = "failover-secondary", Role = "secondary", Region = Standby, PeerStack = "failover-primary", PeerRegion = Peer,
        Agreement = new Dictionary<string, string>(),
        Service = new ServiceRef { Region = Standby, Cluster = StandbySide.Cluster, Service = StandbySide.Service },
        PeerService = new ServiceRef { Region = Peer, Cluster = PeerSide.Cluster, Service = PeerSide.Service },
        ActiveCount = ActiveCount, TaskVcpu = TaskVcpu,
        Alarms = [], PrimaryGate = new GateRef { Kind = "metric", HealthCheckId = "gate" },
        ControlTableName = "failover-control", DecisionTableName = "failover-control", StateMachineArns = [], Roles = [], DrillMaxAgeDays = 30,
        Model = new RecoveryModel { ObjectiveSeconds = 900, Phases = [] },
    };

    private static JsonObject Json(SideSpec side) => new()
    {
        ["region"] = side.Region, ["cluster"] = side.Cluster, ["service"] = side.Service, ["desired"] = 1, ["cpu"] = side.Cpu, ["memory"] = side.Memory,
        ["containers"] = new JsonArray([.. side.Containers.Select(c => (JsonNode)new JsonObject
        {
            ["name"] = c.Name, ["image"] = c.Image,
            ["ports"] = new JsonArray([.. c.Ports.Select(p => (JsonNode)p)]),
            ["environment"] = new JsonArray([.. c.Environment.Select(e => (JsonNode)e)]),
            ["secrets"] = new JsonArray([.. c.Secrets.Select(s => (JsonNode)new JsonObject
                { ["name"] = s.Name, ["store"] = s.Store, ["id"] = s.Id, ["region"] = s.Region, ["create"] = s.Create, ["byArn"] = s.ByArn })]),
        })]),
    };

    private static async Task RunAsync(MotoServer moto, string spec)
    {
        var start = new ProcessStartInfo("python3", [Repo.Path("tests", "Functions.Tests", "Readiness", "workload_world.py"), spec])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["MOTO_URL"] = moto.Url;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"workload_world.py failed: {await error}");
        await output;
    }
}
