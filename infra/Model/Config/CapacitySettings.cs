namespace Failover.Infra.Config;

/// Task counts for the active and standby roles, and the CPU target-tracking bounds.
public sealed record CapacitySettings
{
    /// Desired tasks in the region that serves traffic.
    public required int ActiveCount { get; init; }
    /// Desired tasks in the standby region: 1+ is a warm standby, 0 a pilot light (a failover starts every task it needs).
    public required int StandbyCount { get; init; }
    public required int AutoscalingMin { get; init; }
    public required int AutoscalingMax { get; init; }
    public required int CpuTargetPercent { get; init; }

    /// max(6, activeCount): room for three times the default active size before requests queue.
    public static int AutoscalingMaxDefault(int activeCount) => Math.Max(6, activeCount);
}

/// activeCount, standbyCount, the autoscaling bounds and the CPU target.
public static class CapacitySection
{
    public static readonly IntSetting ActiveCount = new()
    {
        Key = "activeCount",
        Default = 2,
        Min = 1,
        Max = 1000,
        Rule = "within autoscalingMin..autoscalingMax; the same in both stacks",
        Description = "desired tasks in the region that serves traffic (the primary's initial count)",
        Why = "2: one task per availability zone, so losing a zone does not empty the region",
    };

    public static readonly IntSetting StandbyCount = new()
    {
        Key = "standbyCount",
        Default = 1,
        Min = 0,
        Max = 1000,
        Rule = "<= autoscalingMax; 0 only with dnsFailover gated; the same in both stacks",
        Description = "desired tasks in the standby (the secondary's initial count): 1+ a warm standby, 0 a pilot light",
        Why = "1: a warm standby, seen running the image (and alarming when it cannot) for one task's cost; only a standby at " +
            "activeCount saves the failover its task start",
    };

    public static readonly IntSetting AutoscalingMin = new()
    {
        Key = "autoscalingMin",
        DerivedDefault = "activeCount",
        Min = 1,
        Max = 1000,
        Rule = "<= autoscalingMax; the secondary's floor is standbyCount; the same in both stacks",
        Description = "the floor of target tracking in the serving region",
        Why = "activeCount: the serving region never scales in below its active size",
    };

    public static readonly IntSetting AutoscalingMax = new()
    {
        Key = "autoscalingMax",
        DerivedDefault = "max(6, activeCount)",
        Min = 1,
        Max = 1000,
        Rule = "the same in both stacks",
        Description = "the ceiling of target tracking",
        Why = "max(6, activeCount): room for three times the default active size before requests queue",
    };

    public static readonly IntSetting CpuTargetPercent = new()
    {
        Key = "cpuTargetPercent",
        Default = 60,
        Min = 10,
        Max = 90,
        Description = "the CPU utilisation target tracking holds",
        Why = "60 %: headroom for a region that suddenly takes the other's traffic",
    };

    public static IReadOnlyList<Setting> All => [ActiveCount, StandbyCount, AutoscalingMin, AutoscalingMax, CpuTargetPercent];

    internal static CapacitySettings Parse(ConfigReader r)
    {
        var active = r.Int(ActiveCount);
        var standby = r.Int(StandbyCount);
        var min = r.Int(AutoscalingMin, active);
        var max = r.Int(AutoscalingMax, CapacitySettings.AutoscalingMaxDefault(active));
        var target = r.Int(CpuTargetPercent);
        if (min > max) r.Fail(AutoscalingMin, $"must be <= autoscalingMax ({max}) (got {min})");
        if (active < min || active > max) r.Fail(ActiveCount, $"must lie within autoscalingMin..autoscalingMax ({min}..{max}) (got {active})");
        if (standby > max) r.Fail(StandbyCount, $"must be <= autoscalingMax ({max}) (got {standby})");
        return new CapacitySettings { ActiveCount = active, StandbyCount = standby, AutoscalingMin = min, AutoscalingMax = max, CpuTargetPercent = target };
    }
}
