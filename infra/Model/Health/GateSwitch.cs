using Failover.Infra.Config;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Health;

/// One region's traffic gate as shift-traffic moves it: what it flips and the grant to flip it. The same whether this stack
/// built the gate (TrafficGate) or knows it from the primary's outputs or the pair's fixed names, so a grant on the primary's
/// gate is written once for both stacks.
public sealed record GateSwitch
{
    /// Whose gate: the grants' Sids name it.
    public required Role Owner { get; init; }
    public required TrafficGateKind Kind { get; init; }
    /// The gate's health check (every kind is one; route53-api flips its inversion), also what change watches and dashboards
    /// name. Unknown for a gate known by its fixed names only (the secondary's, seen from the primary).
    public Value? HealthCheckId { get; init; }
    public Value? HealthCheckArn { get; init; }
    /// arc: the gate's routing control, and the cluster endpoints it is moved through (the pair shares one cluster).
    public Value? RoutingControlArn { get; init; }
    public Value? ClusterEndpoints { get; init; }
    /// metric: the namespace published to, and the region that holds the gate's switch (its alarm).
    public string? Namespace { get; init; }
    public string? SwitchRegion { get; init; }

    /// This stack's own gate.
    public static GateSwitch Of(TrafficGate gate, Role owner) => new()
    {
        Owner = owner, Kind = gate.Kind, HealthCheckId = gate.Check.Out("id"), HealthCheckArn = gate.Arn,
        RoutingControlArn = gate.RoutingControlArn, ClusterEndpoints = gate.ClusterEndpoints,
        Namespace = gate.Namespace, SwitchRegion = gate.SwitchRegion,
    };

    /// Let `role` move this gate, `move` being the way its workflow moves it.
    /// - route53-api: read the gate's version and flip its inversion, on this one health check only.
    /// - arc: read and set this one routing control's state: no other control, on this cluster or another, can be moved with it.
    /// - metric: publish the gate's position. PutMetricData has no resource type, so the grant is held to the gate's own namespace
    ///   (cloudwatch:namespace) and to the region that holds its switch (aws:RequestedRegion).
    public void GrantMove(IamRole role, GateMove move)
    {
        switch (Kind)
        {
            case TrafficGateKind.Route53Api:
                role.Grant(p => p.Allow($"Flip{Owner}TrafficGate", Actions.Route53.UpdateHealthCheck, Required(HealthCheckArn)));
                break;
            case TrafficGateKind.Arc:
                role.Grant(p => p.Allow($"{move}{Owner}RoutingControl", Actions.RecoveryCluster.MoveRoutingControl, Required(RoutingControlArn)));
                break;
            default:
                role.Grant(p => p.AllowUnscoped($"{move}{Owner}TrafficGate", Actions.CloudWatch.PutMetricData,
                    Condition.StringEquals("cloudwatch:namespace", Required(Namespace)),
                    Condition.StringEquals("aws:RequestedRegion", Required(SwitchRegion))));
                break;
        }
    }

    private T Required<T>(T? value) where T : class =>
        value ?? throw new InvalidOperationException($"a {TrafficGate.Mode(Kind)} gate is moved through what it was built with");
}
