using Failover.Contract;
using Failover.Infra.Health;

namespace Failover.Infra.Config;

/// Everything that differs between the primary and the secondary stack, decided here and nowhere else: the components ask
/// the profile (or the primary's view, PrimaryView, for the primary's resources) instead of testing the role.
public sealed record RoleProfile
{
    public required Role Role { get; init; }
    /// Route 53 failover record type.
    public required string RecordType { get; init; }
    /// Tasks the stack starts with: the active count in the primary, the standby count in the secondary.
    public required int DesiredCount { get; init; }
    /// The scaling floor: the autoscaling minimum in the primary; the standby count in the secondary, or target
    /// tracking would keep the standby larger than a standby should cost.
    public required int ScalingFloor { get; init; }
    /// A pilot-light standby: no task runs until a failover, so its capacity metrics are absent by design.
    public required bool IdleStandby { get; init; }
    /// The other stack, by the names both share.
    public required Peer Peer { get; init; }
    public required string PrimaryRegion { get; init; }
    public required string SecondaryRegion { get; init; }
    /// The actions this stack's workflow runs: it promotes its own region.
    public required IReadOnlyList<FailoverAction> WorkflowActions { get; init; }
    /// How shift-traffic moves the primary's gate: a failback opens it, a failover closes it.
    public required GateMove PrimaryGateMove { get; init; }
    /// The secondary's: it reads the primary's resources from the primary's outputs (a StackReference to the peer); the primary
    /// owns them.
    public required bool ReadsPrimaryOutputs { get; init; }
    /// The primary's: its health alarms are forwarded to the secondary's bus, where the triggers start the secondary's workflow.
    public required bool ForwardsAlarms { get; init; }
    /// The secondary's: the alarm rule and the probe start its workflow (the triggers' entry point).
    public required bool StartsOnTriggers { get; init; }
    /// The primary's: after a failback its workflow scales the secondary back to standby, from the primary's region (Step
    /// Functions cannot call another region).
    public required bool ScalesPeerToStandby { get; init; }
    /// The primary's: a failback that cannot reach the secondary's region may close the secondary's gate instead, where its
    /// switch lives in the primary's region (the metric gate).
    public required bool MovesSecondaryGate { get; init; }
    /// The secondary's: a failover scales up to at least the primary's desired count when it can be read (fixed names).
    public required bool ReadsPrimaryServiceSize { get; init; }

    public string Name => Role.ToString().ToLowerInvariant();

    /// `Primary` or `Secondary`, as dashboards and IAM Sids spell it.
    public string Label => Role.ToString();

    /// The actions a stack of `role` runs: failback in the primary; failover and drills in the secondary.
    public static IReadOnlyList<FailoverAction> WorkflowActionsOf(Role role) =>
        role == Role.Primary ? [FailoverAction.Failback] : [FailoverAction.Failover, FailoverAction.Drill];

    public static RoleProfile For(StackConfig config) => config.Role switch
    {
        Role.Primary => new RoleProfile
        {
            Role = Role.Primary,
            RecordType = "PRIMARY",
            DesiredCount = config.Capacity.ActiveCount,
            ScalingFloor = config.Capacity.AutoscalingMin,
            IdleStandby = false,
            Peer = Peer.Of(config),
            PrimaryRegion = config.Region,
            SecondaryRegion = config.PeerRegion,
            WorkflowActions = WorkflowActionsOf(Role.Primary),
            PrimaryGateMove = GateMove.Open,
            ReadsPrimaryOutputs = false,
            ForwardsAlarms = true,
            StartsOnTriggers = false,
            ScalesPeerToStandby = true,
            MovesSecondaryGate = true,
            ReadsPrimaryServiceSize = false,
        },
        _ => new RoleProfile
        {
            Role = Role.Secondary,
            RecordType = "SECONDARY",
            DesiredCount = config.Capacity.StandbyCount,
            ScalingFloor = config.Capacity.StandbyCount,
            IdleStandby = config.Capacity.StandbyCount == 0,
            Peer = Peer.Of(config),
            PrimaryRegion = config.PeerRegion,
            SecondaryRegion = config.Region,
            WorkflowActions = WorkflowActionsOf(Role.Secondary),
            PrimaryGateMove = GateMove.Close,
            ReadsPrimaryOutputs = true,
            ForwardsAlarms = false,
            StartsOnTriggers = true,
            ScalesPeerToStandby = false,
            MovesSecondaryGate = false,
            ReadsPrimaryServiceSize = true,
        },
    };
}
