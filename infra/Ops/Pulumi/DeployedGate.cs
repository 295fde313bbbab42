using System.Text.Json.Nodes;
using Failover.Contract.Readiness;
using Failover.Functions.Aws;
using Failover.Ops.Cli;

namespace Failover.Ops.Pulumi;

/// A stack's traffic gate as its `trafficGate` output describes it: what kind it is and where its position can be read.
/// metric: the alarm (in SwitchRegion, the other stack's region) over the metric Route 53 reads; route53-api: the health
/// check whose inversion is the position; arc: the routing control whose state is the position, read on the cluster's endpoints.
public sealed record DeployedGate(string Kind, string HealthCheckId, string? AlarmName = null, string? SwitchRegion = null)
{
    /// arc: the routing control, and the cluster endpoints to read it on, in order.
    public string? RoutingControlArn { get; init; }
    public IReadOnlyList<ClusterEndpoint> ClusterEndpoints { get; init; } = [];

    /// The gate as the shared reader (GateReader) and the readiness plan describe it.
    public GateRef Ref => new()
    {
        Kind = Kind, HealthCheckId = HealthCheckId, AlarmName = AlarmName, SwitchRegion = SwitchRegion, RoutingControlArn = RoutingControlArn,
        ClusterEndpoints = [.. ClusterEndpoints.Select(e => new GateClusterEndpoint { Region = e.Region, Endpoint = e.Url.ToString() })],
    };

    public bool IsMetric => Kind == TrafficGateModes.Metric;
    public bool IsArc => Kind == TrafficGateModes.Arc;

    /// Where the gate is moved, for people: `metric, switched in us-west-2`; `arc, routing control`; `route53-api`.
    public string Where => IsMetric ? $"{Kind}, switched in {SwitchRegion}" : IsArc ? $"{Kind}, routing control" : Kind;

    /// What a closed gate is, for people, beside Where: a route53-api check inverted, an arc routing control Off.
    public string ClosedAs => Kind switch
    {
        TrafficGateModes.Route53Api => ", inverted",
        TrafficGateModes.Arc => " Off",
        _ => "",
    };

    // `REGION=URL,...` (a named cluster) or the created cluster's JSON list of {endpoint, region}.
    private static IReadOnlyList<ClusterEndpoint>? Endpoints(string? text)
    {
        if (text is null) return null;
        var endpoints = new List<ClusterEndpoint>();
        try
        {
            if (text.TrimStart().StartsWith('['))
            {
                foreach (var item in JsonNode.Parse(text)!.AsArray())
                {
                    var (region, url) = (item?["region"]?.GetValue<string>(), item?["endpoint"]?.GetValue<string>());
                    if (region is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri)) return null;
                    endpoints.Add(new ClusterEndpoint(region, uri));
                }
            }
            else
            {
                foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var parts = item.Split('=', 2);
                    if (parts.Length != 2 || !Uri.TryCreate(parts[1], UriKind.Absolute, out var uri)) return null;
                    endpoints.Add(new ClusterEndpoint(parts[0], uri));
                }
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;
        }
        return endpoints.Count > 0 ? endpoints : null;
    }

    /// The gate from a stack's outputs; null when the stack exports neither `trafficGate` nor `gateHealthCheckId`. A stack
    /// deployed before `trafficGate` existed has only `gateHealthCheckId`, and every such stack had a route53-api gate (the
    /// inversion was the only kind then), so that is how it is read. A `trafficGate` that is not one of the kinds this tool
    /// reads throws: guessing a gate's position from the wrong place would say "open" for a closed gate.
    public static DeployedGate? From(string stack, JsonObject outputs)
    {
        string? S(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
        if (outputs[StackOutputs.TrafficGate] is not { } described)
            return S(outputs[StackOutputs.GateHealthCheckId]) is { } id ? new DeployedGate(TrafficGateModes.Route53Api, id) : null;
        var gate = described as JsonObject;
        var (kind, check) = (S(gate?["kind"]), S(gate?["healthCheckId"]));
        var (alarm, region) = (S(gate?["alarmName"]), S(gate?["switchRegion"]));
        if (kind == TrafficGateModes.Route53Api && check is not null) return new DeployedGate(kind, check);
        if (kind == TrafficGateModes.Metric && check is not null && alarm is not null && region is not null) return new DeployedGate(kind, check, alarm, region);
        var (control, endpoints) = (S(gate?["routingControlArn"]), Endpoints(S(gate?["clusterEndpoints"])));
        if (kind == TrafficGateModes.Arc && check is not null && control is not null && endpoints is not null)
            return new DeployedGate(kind, check) { RoutingControlArn = control, ClusterEndpoints = endpoints };
        throw new OpsException($"stack {stack}'s output {StackOutputs.TrafficGate} is not a gate this version of failoverctl can read (kind {kind ?? "missing"}; " +
            "a metric gate needs healthCheckId, alarmName and switchRegion, a route53-api gate healthCheckId, an arc gate healthCheckId, " +
            "routingControlArn and clusterEndpoints)");
    }
}
