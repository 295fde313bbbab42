using System.Text.Json.Nodes;
using Failover.Ops.Cli;

namespace Failover.Ops.Pulumi;

/// One deployed stack as its outputs describe it: the names and ids failoverctl acts on (docs/deploying.md, Stack outputs).
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
    /// The decision log (`decisionTableName`): exported only with a strongly consistent control table, which then holds no log.
    public string? DecisionTableName { get; init; }

    /// Where the decision log's items are: the decision table, else the control table itself.
    public string DecisionLog => DecisionTableName ?? ControlTableName;

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
            Stack = stack, Role = S(StackOutputs.Role), Region = S(StackOutputs.Region), PeerRegion = S(StackOutputs.PeerRegion), DefaultFlag = S(StackOutputs.DefaultFlag),
            DnsFailover = S(StackOutputs.DnsFailover), ControlTableName = S(StackOutputs.ControlTableName), ControlTableConsistency = S(StackOutputs.ControlTableConsistency),
            StateMachineArn = S(StackOutputs.StateMachineArn), WorkflowActions = L(StackOutputs.WorkflowActions), ClusterName = S(StackOutputs.ClusterName), ServiceName = S(StackOutputs.ServiceName),
            Gate = ReadGate(stack, outputs, problems), EndpointHealthCheckId = S(StackOutputs.EndpointHealthCheckId),
            AlarmNames = S(StackOutputs.AlarmNameList).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            DecisionTableName = JsonText.Text(outputs[StackOutputs.DecisionTableName]) is { Length: > 0 } log ? log : null,
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
            problems.Add(StackOutputs.GateHealthCheckId);
            return new DeployedGate(TrafficGateModes.Route53Api, "");
        }
        catch (OpsException)
        {
            problems.Add(StackOutputs.TrafficGate);
            return new DeployedGate(TrafficGateModes.Route53Api, "");
        }
    }
}
