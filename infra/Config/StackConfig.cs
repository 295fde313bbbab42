namespace Failover.Infra.Config;

/// Which side of the failover pair a stack deploys.
public enum Role { Primary, Secondary }

/// The user request flag: let automation act, stop it, or make it act.
public enum FlagMode { Auto, Block, Force }

/// The validated configuration of one region stack.
public sealed record StackConfig
{
    public required string Project { get; init; }
    public required string Stack { get; init; }
    public required Role Role { get; init; }
    public required string Region { get; init; }
    public required string PeerRegion { get; init; }
    public required DnsSettings Dns { get; init; }
    public required ContainerSettings Container { get; init; }
    public required CapacitySettings Capacity { get; init; }
    public required AlarmSettings Alarms { get; init; }
    public required NetworkSettings Network { get; init; }
    public required IReadOnlyList<string> NotificationEmails { get; init; }
    /// The flag's value when no override is set in the control table.
    public required FlagMode DefaultFlag { get; init; }
    /// 30 days: long enough to investigate a failover after a holiday weekend.
    public required int LogRetentionDays { get; init; }
    /// Configured tags plus Project, Stack and Role.
    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    /// `failover-primary`: the prefix of every physical name, so both stacks fit one account.
    public string NamePrefix => $"{Project}-{Stack}";

    /// The stack's tags plus a Name tag, for the consoles that list resources by it.
    public IReadOnlyDictionary<string, string> TagsNamed(string name) =>
        new SortedDictionary<string, string>(Tags.ToDictionary(), StringComparer.Ordinal) { ["Name"] = name };
}

/// The application's DNS name and the zone that holds the failover records.
public sealed record DnsSettings
{
    public required string DomainName { get; init; }
    public required string HostedZoneId { get; init; }
    /// Serve HTTPS on the ALB when set (an ACM certificate in this stack's region).
    public string? CertificateArn { get; init; }
    /// 10 s: Route 53's fast interval, so the endpoint check sees an outage in ~30 s instead of ~90 s.
    public required int EndpointCheckIntervalSeconds { get; init; }
    /// 3 failures before Route 53 calls the endpoint unhealthy (its default).
    public required int EndpointFailureThreshold { get; init; }
    /// What an alarm-backed check reports while its alarm has no data.
    public required string InsufficientDataHealthStatus { get; init; }
}

/// The container and its Fargate task size.
public sealed record ContainerSettings
{
    public required string Image { get; init; }
    public required int Port { get; init; }
    /// Path the ALB and Route 53 probe; it must answer 2xx/3xx when the region can serve.
    public required string HealthCheckPath { get; init; }
    /// Shell command run inside the container; a non-zero exit marks the task unhealthy.
    public required string HealthCheckCommand { get; init; }
    public required int Cpu { get; init; }
    public required int Memory { get; init; }
}

/// Task counts for the active and standby roles, and the CPU target-tracking bounds.
public sealed record CapacitySettings
{
    /// Desired tasks in the region that serves traffic.
    public required int ActiveCount { get; init; }
    /// Desired tasks in the standby region: 1+ is a warm standby, 0 a pilot light (slower to fail over).
    public required int StandbyCount { get; init; }
    public required int AutoscalingMin { get; init; }
    public required int AutoscalingMax { get; init; }
    public required int CpuTargetPercent { get; init; }
}

/// The alarms that say "this region cannot serve", each backing a Route 53 health check.
public sealed record AlarmSettings
{
    /// 60 s: the shortest standard-resolution period, the finest Route 53 accepts.
    public required int PeriodSeconds { get; init; }
    public required int EvaluationPeriods { get; init; }
    public required int DatapointsToAlarm { get; init; }
    public required int MinHealthyHosts { get; init; }
    public required int Target5xxThreshold { get; init; }
    public required int MinRunningTasks { get; init; }
    public required IReadOnlyList<ExtraAlarm> Extra { get; init; }
}

/// A user-defined single-metric alarm that also gates the region's health.
public sealed record ExtraAlarm
{
    public required string Name { get; init; }
    public required string Namespace { get; init; }
    public required string MetricName { get; init; }
    public required string Statistic { get; init; }
    public required IReadOnlyDictionary<string, string> Dimensions { get; init; }
    public required double Threshold { get; init; }
    public required string ComparisonOperator { get; init; }
    public required int PeriodSeconds { get; init; }
    public required int EvaluationPeriods { get; init; }
    public required string TreatMissingData { get; init; }
}

/// Build a VPC, or use an existing one.
public sealed record NetworkSettings
{
    /// CIDR of the VPC the stack creates; ignored when an existing VPC is given.
    public required string VpcCidr { get; init; }
    public string? ExistingVpcId { get; init; }
    public IReadOnlyList<string> ExistingSubnetIds { get; init; } = [];
    public bool UsesExistingVpc => ExistingVpcId is not null;
}
