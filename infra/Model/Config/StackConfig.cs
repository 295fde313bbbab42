using Failover.Contract;

namespace Failover.Infra.Config;

/// Which side of the failover pair a stack deploys.
public enum Role { Primary, Secondary }

/// What decides each failover record's health, i.e. what may move traffic without the workflow.
public enum DnsFailover
{
    /// The traffic gate alone: DNS moves only when the workflow (flag honoured, standby scaled and verified) flips it.
    Gated,
    /// Gate and endpoint check, target health evaluated: an unreachable region or an ALB without healthy targets loses traffic on its own.
    Endpoint,
    /// The region's calculated check over every alarm, the endpoint and the gate: any alarm moves traffic, the flag cannot stop it.
    Automatic,
}

/// How the workflow closes and opens a region's failover record (config trafficGate); the same in both stacks.
public enum TrafficGateKind
{
    /// A CLOUDWATCH_METRIC health check on an alarm in the other region over a metric the workflow publishes there: the flip is
    /// a PutMetricData in the recovery region, and the check holds its last status while nobody publishes. No extra cost.
    Metric,
    /// The inversion of a calculated health check through Route 53's control plane, which lives in us-east-1: an outage there
    /// stops every failover (kept as an explicit choice, with a warning).
    Route53Api,
    /// A RECOVERY_CONTROL health check on a Route 53 ARC routing control, one per region on a cluster the user names (or the
    /// primary creates, opt-in): the flip goes to the cluster's data plane, five regional endpoints of which any one will do.
    /// The cluster is billed by the hour (README, traffic gates).
    Arc,
}

/// trafficGate arc: the ARC cluster whose routing controls are the gates.
public sealed record ArcSettings
{
    /// false: a cluster costs by the hour whether or not anything fails over; one cluster can host many applications' controls,
    /// so naming an existing one (arcClusterArn) is the default and creating one is the opt-in.
    public const bool CreateClusterDefault = false;
    /// 5000 ms: how long ARC blocks a further update after one the safety rule judged, the figure of AWS's own examples.
    public const int SafetyRuleWaitMs = 5000;

    /// An existing cluster's ARN (arcClusterArn); null when the primary creates one.
    public string? ClusterArn { get; init; }
    public required bool CreateCluster { get; init; }
    /// An existing cluster's regional data-plane endpoints (arcClusterEndpoints), in the order shift-traffic tries them; empty
    /// when the primary creates the cluster (its endpoints are then the cluster's `clusterEndpoints` output).
    public IReadOnlyList<(string Region, string Url)> Endpoints { get; init; } = [];

    /// `us-east-1=https://...,...`: ARC_CLUSTER_ENDPOINTS as shift-traffic reads it.
    public string EndpointsText => string.Join(",", Endpoints.Select(e => $"{e.Region}={e.Url}"));
}

/// The validated configuration of one region stack. Each default sits next to its property, with its reason.
public sealed record StackConfig
{
    /// auto: automation may act unless an operator blocks it; the flag exists to stop it, not to enable it.
    public const FlagMode DefaultFlagDefault = FlagMode.Auto;
    /// true: each function keeps a few executions of the account's concurrency for itself (FunctionSize), so a recovery region
    /// where every other workload fails over too cannot throttle the failover; false for accounts with too little concurrency
    /// to spare (AWS keeps 100 unreserved).
    public const bool ReserveConcurrencyDefault = true;
    /// 30 days: long enough to investigate a failover after a holiday weekend.
    public const int LogRetentionDaysDefault = 30;
    /// 30 minutes: the shipped stacks' modelled worst case is ~20 min (10 of them the readiness timeout), so a third is left
    /// for recovery tasks; set it to the recovery time you promise (the compiler refuses a stack whose worst case exceeds it).
    public const int RtoObjectiveMinutesDefault = 30;
    /// 30 minutes: a BLOCKED or ALERT condition already announced is repeated at most this often, whatever the probe's rate
    /// (six probes at the default rate): a paged operator is not paged again while reading the first notice, and a block nobody
    /// lifts is not forgotten over a shift. decide's own default, NoticeRepeat.RepeatMinutesDefault, is the same.
    public const int NoticeRepeatMinutesDefault = 30;

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
    public required EdgeSettings Edge { get; init; }
    public required IReadOnlyList<string> NotificationEmails { get; init; }
    /// The flag's value when no override is set in the control table.
    public required FlagMode DefaultFlag { get; init; }
    public required int LogRetentionDays { get; init; }
    public required bool ReserveConcurrency { get; init; }
    /// The recovery time promised for this stack's promotion (whole minutes): the modelled worst case must fit in it.
    public required int RtoObjectiveMinutes { get; init; }
    /// How often a BLOCKED or ALERT notice for a condition already announced is repeated (whole minutes); decide keeps the
    /// last announcement in the control table.
    public required int NoticeRepeatMinutes { get; init; }
    public required ControlSettings Control { get; init; }
    public required WorkflowSettings Workflow { get; init; }
    public required TriggerSettings Triggers { get; init; }
    /// The application's own steps around the traffic shift when this stack's region is promoted.
    public required IReadOnlyList<RecoveryTask> RecoveryTasks { get; init; }
    /// Configured tags plus Project, Stack and Role.
    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    /// `failover-primary`: the prefix of every physical name, so both stacks fit one account.
    public string NamePrefix => $"{Project}-{Stack}";

    public Naming Naming => new(NamePrefix, Tags);
}

/// How the control table replicates between the two regions: what makes the lock hold across them.
public enum TableConsistency
{
    /// Multi-Region strong consistency: a conditional write is checked against every replica, so one lock serialises
    /// failover (secondary) and failback (primary). Needs both regions and a witness in one of DynamoDB's region sets.
    Strong,
    /// Multi-Region eventual consistency: each replica checks conditions alone and the last writer wins across regions;
    /// decide also reads the peer replica's lock before taking its own (the residual race is in the README).
    Eventual,
}

/// The control table's consistency and the peer stack the two stacks find each other by.
public sealed record ControlSettings
{
    /// DynamoDB's multi-Region strong consistency region sets (a table's replicas and witness must lie in one).
    public static readonly IReadOnlyList<IReadOnlyList<string>> StrongConsistencyRegionSets =
    [
        ["us-east-1", "us-east-2", "us-west-2"],
        ["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1"],
        ["ap-northeast-1", "ap-northeast-2", "ap-northeast-3"],
    ];

    /// strong where both regions share a region set (the lock then holds across regions); eventual elsewhere.
    public required TableConsistency Consistency { get; init; }
    /// The witness region of a strongly consistent table; defaults to the first other region of the set.
    public string? WitnessRegion { get; init; }
    /// The other stack, as written in config (default: the other role's name).
    public required string PeerStack { get; init; }
    /// `org/project/stack`: what the secondary's StackReference reads the primary's outputs from.
    public required string PeerStackReference { get; init; }
    /// `project-stack` of the peer: the fixed names of its cluster, service and functions.
    public required string PeerNamePrefix { get; init; }

    /// The region set both regions lie in, if any.
    public static IReadOnlyList<string>? SharedRegionSet(string region, string peerRegion) =>
        StrongConsistencyRegionSets.FirstOrDefault(set => set.Contains(region) && set.Contains(peerRegion));
}

/// The failover workflow's readiness loop.
public sealed record WorkflowSettings
{
    /// 600 s: a Fargate task starts in ~30-60 s and needs two ALB checks to count; a pilot light pulling a large image
    /// can take minutes. Past this the workflow stops before moving traffic, notifies and releases the lock.
    public const int ReadinessTimeoutSecondsDefault = 600;
    /// 15 s between readiness checks: the ALB's healthy threshold is 2 checks of 5-10 s, so checking faster finds nothing new.
    public const int ReadinessPollSecondsDefault = 15;

    /// 120 s: the failover record's alias TTL (60 s) plus Route 53's propagation of the gate's change; until then resolvers
    /// still send clients to the secondary, so the failback scales it back only after this.
    public const int FailbackDrainSecondsDefault = 120;

    /// 1: when the readiness timeout passes with the primary confirmed down by two sources, one healthy task serving some
    /// users beats a dead region serving none; the service keeps starting the rest.
    public const int MinReadyTasksForShiftDefault = 1;

    public required int ReadinessTimeoutSeconds { get; init; }
    public required int ReadinessPollSeconds { get; init; }
    public required int FailbackDrainSeconds { get; init; }
    /// A failover whose readiness timed out moves traffic anyway with at least this many healthy targets, when the primary is
    /// confirmed down (two independent sources, decide's own probe among them).
    public required int MinReadyTasksForShift { get; init; }

    /// Checks the loop makes at most: the time bound divided by the poll interval, plus the first check.
    public int MaxReadinessChecks => ReadinessTimeoutSeconds / ReadinessPollSeconds + 1;
}

/// What starts the secondary's workflow besides the alarms: the scheduled probe.
public sealed record TriggerSettings
{
    /// Every minute: decide's own probe of the primary makes the probe the fastest detection (~60 s), from the recovery region,
    /// for ~43,800 short executions (~$8) a month; a BLOCKED or ALERT notice still repeats only every noticeRepeatMinutes.
    public const string ProbeRateDefault = "rate(1 minute)";

    /// A Scheduler rate expression, or null when the probe is off (config `off`). The secondary's only: the primary ignores it.
    public string? ProbeRate { get; init; }
    /// The rate in seconds (null when off): what the probe's silence alarm waits three times for.
    public int? ProbeIntervalSeconds { get; init; }
}

/// When a recovery task runs: before the traffic gate moves (a failure stops the failover) or after it.
public enum RecoveryPhase { BeforeShift, AfterShift }

/// One of the application's recovery steps, run as a one-off ECS task (`ecs:runTask.sync`) in the promoted region.
public sealed record RecoveryTask
{
    /// 600 s: long enough for a database promotion or a migration, short enough that a hung task does not hold the lock for long.
    public const int TimeoutSecondsDefault = 600;

    public required string Name { get; init; }
    public required RecoveryPhase Phase { get; init; }
    public required int TimeoutSeconds { get; init; }
    /// Replaces the container's command; null keeps the task definition's.
    public IReadOnlyList<string>? Command { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// Another task definition (family, family:revision or ARN); null runs the service's own.
    public string? TaskDefinition { get; init; }
    /// The container the overrides apply to: the service's container unless another task definition is given.
    public required string Container { get; init; }
    /// The other task definition's execution and task roles, which the workflow passes to ECS.
    public IReadOnlyList<string> RoleArns { get; init; } = [];

    /// The family IAM scopes ecs:RunTask to: `family` of `family:3` or of an ARN.
    public string? TaskDefinitionFamily => TaskDefinition?.Split('/')[^1].Split(':')[0];
}

/// The application's DNS name, the zone that holds the failover records, and what may move traffic.
public sealed record DnsSettings
{
    /// gated: traffic moves only by decision (the flag can stop it, the standby is scaled first); see the README's table.
    public const DnsFailover FailoverDefault = DnsFailover.Gated;
    /// 10 s: Route 53's fast interval, so the endpoint check sees an outage in ~30 s instead of ~90 s.
    public const int EndpointCheckIntervalSecondsDefault = 10;
    /// 3 failures before Route 53 calls the endpoint unhealthy (its own default): one lost probe is not an outage.
    public const int EndpointFailureThresholdDefault = 3;

    public required string DomainName { get; init; }
    public required string HostedZoneId { get; init; }
    /// Serve HTTPS on the ALB when set (an ACM certificate in this stack's region).
    public string? CertificateArn { get; init; }
    public required DnsFailover Failover { get; init; }
    /// metric: the gate moves on a regional data plane; see TrafficGateKind.
    public const TrafficGateKind TrafficGateDefault = TrafficGateKind.Metric;
    public required TrafficGateKind TrafficGate { get; init; }
    /// trafficGate arc only: the cluster.
    public ArcSettings? Arc { get; init; }
    public required int EndpointCheckIntervalSeconds { get; init; }
    public required int EndpointFailureThreshold { get; init; }
}

/// The container and its Fargate task size.
public sealed record ContainerSettings
{
    /// 8080: the common unprivileged port of application images.
    public const int PortDefault = 8080;
    /// /health: the conventional path; it must answer 2xx/3xx when the region can serve.
    public const string HealthCheckPathDefault = "/health";
    /// 0.5 vCPU / 1 GiB: the smallest size most web services start comfortably in.
    public const int CpuDefault = 512, MemoryDefault = 1024;

    public required string Image { get; init; }
    /// The image (an ECR image in another region) may come from outside this stack's region: off by default, because the
    /// standby pulls it during the failover, when the other region may be the one that is down (Fargate caches no image).
    public const bool AllowCrossRegionImageDefault = false;
    public required bool AllowCrossRegionImage { get; init; }
    public required int Port { get; init; }
    /// Path the ALB and Route 53 probe.
    public required string HealthCheckPath { get; init; }
    /// Shell command run inside the container; a non-zero exit marks the task unhealthy.
    public required string HealthCheckCommand { get; init; }
    public required int Cpu { get; init; }
    public required int Memory { get; init; }

    /// `curl` against the health path on the container's own port: what the ALB checks, seen from inside.
    public static string HealthCheckCommandDefault(int port, string path) => $"curl -fsS -o /dev/null http://127.0.0.1:{port}{path} || exit 1";
}

/// Task counts for the active and standby roles, and the CPU target-tracking bounds.
public sealed record CapacitySettings
{
    /// 2: one task per availability zone, so losing a zone does not empty the region.
    public const int ActiveCountDefault = 2;
    /// 1: a warm standby, seen running the image (and alarming when it cannot) for one task's cost; the failover still starts
    /// the tasks up to activeCount (~30-60 s), which only a standby at the active size saves (README, recovery time budget).
    public const int StandbyCountDefault = 1;
    /// 60 %: headroom for a region that suddenly takes the other's traffic.
    public const int CpuTargetPercentDefault = 60;

    /// Desired tasks in the region that serves traffic.
    public required int ActiveCount { get; init; }
    /// Desired tasks in the standby region: 1+ is a warm standby, 0 a pilot light (a failover starts every task it needs).
    public required int StandbyCount { get; init; }
    /// Defaults to ActiveCount: the serving region never scales in below its active size.
    public required int AutoscalingMin { get; init; }
    /// Defaults to max(6, ActiveCount): room for three times the active size before requests queue.
    public required int AutoscalingMax { get; init; }
    public required int CpuTargetPercent { get; init; }

    public static int AutoscalingMaxDefault(int activeCount) => Math.Max(6, activeCount);
}

/// The alarms that say "this region cannot serve", each backing a Route 53 health check.
public sealed record AlarmSettings
{
    /// 60 s: the shortest standard-resolution period, the finest Route 53 accepts.
    public const int PeriodSecondsDefault = 60;
    /// 2 periods: one bad minute is noise, two are an incident (~2 min to detect).
    public const int EvaluationPeriodsDefault = 2;
    /// 1: a region without a single healthy target cannot serve.
    public const int MinHealthyHostsDefault = 1;
    /// 10 per period: a few errors are the application's business, a burst is the region's.
    public const int Target5xxThresholdDefault = 10;
    /// 1: a service without a running task cannot serve.
    public const int MinRunningTasksDefault = 1;

    public required int PeriodSeconds { get; init; }
    public required int EvaluationPeriods { get; init; }
    public required int MinHealthyHosts { get; init; }
    public required int Target5xxThreshold { get; init; }
    public required int MinRunningTasks { get; init; }
    public required IReadOnlyList<ExtraAlarm> Extra { get; init; }
}

/// A user-defined single-metric alarm that also backs a Route 53 health check.
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
    /// What its Route 53 check reports without data; defaults to what treatMissingData says no data means.
    public required string InsufficientDataHealthStatus { get; init; }

    /// breaching → Unhealthy, notBreaching → Healthy, ignore/missing → LastKnownStatus: Route 53 reads the metric, not
    /// the alarm state, so its check must say of missing data what the alarm says.
    public static string InsufficientDataHealthStatusFor(string treatMissingData) => treatMissingData switch
    {
        "breaching" => "Unhealthy",
        "notBreaching" => "Healthy",
        _ => "LastKnownStatus",
    };
}

/// Build a VPC, or use an existing one.
public sealed record NetworkSettings
{
    /// 10.0.0.0/16: room for the two public /18 subnets and later private ones.
    public const string VpcCidrDefault = "10.0.0.0/16";

    /// 443 only: what the tasks need without NAT or VPC endpoints (ECR, the image layers in S3, CloudWatch Logs, Secrets Manager,
    /// the application's AWS calls); an application that also opens a database or another port lists it (taskEgressPorts).
    public static readonly IReadOnlyList<int> TaskEgressPortsDefault = [443];

    /// TCP ports the tasks (the service's and the recovery tasks) may connect out on, to any address.
    public required IReadOnlyList<int> TaskEgressPorts { get; init; }
    /// CIDR of the VPC the stack creates; ignored when an existing VPC is given.
    public required string VpcCidr { get; init; }
    public string? ExistingVpcId { get; init; }
    /// Where the internet-facing ALB lives (≥ 2 AZs, routed to an internet gateway).
    public IReadOnlyList<string> PublicSubnetIds { get; init; } = [];
    /// Where the tasks run, without public IPs (need NAT or VPC endpoints for ECR, S3 and CloudWatch Logs).
    public IReadOnlyList<string> PrivateSubnetIds { get; init; } = [];
    public bool UsesExistingVpc => ExistingVpcId is not null;
    /// Tasks in the public subnets this stack builds need a public IP to pull images (there is no NAT gateway); tasks in an
    /// existing VPC's private subnets get none.
    public bool TasksGetPublicIp => !UsesExistingVpc;
}

/// What guards the internet-facing ALB: deletion protection, its access logs, and an optional WAF.
public sealed record EdgeSettings
{
    /// true: the ALB is the region's front door and its DNS name is what the failover record aliases; deleting it by mistake
    /// (a console click, a stray destroy) takes the region out until a new one is created and the record follows. Costs nothing.
    public const bool DeletionProtectionDefault = true;
    /// true: the access logs are the one record of who sent which request, what a security review and an incident need;
    /// ELB charges nothing to deliver them, only their S3 storage (README, configuration).
    public const bool AccessLogsDefault = true;
    /// 30 days: the same as the stack's other logs, long enough to investigate an incident found after a holiday weekend,
    /// short enough that storage stays small.
    public const int AccessLogDaysDefault = 30;
    /// false: a WebACL costs $5 a month, $1 a rule and $0.60 per million requests whether or not anyone attacks the service.
    public const bool WafDefault = false;
    /// 2000 requests per 5 minutes per client IP (~7 a second, sustained): far above one browser or API client, well below what
    /// one address needs to flood a small service. The window is WAF's own default.
    public const int WafRateLimitDefault = 2000;
    /// WAF counts a rate-based rule's requests over this window (seconds); the limit is per window.
    public const int WafEvaluationWindowSeconds = 300;

    public required bool DeletionProtection { get; init; }
    public required bool AccessLogs { get; init; }
    /// How long the access logs are kept before S3 expires them.
    public required int AccessLogDays { get; init; }
    public required bool Waf { get; init; }
    /// Requests one client IP may send per evaluation window before the WebACL blocks it.
    public required int WafRateLimit { get; init; }
}
