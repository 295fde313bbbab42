using Failover.Contract.Readiness;

namespace Failover.Functions.Tests.Handlers;

/// Readiness plans of the moto world's two stacks, as the compiler would write them (names as world.py arranges them).
internal static class SamplePlans
{
    public static ReadinessPlan Secondary => Of("failover-secondary", "secondary", "us-west-2", "failover-primary", "us-east-1");

    public static ReadinessPlan Primary => Of("failover-primary", "primary", "us-east-1", "failover-secondary", "us-west-2");

    private static ReadinessPlan Of(string stack, string role, string region, string peerStack, string peerRegion) => new()
    {
        Stack = stack,
        Role = role,
        Region = region,
        PeerStack = peerStack,
        PeerRegion = peerRegion,
        Agreement = new Dictionary<string, string> { ["trafficGate"] = "route53-api", ["activeCount"] = "3" },
        Service = new ServiceRef { Region = region, Cluster = stack, Service = stack },
        PeerService = new ServiceRef { Region = peerRegion, Cluster = peerStack, Service = peerStack },
        ActiveCount = 3,
        TaskVcpu = 0.25,
        Alarms = [new AlarmRef { Region = "us-east-1", Name = "failover-primary-healthy-hosts" }],
        PrimaryGate = new GateRef { Kind = "route53-api", HealthCheckId = "gate" },
        ControlTableName = "failover-control",
        DecisionTableName = "failover-control",
        StateMachineArns = [$"arn:aws:states:{region}:123456789012:stateMachine:{stack}-failover"],
        Roles = [],
        DrillMaxAgeDays = 30,
        Model = new RecoveryModel { ObjectiveSeconds = 1800, Phases = [new PhaseModel { Phase = RecoveryPhases.Decision, TypicalSeconds = 5, BoundSeconds = 60 }] },
    };
}
