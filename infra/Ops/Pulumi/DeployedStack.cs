using System.Text.Json.Nodes;
using Failover.Ops.Cli;

namespace Failover.Ops.Pulumi;

/// One deployed stack as its outputs describe it: the names and ids failoverctl acts on (README, Stack outputs).
public sealed record DeployedStack
{
    public required string Stack { get; init; }
    public required string Role { get; init; }
    public required string Region { get; init; }
    public required string PeerRegion { get; init; }
    public required string DefaultFlag { get; init; }
    public required string DnsFailover { get; init; }
    public required string ControlTableName { get; init; }
    public required string ControlTableConsistency { get; init; }
    public required string StateMachineArn { get; init; }
    public required IReadOnlyList<string> WorkflowActions { get; init; }
    public required string ClusterName { get; init; }
    public required string ServiceName { get; init; }
    /// The traffic gate and where its position is read (`trafficGate`; `gateHealthCheckId` alone for an older stack).
    public required DeployedGate Gate { get; init; }
    public required string EndpointHealthCheckId { get; init; }
    /// The stack's own health alarms (`alarmNameList`, comma-separated).
    public required IReadOnlyList<string> AlarmNames { get; init; }

    /// The output names read here; a test checks that the compiler exports each of them.
    public static readonly IReadOnlyList<string> OutputNames =
    [
        "role", "region", "peerRegion", "defaultFlag", "dnsFailover", "controlTableName", "controlTableConsistency",
        "stateMachineArn", "workflowActions", "clusterName", "serviceName", "gateHealthCheckId", "endpointHealthCheckId", "alarmNameList",
        DeployedGate.OutputName,
    ];

    /// Typed values from `pulumi stack output --json`; every missing or mistyped output is named in one error.
    public static DeployedStack From(string stack, JsonObject outputs)
    {
        var problems = new List<string>();
        string S(string name)
        {
            if (outputs[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0) return s;
            problems.Add(name);
            return "";
        }
        IReadOnlyList<string> L(string name)
        {
            if (outputs[name] is JsonArray a && a.All(x => x is JsonValue xv && xv.TryGetValue<string>(out _))) return [.. a.Select(x => x!.GetValue<string>())];
            problems.Add(name);
            return [];
        }
        var deployed = new DeployedStack
        {
            Stack = stack, Role = S("role"), Region = S("region"), PeerRegion = S("peerRegion"), DefaultFlag = S("defaultFlag"),
            DnsFailover = S("dnsFailover"), ControlTableName = S("controlTableName"), ControlTableConsistency = S("controlTableConsistency"),
            StateMachineArn = S("stateMachineArn"), WorkflowActions = L("workflowActions"), ClusterName = S("clusterName"), ServiceName = S("serviceName"),
            Gate = ReadGate(stack, outputs, problems), EndpointHealthCheckId = S("endpointHealthCheckId"),
            AlarmNames = S("alarmNameList").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
        if (outputs.Count == 0)
            throw new OpsException($"stack {stack} has no outputs: it has not been deployed yet (failoverctl deploy)");
        if (problems.Count > 0)
            throw new OpsException($"stack {stack} lacks the output(s) {string.Join(", ", problems)}: it was deployed by an older version; deploy it again (failoverctl deploy)");
        return deployed;
    }

    private static DeployedGate ReadGate(string stack, JsonObject outputs, List<string> problems)
    {
        try
        {
            if (DeployedGate.From(stack, outputs) is { } gate) return gate;
            // Neither output: the one every version exported is the one to name.
            problems.Add("gateHealthCheckId");
            return new DeployedGate(TrafficGateModes.Route53Api, "");
        }
        catch (OpsException)
        {
            problems.Add(DeployedGate.OutputName);
            return new DeployedGate(TrafficGateModes.Route53Api, "");
        }
    }
}
