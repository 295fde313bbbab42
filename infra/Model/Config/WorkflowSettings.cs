namespace Failover.Infra.Config;

/// The failover workflow's readiness loop and the failback's drain.
public sealed record WorkflowSettings
{
    public required int ReadinessTimeoutSeconds { get; init; }
    public required int ReadinessPollSeconds { get; init; }
    public required int FailbackDrainSeconds { get; init; }
    /// A failover whose readiness timed out moves traffic anyway with at least this many healthy targets, when the primary is
    /// confirmed down (two independent sources, decide's own probe among them).
    public required int MinReadyTasksForShift { get; init; }

    /// Checks the loop makes at most: the time bound divided by the poll interval, plus the first check.
    public int MaxReadinessChecks => ReadinessTimeoutSeconds / ReadinessPollSeconds + 1;
}

/// readinessTimeoutSeconds, readinessPollSeconds, failbackDrainSeconds and minReadyTasksForShift.
public static class WorkflowSection
{
    public static readonly IntSetting ReadinessTimeoutSeconds = new()
    {
        Key = "readinessTimeoutSeconds",
        Default = 600,
        Min = 60,
        Max = 3600,
        Description = "how long the workflow waits for the promoted region to be ready before it stops without moving traffic",
        Why = "600 s: a Fargate task starts in ~30-60 s and needs two ALB checks to count; a pilot light pulling a large image can take minutes",
    };

    public static readonly IntSetting ReadinessPollSeconds = new()
    {
        Key = "readinessPollSeconds",
        Default = 15,
        Min = 5,
        Max = 300,
        Rule = "shorter than readinessTimeoutSeconds; the loop stops after timeout / poll + 1 checks",
        Description = "seconds between readiness checks",
        Why = "15 s: the ALB's healthy threshold is 2 checks of 5-10 s, so checking faster finds nothing new",
    };

    public static readonly IntSetting FailbackDrainSeconds = new()
    {
        Key = "failbackDrainSeconds",
        Default = 120,
        Min = 0,
        Max = 3600,
        OnlyRole = Role.Primary,
        Description = "after a failback restores the primary's gate, how long the secondary keeps its capacity before it is scaled back to standby",
        Why = "120 s: the failover record's alias TTL (60 s) plus Route 53's propagation of the gate's change",
    };

    public static readonly IntSetting MinReadyTasksForShift = new()
    {
        Key = "minReadyTasksForShift",
        Default = 1,
        Min = 1,
        Max = 1000,
        OnlyRole = Role.Secondary,
        Rule = "<= activeCount",
        Description = "a failover whose readiness wait ends short of activeCount still moves traffic with this many healthy targets, when the primary is confirmed down by two sources",
        Why = "1: one healthy task serving some users beats a dead region serving none; the service keeps starting the rest",
    };

    public static IReadOnlyList<Setting> All => [ReadinessTimeoutSeconds, ReadinessPollSeconds, FailbackDrainSeconds, MinReadyTasksForShift];

    internal static WorkflowSettings Parse(ConfigReader r, CapacitySettings capacity)
    {
        var timeout = r.Int(ReadinessTimeoutSeconds);
        var poll = r.Int(ReadinessPollSeconds);
        if (poll >= timeout) r.Fail(ReadinessPollSeconds, $"must be shorter than readinessTimeoutSeconds ({timeout}) (got {poll})");
        var drain = r.Int(FailbackDrainSeconds);
        var minReady = r.Int(MinReadyTasksForShift);
        if (minReady > capacity.ActiveCount)
            r.Fail(MinReadyTasksForShift, $"must be <= activeCount ({capacity.ActiveCount}) (got {minReady}): with activeCount healthy the region is ready anyway");
        return new WorkflowSettings
        {
            ReadinessTimeoutSeconds = timeout, ReadinessPollSeconds = poll, FailbackDrainSeconds = drain, MinReadyTasksForShift = minReady,
        };
    }
}
