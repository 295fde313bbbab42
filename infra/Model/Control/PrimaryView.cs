using Failover.Infra.Config;
using Failover.Infra.Health;
using Failover.Infra.Iam;
using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// What the primary view is built from: this stack's own pieces (the primary's) or the primary's outputs (the secondary's).
public sealed record PrimaryViewProps
{
    public required Naming Naming { get; init; }
    public required AwsAccount Account { get; init; }
    public required RoleProfile Role { get; init; }
    public required ControlSettings Control { get; init; }
    public required RegionHealth Health { get; init; }
    public required HealthAlarms Alarms { get; init; }
    public required LoadBalancer LoadBalancer { get; init; }
    /// The secondary's reference to the primary's outputs; null in the primary.
    public PrimaryStack? Stack { get; init; }
}

/// The primary's resources as this stack sees them: its own in the primary, read from the primary's outputs (and the pair's
/// fixed names) in the secondary. Either way they are the same objects with the same grants, the way CDK's `Table.fromTableName`
/// keeps `grantReadData`: the workflow grants on the primary's gate, endpoint check, alarms and table once, for both stacks.
public sealed record PrimaryView
{
    /// The primary stack's `project-stack` prefix and its region.
    public required string Prefix { get; init; }
    public required string Region { get; init; }
    /// The control table: owned by the primary, with a replica in the secondary's region.
    public required ControlTable Table { get; init; }
    public required EndpointCheck Endpoint { get; init; }
    public required AlarmSet Alarms { get; init; }
    public required GateSwitch Gate { get; init; }
    /// The calculated check over its alarms and endpoint: the region's own health.
    public required Value CalculatedCheckId { get; init; }
    public required Value AlbArnSuffix { get; init; }
    public required Value TargetGroupArnSuffix { get; init; }
    /// The secondary's: the primary's alarms that start a failover (AlarmForwarding's, in the primary); null in the primary.
    public Value? TriggerAlarmArns { get; init; }

    /// The primary builds the table and owns the rest; the secondary imports both.
    public static PrimaryView Create(PulumiProgram program, PrimaryViewProps props) =>
        props.Stack is { } stack ? Imported(stack, props) : Own(program, props);

    private static PrimaryView Own(PulumiProgram program, PrimaryViewProps props)
    {
        var (health, account) = (props.Health, props.Account);
        return new PrimaryView
        {
            Prefix = props.Naming.Prefix,
            Region = account.Region,
            Table = ControlTable.CreateOwned(program, props.Naming, account, props.Control, props.Role.Peer.Region),
            Endpoint = new EndpointCheck { Owner = Role.Primary, Id = health.Endpoint.Out("id"), Arn = health.EndpointArn, ProbeUrl = health.ProbeUrl },
            Alarms = new AlarmSet
            {
                Owner = Role.Primary, NameList = props.Alarms.NameList, Arns = [.. props.Alarms.All.Select(a => (Value)a.Alarm.Out("arn"))],
            },
            Gate = GateSwitch.Of(health.Gate, Role.Primary),
            CalculatedCheckId = health.Calculated.Out("id"),
            AlbArnSuffix = props.LoadBalancer.Alb.Out("arnSuffix"),
            TargetGroupArnSuffix = props.LoadBalancer.TargetGroup.Out("arnSuffix"),
        };
    }

    // The ids come from the primary's outputs; what has a fixed name (its alarms' prefix, its gate's metric namespace) is named
    // from the pair's names, so it holds while the primary's region, and its stack's outputs, are out of reach.
    private static PrimaryView Imported(PrimaryStack stack, PrimaryViewProps props)
    {
        var (account, primary, ownGate) = (props.Account, props.Role.Peer, props.Health.Gate);
        var endpointId = stack.Output(StackOutputs.EndpointHealthCheckId);
        var gateId = stack.Output(StackOutputs.GateHealthCheckId);
        var arc = ownGate.Kind == TrafficGateKind.Arc;
        var metric = ownGate.Kind == TrafficGateKind.Metric;
        return new PrimaryView
        {
            Prefix = primary.Prefix,
            Region = primary.Region,
            Table = ControlTable.FromPrimary(stack, account, props.Control, primary.Region),
            Endpoint = new EndpointCheck
            {
                Owner = Role.Primary, Id = endpointId, Arn = account.HealthCheckArn(endpointId), ProbeUrl = stack.Output(StackOutputs.ProbeUrl),
            },
            Alarms = new AlarmSet { Owner = Role.Primary, NameList = stack.Output(StackOutputs.AlarmNameList), Arns = [primary.AlarmArns(account)] },
            Gate = new GateSwitch
            {
                Owner = Role.Primary, Kind = ownGate.Kind, HealthCheckId = gateId, HealthCheckArn = account.HealthCheckArn(gateId),
                RoutingControlArn = arc ? stack.Output(StackOutputs.ArcPrimaryRoutingControlArn) : null,
                // Both routing controls live on one cluster: its endpoints are the same whoever moves them.
                ClusterEndpoints = ownGate.ClusterEndpoints,
                // The primary's gate is switched here, in the secondary's region.
                Namespace = metric ? primary.GateNamespace : null,
                SwitchRegion = metric ? account.Region : null,
            },
            CalculatedCheckId = stack.Output(StackOutputs.CalculatedHealthCheckId),
            AlbArnSuffix = stack.Output(StackOutputs.AlbArnSuffix),
            TargetGroupArnSuffix = stack.Output(StackOutputs.TargetGroupArnSuffix),
            TriggerAlarmArns = stack.Output(StackOutputs.TriggerAlarmArns),
        };
    }
}
