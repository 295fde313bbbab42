using System.Text.Json.Nodes;
using Failover.Ops.Cli;

namespace Failover.Ops.Pulumi;

/// A stack's traffic gate as its `trafficGate` output describes it: what kind it is and where its position can be read.
/// metric: the alarm (in SwitchRegion, the other stack's region) over the metric Route 53 reads; route53-api: the health
/// check whose inversion is the position.
public sealed record DeployedGate(string Kind, string HealthCheckId, string? AlarmName = null, string? SwitchRegion = null)
{
    public const string OutputName = "trafficGate";

    public bool IsMetric => Kind == TrafficGateModes.Metric;

    /// Where the gate is moved, for people: `metric, switched in us-west-2`; `route53-api`.
    public string Where => IsMetric ? $"{Kind}, switched in {SwitchRegion}" : Kind;

    /// The gate from a stack's outputs; null when the stack exports neither `trafficGate` nor `gateHealthCheckId`. A stack
    /// deployed before `trafficGate` existed has only `gateHealthCheckId`, and every such stack had a route53-api gate (the
    /// inversion was the only kind then), so that is how it is read. A `trafficGate` that is not one of the kinds this tool
    /// reads throws: guessing a gate's position from the wrong place would say "open" for a closed gate.
    public static DeployedGate? From(string stack, JsonObject outputs)
    {
        string? S(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
        if (outputs[OutputName] is not { } described)
            return S(outputs["gateHealthCheckId"]) is { } id ? new DeployedGate(TrafficGateModes.Route53Api, id) : null;
        var gate = described as JsonObject;
        var (kind, check) = (S(gate?["kind"]), S(gate?["healthCheckId"]));
        var (alarm, region) = (S(gate?["alarmName"]), S(gate?["switchRegion"]));
        if (kind == TrafficGateModes.Route53Api && check is not null) return new DeployedGate(kind, check);
        if (kind == TrafficGateModes.Metric && check is not null && alarm is not null && region is not null) return new DeployedGate(kind, check, alarm, region);
        throw new OpsException($"stack {stack}'s output {OutputName} is not a gate this version of failoverctl can read (kind {kind ?? "missing"}; " +
            "a metric gate needs healthCheckId, alarmName and switchRegion, a route53-api gate healthCheckId)");
    }
}
