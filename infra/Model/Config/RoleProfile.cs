namespace Failover.Infra.Config;

/// Everything that differs between the primary and the secondary stack, decided here and nowhere else.
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

    public string Name => Role.ToString().ToLowerInvariant();

    public static RoleProfile For(StackConfig config) => config.Role switch
    {
        Role.Primary => new RoleProfile
        {
            Role = Role.Primary,
            RecordType = "PRIMARY",
            DesiredCount = config.Capacity.ActiveCount,
            ScalingFloor = config.Capacity.AutoscalingMin,
            IdleStandby = false,
        },
        _ => new RoleProfile
        {
            Role = Role.Secondary,
            RecordType = "SECONDARY",
            DesiredCount = config.Capacity.StandbyCount,
            ScalingFloor = config.Capacity.StandbyCount,
            IdleStandby = config.Capacity.StandbyCount == 0,
        },
    };
}
