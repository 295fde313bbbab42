using Failover.Contract.Readiness;
using Failover.Functions.Aws;
using Failover.Functions.Aws.Readiness;

namespace Failover.Functions.Tests.Readiness;

/// A hand-made readiness plan for the control checks (the secondary's, in us-west-2, world.py's control table) and a moto world
/// to hold it against: each test arranges only what its check reads.
public sealed class ControlPlans(MotoServer moto)
{
    public const string Table = "failover-control";
    public const string Region = "us-west-2";
    public const string PrimaryRegion = "us-east-1";

    public static ReadinessPlan Secondary() => new()
    {
        Stack = "failover-secondary", Role = "secondary", Region = Region, PeerStack = "failover-primary", PeerRegion = PrimaryRegion,
        Agreement = new Dictionary<string, string>
        {
            ["failover:trafficGate"] = "route53-api", ["failover:dnsFailover"] = "gated", ["failover:controlTableConsistency"] = "eventual",
            ["failover:activeCount"] = "3",
        },
        Service = new ServiceRef { Region = Region, Cluster = "failover-secondary", Service = "failover-secondary" },
        PeerService = new ServiceRef { Region = PrimaryRegion, Cluster = "failover-primary", Service = "failover-primary" },
        ActiveCount = 3, TaskVcpu = 0.25,
        Alarms = [],
        PrimaryGate = new GateRef { Kind = TrafficGateModes.Route53Api, HealthCheckId = "none" },
        ControlTableName = Table, DecisionTableName = Table,
        StateMachineArns = [$"arn:aws:states:{Region}:123456789012:stateMachine:failover-secondary-failover"],
        Roles = [],
        DrillMaxAgeDays = 30,
        Model = new RecoveryModel
        {
            ObjectiveSeconds = 900,
            Phases =
            [
                Phase(RecoveryPhases.Detection, 60, 180), Phase(RecoveryPhases.Trigger, 10, 60), Phase(RecoveryPhases.Decision, 20, 60),
                Phase(RecoveryPhases.ScaleUpAndReadiness, 120, 300), Phase(RecoveryPhases.RecoveryTasks, 0, 60), Phase(RecoveryPhases.GateFlip, 30, 90),
                Phase(RecoveryPhases.DnsTtl, 60, 60),
            ],
        },
    };

    private static PhaseModel Phase(string phase, int typical, int bound) => new() { Phase = phase, TypicalSeconds = typical, BoundSeconds = bound };

    /// A fresh moto with the control table (also the decision log: eventual consistency) in the plan's region.
    public async Task ArrangeAsync()
    {
        await moto.ResetAsync();
        await Ask("create-table");
    }

    public Task<System.Text.Json.Nodes.JsonNode?> Ask(params string[] args) => moto.WorldAsync(args);

    /// What a check receives, every AWS call going to this moto (IAM to `iamUrl`, the simulator stand-in, when given).
    public ReadinessContext Context(ReadinessPlan plan, ReadinessPlan? peer = null, string? peerMissing = null, TimeProvider? time = null, string? iamUrl = null)
    {
        var env = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "testing", ["AWS_SECRET_ACCESS_KEY"] = "testing", ["AWS_REGION"] = Region, ["AWS_ENDPOINT_URL"] = moto.Url,
        };
        if (iamUrl is not null) env["AWS_ENDPOINT_URL_IAM"] = iamUrl;
        var clock = time ?? TimeProvider.System;
        return new ReadinessContext
        {
            Plan = plan, Peer = peer, PeerMissing = peerMissing, Time = clock,
            Aws = new AwsHttpClient(Http, AwsEnvironment.From(env.GetValueOrDefault), AwsRetryPolicy.Default with { MaxAttempts = 2 }, clock),
        };
    }

    /// The last successful drill as release-lock records it in the decision log's `runs` item.
    public Task RecordDrillAsync(RunRecord drill) =>
        Ask("put-runs", Table, Region, System.Text.Json.JsonSerializer.Serialize(drill, ReadinessJson.Default.RunRecord));

    /// A drill of the secondary's workflow that succeeded at `finished`, five minutes long, with these phases measured (the rest null).
    public static RunRecord Drill(DateTimeOffset finished, IReadOnlyDictionary<string, double?>? measured = null) => new()
    {
        Execution = $"arn:aws:states:{Region}:123456789012:execution:failover-secondary-failover:drill-1",
        Action = "drill", Stack = "failover-secondary", Outcome = "SUCCEEDED", Source = "operator",
        StartedAt = Attr.Iso(finished.AddMinutes(-5)), FinishedAt = Attr.Iso(finished),
        Phases = RecoveryPhases.All.ToDictionary(p => p, p => measured?.GetValueOrDefault(p)),
    };

    private static readonly HttpClient Http = new();
}
