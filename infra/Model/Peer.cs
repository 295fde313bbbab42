using Failover.Infra.Config;
using Failover.Infra.Control;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra;

/// The other stack of the pair, by the fixed names both stacks share (its `project-stack` prefix): what this stack can address
/// before the other exists, or while its region is down, without reading its outputs. Each name is built here from the same
/// function the other stack names its own resource with, so the two cannot drift.
public sealed record Peer
{
    public required Role Role { get; init; }
    public required string Region { get; init; }
    /// `project-stack` of the peer.
    public required string Prefix { get; init; }
    /// `org/project/stack`: where its outputs are read from (the secondary reads the primary's).
    public required string StackReference { get; init; }

    public static Peer Of(StackConfig config) => new()
    {
        Role = config.Role == Role.Primary ? Role.Secondary : Role.Primary,
        Region = config.PeerRegion,
        Prefix = config.Control.PeerNamePrefix,
        StackReference = config.Control.PeerStackReference,
    };

    /// `PREFIX-SUFFIX`, as the peer's own Naming names it.
    public string Named(string suffix) => $"{Prefix}-{suffix}";

    /// Its ECS cluster and service, both named after the stack (EcsService names them with the bare prefix).
    public string ClusterName => Prefix;
    public string ServiceName => Prefix;

    public Value ServiceArn(AwsAccount account) => account.EcsServiceArn(Region, ClusterName, ServiceName);

    /// Its workflow's entry points (the operators' first), as ARNs in its region.
    public IReadOnlyList<Value> StateMachineArns(AwsAccount account) =>
        [.. Workflow.Names(Prefix, Role).Select(n => Workflow.ArnOf(account, Region, n))];

    /// Every alarm it names (`PREFIX-*`): its alarms carry its prefix.
    public Value AlarmArns(AwsAccount account) =>
        Value.Format($"arn:{account.Partition}:cloudwatch:{Region}:{account.AccountId}:alarm:{Prefix}-*");

    /// The namespace its metric traffic gate is published to.
    public string GateNamespace => Contract.TrafficGateMetric.Namespace(Prefix);
}
