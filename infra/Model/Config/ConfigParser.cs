using Failover.Contract;

namespace Failover.Infra.Config;

/// Turns raw stack inputs into a validated StackConfig, or into the full list of problems: each section reads its settings
/// through their descriptors; what is left here is the order of the sections and the checks across them.
public static class ConfigParser
{
    /// Longest `project-stack` prefix: physical names derive from it (`failover-primary-target-5xx`) and must stay
    /// readable in a console column; resources with short AWS limits (ALB, target group) are auto-named instead.
    private const int MaxNameLength = 40;

    public static ConfigResult Parse(StackInputs inputs)
    {
        var r = new ConfigReader(inputs);

        var role = r.Choice(StackSection.Role, null);
        if (!r.IsSet(StackSection.Role)) r.Fail(StackSection.Role, $"is required: {StackSection.Role.Required}");

        // A region that does not exist is reported once and then read as unset, so no check that compares regions repeats it.
        var region = r.Required(StackSection.Region) ?? "";
        if (region.Length > 0 && AwsRegions.Problem(region) is { } badRegion)
        {
            r.Fail(StackSection.Region, badRegion);
            region = "";
        }
        var peerRegion = r.Required(StackSection.PeerRegion) ?? "";
        if (peerRegion.Length > 0 && AwsRegions.Problem(peerRegion) is { } badPeer)
        {
            r.Fail(StackSection.PeerRegion, badPeer);
            peerRegion = "";
        }
        else if (peerRegion.Length > 0 && peerRegion == region)
            r.Fail(StackSection.PeerRegion, $"must differ from aws:region (both are '{region}'): failover needs a second region");

        var prefix = $"{inputs.Project}-{inputs.Stack}";
        if (!ConfigPatterns.Name().IsMatch(prefix) || prefix.Length > MaxNameLength)
            r.Problem($"stack '{inputs.Stack}' cannot name its resources: project and stack must be lowercase letters, digits and dashes, at most {MaxNameLength} characters together (got '{prefix}')");

        var dns = DnsSection.Parse(r, region);
        var container = ContainerSection.Parse(r, region);
        var capacity = CapacitySection.Parse(r);
        var alarms = AlarmSection.Parse(r);
        var network = NetworkSection.Parse(r);
        var edge = EdgeSection.Parse(r);

        var emails = StackSection.ParseEmails(r);
        var flag = r.Choice(StackSection.DefaultFlag);
        var reserve = r.Bool(StackSection.ReserveConcurrency);
        var retention = StackSection.ParseLogRetention(r);
        var rtoObjective = r.Int(StackSection.RtoObjectiveMinutes);
        var noticeRepeat = r.Int(StackSection.NoticeRepeatMinutes);

        var control = ControlSection.Parse(r, inputs, role ?? Role.Primary, region, peerRegion);
        var workflow = WorkflowSection.Parse(r, capacity);
        var triggers = TriggerSection.Parse(r, role);
        var readiness = ReadinessSection.Parse(r);
        var recoveryTasks = RecoveryTaskSection.Parse(r, region);

        var tags = StackSection.ParseTags(r, inputs, role ?? Role.Primary);
        if (role == Role.Secondary) CheckStandby(r, dns, capacity);
        CheckCapacitySignals(r, role, capacity, alarms);

        foreach (var retired in SettingsCatalog.Retired) r.Retired(retired);
        r.RejectUnknownKeys();
        if (r.Errors.Count > 0 || role is null) return new ConfigResult(null, r.Errors, r.KnownKeys) { ErrorOrigins = r.ErrorOrigins, SomeSayHow = r.SomeSayHow };
        var warnings = new List<string>();
        if (dns.TrafficGate == TrafficGateKind.Route53Api)
            warnings.Add($"{r.Key(DnsSection.TrafficGate)} route53-api moves traffic through Route 53's control plane, which is hosted in us-east-1: an outage there " +
                "stops every failover (AWS Fault Isolation Boundaries, Appendix B: do not rely on it in a recovery path); the default metric gate does not");
        if (dns.TrafficGate == TrafficGateKind.Arc && role == Role.Primary)
            warnings.Add($"{r.Key(DnsSection.TrafficGate)} arc: ARC creates routing controls Off, and an Off control's health check is unhealthy, so after the first deploy " +
                "both gates are closed (Route 53 then answers PRIMARY) and a failover's Off would break the safety rule: turn both controls On once, " +
                "as docs/design.md §4 (traffic gates) shows (aws route53-recovery-cluster update-routing-control-states)");

        return new ConfigResult(new StackConfig
        {
            Project = inputs.Project,
            Stack = inputs.Stack,
            Role = role.Value,
            Region = region,
            PeerRegion = peerRegion,
            Dns = dns,
            Container = container,
            Capacity = capacity,
            Alarms = alarms,
            Network = network,
            Edge = edge,
            NotificationEmails = emails,
            DefaultFlag = flag,
            LogRetentionDays = retention,
            ReserveConcurrency = reserve,
            RtoObjectiveMinutes = rtoObjective,
            NoticeRepeatMinutes = noticeRepeat,
            Control = control,
            Workflow = workflow,
            Triggers = triggers,
            Readiness = readiness,
            RecoveryTasks = recoveryTasks,
            Tags = tags,
        }, [], r.KnownKeys) { Warnings = warnings };
    }

    // A standby must not read as broken while idle, and DNS must never be left with two unhealthy records.
    private static void CheckStandby(ConfigReader r, DnsSettings dns, CapacitySettings capacity)
    {
        if (capacity.StandbyCount == 0 && dns.Failover != DnsFailover.Gated)
            r.Fail(DnsSection.Failover, $"{dns.Failover.ToString().ToLowerInvariant()} needs a warm standby (standbyCount >= 1): a pilot-light secondary has no " +
                "healthy target, so Route 53 would see both records unhealthy and keep answering PRIMARY; use gated with standbyCount 0");
    }

    // The capacity alarms use the same thresholds in both roles, so an idle warm standby and the active region must both clear them.
    private static void CheckCapacitySignals(ConfigReader r, Role? role, CapacitySettings capacity, AlarmSettings alarms)
    {
        foreach (var (key, threshold) in new[] { (AlarmSection.MinRunningTasks, alarms.MinRunningTasks), (AlarmSection.MinHealthyHosts, alarms.MinHealthyHosts) })
        {
            if (threshold > capacity.ActiveCount)
                r.Fail(key, $"({threshold}) is above activeCount ({capacity.ActiveCount}): the serving region would always be in alarm");
            else if (role == Role.Secondary && capacity.StandbyCount > 0 && threshold > capacity.StandbyCount)
                r.Fail(key, $"({threshold}) is above standbyCount ({capacity.StandbyCount}): the idle warm standby would read as broken; lower it or raise standbyCount");
        }
    }
}

/// Either a config or the problems that stop it; never both. KnownKeys: every setting the parser reads. Warnings: a valid
/// choice with a cost the user should hear about.
public sealed record ConfigResult(StackConfig? Config, IReadOnlyList<string> Errors, IReadOnlyCollection<string> KnownKeys)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];
    /// Where the bad values are: the stack's config, Pulumi.yaml, or both; the errors that say their own fix are not counted.
    public IReadOnlySet<string> ErrorOrigins { get; init; } = new HashSet<string>();
    /// Some error says its own fix (remove the key, rename it).
    public bool SomeSayHow { get; init; }
}
