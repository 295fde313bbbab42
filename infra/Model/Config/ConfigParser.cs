using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Failover.Contract;

namespace Failover.Infra.Config;

/// Turns raw stack inputs into a validated StackConfig, or into the full list of problems.
public static partial class ConfigParser
{
    /// Statistics a Route 53 CLOUDWATCH_METRIC health check accepts (no extended statistics; API_AlarmIdentifier).
    public static readonly IReadOnlyList<string> Route53Statistics = ["Average", "Minimum", "Maximum", "Sum", "SampleCount"];

    public static readonly IReadOnlyList<int> LogRetentionValues =
        [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    private static readonly string[] ComparisonOperators =
        ["GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"];

    private static readonly string[] MissingDataTreatments = ["breaching", "notBreaching", "ignore", "missing"];

    /// Longest `project-stack` prefix: physical names derive from it (`failover-primary-target-5xx`) and must stay
    /// readable in a console column; resources with short AWS limits (ALB, target group) are auto-named instead.
    private const int MaxNameLength = 40;

    public static ConfigResult Parse(StackInputs inputs)
    {
        var r = new ConfigReader(inputs);

        var role = r.Choice<Role?>("role", null, new Dictionary<string, Role?> { ["primary"] = Role.Primary, ["secondary"] = Role.Secondary });
        if (!r.IsSet("role")) r.Fail("role", "is required: primary or secondary");

        var region = r.Required("aws:region", "the AWS region this stack deploys to, e.g. us-east-1") ?? "";
        if (region.Length > 0 && !RegionPattern().IsMatch(region)) r.Fail("aws:region", $"is not an AWS region name (got '{region}')");
        var peerRegion = r.Required("peerRegion", "the region of the other stack") ?? "";
        if (peerRegion.Length > 0 && !RegionPattern().IsMatch(peerRegion)) r.Fail("peerRegion", $"is not an AWS region name (got '{peerRegion}')");
        else if (peerRegion.Length > 0 && peerRegion == region) r.Fail("peerRegion", $"must differ from aws:region (both are '{region}'): failover needs a second region");

        var prefix = $"{inputs.Project}-{inputs.Stack}";
        if (!NamePattern().IsMatch(prefix) || prefix.Length > MaxNameLength)
            r.Problem($"stack '{inputs.Stack}' cannot name its resources: project and stack must be lowercase letters, digits and dashes, at most {MaxNameLength} characters together (got '{prefix}')");

        var dns = ParseDns(r, region);
        var container = ParseContainer(r, region);
        var capacity = ParseCapacity(r);
        var alarms = ParseAlarms(r);
        var network = ParseNetwork(r);
        var edge = ParseEdge(r);

        var emails = r.List("notificationEmails");
        foreach (var email in emails.Where(e => !EmailPattern().IsMatch(e)))
            r.Fail("notificationEmails", $"has '{email}', which is not an email address");

        var flag = r.Choice("defaultFlag", StackConfig.DefaultFlagDefault, Wire.FlagSpellings);

        var reserve = r.Bool("reserveConcurrency", StackConfig.ReserveConcurrencyDefault);

        var retention = r.Int("logRetentionDays", StackConfig.LogRetentionDaysDefault, 1);
        if (!LogRetentionValues.Contains(retention))
            r.Fail("logRetentionDays", $"must be one of CloudWatch's retention values {string.Join(", ", LogRetentionValues)} (got {retention})");

        // At most a day: past that a recovery time is no longer an objective this stack's automation can be held to.
        var rtoObjective = r.Int("rtoObjectiveMinutes", StackConfig.RtoObjectiveMinutesDefault, 1, 1440);

        // 1 minute to a day: a reminder faster than any probe is no limit, and one rarer than daily lets a block be forgotten.
        var noticeRepeat = r.Int("noticeRepeatMinutes", StackConfig.NoticeRepeatMinutesDefault, 1, 1440);

        var control = ParseControl(r, inputs, role ?? Role.Primary, region, peerRegion);
        var workflow = ParseWorkflow(r, capacity);
        var triggers = ParseTriggers(r);
        var recoveryTasks = ParseRecoveryTasks(r, region);

        var tags = ParseTags(r, inputs, role ?? Role.Primary);
        if (role == Role.Secondary) CheckStandby(r, dns, capacity);
        CheckCapacitySignals(r, role, capacity, alarms);

        r.Retired("insufficientDataHealthStatus",
            "each alarm-backed check now has its own insufficient-data status (see the README's health signals); set insufficientDataHealthStatus on an extraAlarms item instead");
        r.Retired("subnetIds", "it was split into publicSubnetIds (the internet-facing ALB) and privateSubnetIds (the tasks)");
        r.Retired("alarmDatapointsToAlarm", "alarms fire on N of N (alarmEvaluationPeriods), because Route 53 copies no datapoints-to-alarm " +
            "into its health check and an M-of-N alarm would disagree with its check");
        r.RejectUnknownKeys();
        if (r.Errors.Count > 0 || role is null) return new ConfigResult(null, r.Errors, r.KnownKeys);
        var warnings = new List<string>();
        if (dns.TrafficGate == TrafficGateKind.Route53Api)
            warnings.Add($"{r.Key("trafficGate")} route53-api moves traffic through Route 53's control plane, which is hosted in us-east-1: an outage there " +
                "stops every failover (AWS Fault Isolation Boundaries, Appendix B: do not rely on it in a recovery path); the default metric gate does not");
        if (dns.TrafficGate == TrafficGateKind.Arc && role == Role.Primary)
            warnings.Add($"{r.Key("trafficGate")} arc: ARC creates routing controls Off, and an Off control's health check is unhealthy, so after the first deploy " +
                "both gates are closed (Route 53 then answers PRIMARY) and a failover's Off would break the safety rule: turn both controls On once, " +
                "as the README's traffic gates section shows (aws route53-recovery-cluster update-routing-control-states)");

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
            RecoveryTasks = recoveryTasks,
            Tags = tags,
        }, [], r.KnownKeys) { Warnings = warnings };
    }

    private static DnsSettings ParseDns(ConfigReader r, string region)
    {
        var domain = (r.Required("domainName", "the application's DNS name, e.g. app.example.com") ?? "").TrimEnd('.').ToLowerInvariant();
        if (domain.Length > 0 && !DomainPattern().IsMatch(domain)) r.Fail("domainName", $"is not a DNS name (got '{domain}')");
        var zone = r.Required("hostedZoneId", "the Route 53 hosted zone that holds domainName, e.g. Z0123456789ABCDEFGHIJ") ?? "";
        if (zone.Length > 0 && !ZonePattern().IsMatch(zone)) r.Fail("hostedZoneId", $"is not a Route 53 hosted zone id (got '{zone}')");

        var certificate = r.Raw("certificateArn");
        if (certificate is not null)
        {
            var match = CertificatePattern().Match(certificate);
            if (!match.Success) r.Fail("certificateArn", $"is not an ACM certificate ARN (got '{certificate}')");
            else if (region.Length > 0 && match.Groups["region"].Value != region)
                r.Fail("certificateArn", $"is in {match.Groups["region"].Value}, but an ALB needs a certificate in its own region ({region})");
        }

        var gate = r.Choice("trafficGate", DnsSettings.TrafficGateDefault, TrafficGateKinds);
        var interval = r.Int("endpointCheckIntervalSeconds", DnsSettings.EndpointCheckIntervalSecondsDefault, 10, 30);
        if (interval is not (10 or 30)) r.Fail("endpointCheckIntervalSeconds", $"must be 10 or 30, the intervals Route 53 offers (got {interval})");

        return new DnsSettings
        {
            DomainName = domain,
            HostedZoneId = zone,
            CertificateArn = certificate,
            Failover = r.Choice("dnsFailover", DnsSettings.FailoverDefault, new Dictionary<string, DnsFailover>
            {
                ["gated"] = DnsFailover.Gated, ["endpoint"] = DnsFailover.Endpoint, ["automatic"] = DnsFailover.Automatic,
            }),
            TrafficGate = gate,
            Arc = ParseArc(r, gate),
            EndpointCheckIntervalSeconds = interval,
            EndpointFailureThreshold = r.Int("endpointFailureThreshold", DnsSettings.EndpointFailureThresholdDefault, 1, 10),
        };
    }

    /// The spellings of trafficGate, the functions' own names for the modes.
    public static readonly IReadOnlyDictionary<string, TrafficGateKind> TrafficGateKinds = new Dictionary<string, TrafficGateKind>
    {
        [TrafficGateModes.Metric] = TrafficGateKind.Metric, [TrafficGateModes.Arc] = TrafficGateKind.Arc, [TrafficGateModes.Route53Api] = TrafficGateKind.Route53Api,
    };

    private static readonly string[] ArcKeys = ["arcClusterArn", "arcCreateCluster", "arcClusterEndpoints"];

    // An existing cluster (its ARN and the endpoints describe-cluster lists, which the stack cannot look up: the provider has no
    // cluster data source) or, opted in, one the primary creates. Every ARC key is refused with another gate kind.
    private static ArcSettings? ParseArc(ConfigReader r, TrafficGateKind gate)
    {
        var arn = r.Raw("arcClusterArn");
        var create = r.Bool("arcCreateCluster", ArcSettings.CreateClusterDefault);
        var raw = r.List("arcClusterEndpoints");
        if (gate != TrafficGateKind.Arc)
        {
            foreach (var key in ArcKeys.Where(r.IsSet)) r.Fail(key, "is used only with trafficGate arc");
            return null;
        }
        if (arn is not null && create)
            r.Fail("arcClusterArn", "and arcCreateCluster: true both name a cluster: give an existing cluster's ARN, or let the primary create one, not both");
        else if (arn is null && !create)
            r.Fail("arcClusterArn", "is required with trafficGate arc: the ARN of an existing ARC cluster (aws route53-recovery-control-config list-clusters " +
                "--region us-west-2), or set arcCreateCluster: true to have the primary create one (billed by the hour; README, traffic gates)");
        if (arn is not null && !ArcClusterPattern().IsMatch(arn))
            r.Fail("arcClusterArn", $"is not an ARC cluster ARN, arn:aws:route53-recovery-control::ACCOUNT:cluster/ID (got '{arn}')");

        var endpoints = new List<(string Region, string Url)>();
        foreach (var item in raw)
        {
            var parts = item.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && RegionPattern().IsMatch(parts[0]) && Uri.TryCreate(parts[1], UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps)
                endpoints.Add((parts[0], parts[1]));
            else r.Fail("arcClusterEndpoints", $"has '{item}', expected REGION=https://URL (the Region and Endpoint of each ClusterEndpoints item describe-cluster prints)");
        }
        if (create && raw.Count > 0)
            r.Fail("arcClusterEndpoints", "is for an existing cluster (arcClusterArn): a cluster the primary creates tells its own endpoints");
        else if (arn is not null && raw.Count == 0)
            r.Fail("arcClusterEndpoints", "is required with arcClusterArn: the cluster's regional endpoints, REGION=URL each, from aws route53-recovery-control-config " +
                "describe-cluster --region us-west-2 --cluster-arn ARN (ClusterEndpoints); shift-traffic tries them in this order");
        else if (endpoints.GroupBy(e => e.Region).FirstOrDefault(g => g.Count() > 1) is { } twice)
            r.Fail("arcClusterEndpoints", $"names {twice.Key} twice");
        return new ArcSettings { ClusterArn = arn, CreateCluster = create, Endpoints = endpoints };
    }

    private static ContainerSettings ParseContainer(ConfigReader r, string region)
    {
        var image = r.Required("containerImage", "the image to run, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.4.2") ?? "";
        if (image.Any(char.IsWhiteSpace)) r.Fail("containerImage", $"must not contain spaces (got '{image}')");
        var crossRegion = r.Bool("allowCrossRegionImage", ContainerSettings.AllowCrossRegionImageDefault);
        // Fargate pulls the whole image for every task it starts (ECS guide, "Fargate pull behavior"): a standby that pulls from the
        // region it replaces cannot start when that region is down.
        if (Regional.EcsService.EcrImageRegion(image) is { } imageRegion && region.Length > 0 && imageRegion != region && !crossRegion)
            r.Fail("containerImage", $"is in {imageRegion}'s ECR registry, but this stack runs in {region}: its tasks pull the image when they start, during " +
                $"a failover too, when {imageRegion} may be the region that is down. Replicate the repository to {region} (ECR registry replication) and " +
                $"name that copy here, pinned by digest (REPOSITORY@sha256:...) so both regions run the same image; or set allowCrossRegionImage: true");
        var port = r.Int("containerPort", ContainerSettings.PortDefault, 1, 65535);
        var path = r.String("healthCheckPath", ContainerSettings.HealthCheckPathDefault);
        if (!path.StartsWith('/') || path.Any(char.IsWhiteSpace)) r.Fail("healthCheckPath", $"must be a URL path starting with '/' (got '{path}')");
        var command = r.String("healthCheckCommand", ContainerSettings.HealthCheckCommandDefault(port, path));
        if (string.IsNullOrWhiteSpace(command)) r.Fail("healthCheckCommand", "must not be empty");

        var cpu = r.Int("cpu", ContainerSettings.CpuDefault, 256);
        var memory = r.Int("memory", ContainerSettings.MemoryDefault, 512);
        if (!FargateSizes.TryGetValue(cpu, out var sizes)) r.Fail("cpu", $"must be a Fargate CPU size {string.Join(", ", FargateSizes.Keys)} (got {cpu})");
        else if (!sizes.Contains(memory))
            r.Fail("memory", $"must be a Fargate memory size for cpu {cpu}: {sizes.Min()}-{sizes.Max()} MiB in steps of {sizes[1] - sizes[0]} (got {memory})");

        return new ContainerSettings { Image = image, AllowCrossRegionImage = crossRegion, Port = port, HealthCheckPath = path, HealthCheckCommand = command, Cpu = cpu, Memory = memory };
    }

    private static CapacitySettings ParseCapacity(ConfigReader r)
    {
        var active = r.Int("activeCount", CapacitySettings.ActiveCountDefault, 1, 1000);
        var standby = r.Int("standbyCount", CapacitySettings.StandbyCountDefault, 0, 1000);
        var min = r.Int("autoscalingMin", active, 1, 1000);
        var max = r.Int("autoscalingMax", CapacitySettings.AutoscalingMaxDefault(active), 1, 1000);
        var target = r.Int("cpuTargetPercent", CapacitySettings.CpuTargetPercentDefault, 10, 90);
        if (min > max) r.Fail("autoscalingMin", $"must be <= autoscalingMax ({max}) (got {min})");
        if (active < min || active > max) r.Fail("activeCount", $"must lie within autoscalingMin..autoscalingMax ({min}..{max}) (got {active})");
        if (standby > max) r.Fail("standbyCount", $"must be <= autoscalingMax ({max}) (got {standby})");
        return new CapacitySettings { ActiveCount = active, StandbyCount = standby, AutoscalingMin = min, AutoscalingMax = max, CpuTargetPercent = target };
    }

    private static AlarmSettings ParseAlarms(ConfigReader r)
    {
        var period = r.Int("alarmPeriodSeconds", AlarmSettings.PeriodSecondsDefault, 10, 86400);
        CheckStandardResolution(r, "alarmPeriodSeconds", period);
        var evaluation = r.Int("alarmEvaluationPeriods", AlarmSettings.EvaluationPeriodsDefault, 1, 100);
        if ((long)period * evaluation > 86400) r.Fail("alarmEvaluationPeriods", $"times alarmPeriodSeconds must be <= 86400 s, CloudWatch's limit (got {period * (long)evaluation})");

        return new AlarmSettings
        {
            PeriodSeconds = period,
            EvaluationPeriods = evaluation,
            MinHealthyHosts = r.Int("minHealthyHosts", AlarmSettings.MinHealthyHostsDefault, 1, 1000),
            Target5xxThreshold = r.Int("target5xxThreshold", AlarmSettings.Target5xxThresholdDefault, 1),
            MinRunningTasks = r.Int("minRunningTasks", AlarmSettings.MinRunningTasksDefault, 1, 1000),
            Extra = ParseExtraAlarms(r, period, evaluation),
        };
    }

    // Route 53 accepts only standard-resolution alarms: https://docs.aws.amazon.com/Route53/latest/APIReference/API_AlarmIdentifier.html
    private static void CheckStandardResolution(ConfigReader r, string key, int period)
    {
        if (StandardResolutionProblem(period) is { } problem) r.Fail(key, problem);
    }

    private static string? StandardResolutionProblem(int period) => period < 60 || period % 60 != 0
        ? $"must be a multiple of 60 s: Route 53 health checks accept only standard-resolution alarms (got {period})"
        : null;

    /// The forwarding rule's pattern lists every trigger alarm's ARN (up to ~145 characters each with the longest names): three
    /// health alarms, two Route 53 ones and eight of these stay within EventBridge's 2048-character pattern.
    public const int MaxExtraAlarms = 8;

    private static readonly HashSet<string> ExtraAlarmFields =
        ["name", "namespace", "metricName", "statistic", "dimensions", "threshold", "comparisonOperator", "period", "evaluationPeriods", "treatMissingData",
            "insufficientDataHealthStatus"];

    private static readonly string[] InsufficientDataStatuses = ["Healthy", "Unhealthy", "LastKnownStatus"];

    private static IReadOnlyList<ExtraAlarm> ParseExtraAlarms(ConfigReader r, int defaultPeriod, int defaultEvaluation)
    {
        const string key = "extraAlarms";
        var list = r.Array(key);
        if (list is null) return [];
        if (list.Count > MaxExtraAlarms)
            r.Fail(key, $"has {list.Count} alarms; at most {MaxExtraAlarms}: the forwarding rule names each trigger alarm by ARN, and an " +
                "EventBridge event pattern holds 2048 characters");
        var alarms = new List<ExtraAlarm>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject item) { r.Fail(key, $"[{i}] must be an object"); continue; }
            var at = $"[{i}]";
            void Bad(string why) => r.Fail(key, $"{at} {why}");

            if (item.ContainsKey("metrics") || item.ContainsKey("expression"))
                Bad("uses metric math; a Route 53 health check needs an alarm on a single metric");
            if (item.ContainsKey("extendedStatistic"))
                Bad($"uses an extended statistic; Route 53 accepts only {string.Join(", ", Route53Statistics)}");
            if (item.ContainsKey("accountId"))
                Bad("names an account; Route 53 needs the alarm's metric in this stack's own account");
            foreach (var field in item.Select(e => e.Key).Where(f => !ExtraAlarmFields.Contains(f) && f is not ("metrics" or "expression" or "extendedStatistic" or "accountId")))
                Bad($"has unknown field '{field}' (known: {string.Join(", ", ExtraAlarmFields)})");

            string Text(string field, bool required = true)
            {
                var value = item[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
                if (value is null && required) Bad($"needs '{field}' (a string)");
                return value ?? "";
            }
            int Whole(string field, int fallback)
            {
                if (item[field] is null) return fallback;
                if (item[field] is JsonValue v && v.TryGetValue<int>(out var n)) return n;
                Bad($"'{field}' must be a whole number");
                return fallback;
            }

            var name = Text("name");
            if (name.Length > 0 && (!NamePattern().IsMatch(name) || name.Length > 40)) Bad($"name must be lowercase letters, digits and dashes, at most 40 (got '{name}')");
            else if (name.Length > 0 && !names.Add(name)) Bad($"name '{name}' is used twice");
            var statistic = Text("statistic");
            if (statistic.Length > 0 && !Route53Statistics.Contains(statistic))
                Bad($"statistic must be one of {string.Join(", ", Route53Statistics)}, the ones Route 53 accepts (got '{statistic}')");
            var comparison = Text("comparisonOperator");
            if (comparison.Length > 0 && !ComparisonOperators.Contains(comparison))
                Bad($"comparisonOperator must be one of {string.Join(", ", ComparisonOperators)} (got '{comparison}')");
            var missing = item["treatMissingData"] is null ? "missing" : Text("treatMissingData");
            if (!MissingDataTreatments.Contains(missing)) Bad($"treatMissingData must be one of {string.Join(", ", MissingDataTreatments)} (got '{missing}')");
            var insufficient = item["insufficientDataHealthStatus"] is null ? ExtraAlarm.InsufficientDataHealthStatusFor(missing) : Text("insufficientDataHealthStatus");
            if (!InsufficientDataStatuses.Contains(insufficient))
                Bad($"insufficientDataHealthStatus must be one of {string.Join(", ", InsufficientDataStatuses)} (got '{insufficient}')");
            var period = Whole("period", defaultPeriod);
            if (StandardResolutionProblem(period) is { } problem) Bad($"period {problem}");
            var evaluation = Whole("evaluationPeriods", defaultEvaluation);
            if (evaluation < 1) Bad($"evaluationPeriods must be >= 1 (got {evaluation})");
            double threshold = 0;
            if (item["threshold"] is JsonValue t && t.GetValueKind() == JsonValueKind.Number) threshold = t.GetValue<double>();
            else Bad("needs 'threshold' (a number)");

            var dimensions = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (item["dimensions"] is JsonObject dims)
                foreach (var (k, v) in dims)
                    if (v is JsonValue dv && dv.TryGetValue<string>(out var s)) dimensions[k] = s;
                    else Bad($"dimension '{k}' must be a string");
            else if (item["dimensions"] is not null) Bad("'dimensions' must be an object of strings");

            alarms.Add(new ExtraAlarm
            {
                Name = name,
                Namespace = Text("namespace"),
                MetricName = Text("metricName"),
                Statistic = statistic,
                Dimensions = dimensions,
                Threshold = threshold,
                ComparisonOperator = comparison,
                PeriodSeconds = period,
                EvaluationPeriods = evaluation,
                TreatMissingData = missing,
                InsufficientDataHealthStatus = insufficient,
            });
        }
        return alarms;
    }

    private static ControlSettings ParseControl(ConfigReader r, StackInputs inputs, Role role, string region, string peerRegion)
    {
        var set = ControlSettings.SharedRegionSet(region, peerRegion);
        var consistency = r.Choice("controlTableConsistency", set is null ? TableConsistency.Eventual : TableConsistency.Strong,
            new Dictionary<string, TableConsistency> { ["strong"] = TableConsistency.Strong, ["eventual"] = TableConsistency.Eventual });
        var witness = r.Raw("controlTableWitnessRegion");
        var sets = string.Join("; ", ControlSettings.StrongConsistencyRegionSets.Select(s => string.Join(", ", s)));
        if (consistency == TableConsistency.Strong && set is null && region.Length > 0 && peerRegion.Length > 0)
            r.Fail("controlTableConsistency", $"strong needs both regions in one of DynamoDB's multi-Region strong consistency region sets ({sets}); " +
                $"{region} and {peerRegion} are not: use eventual (the README names its residual race)");
        else if (consistency == TableConsistency.Strong && set is not null)
        {
            witness ??= set.FirstOrDefault(c => c != region && c != peerRegion);
            if (witness is null || witness == region || witness == peerRegion || !set.Contains(witness))
                r.Fail("controlTableWitnessRegion", $"must be a third region of the set {string.Join(", ", set)}, other than {region} and {peerRegion} (got '{witness}')");
        }
        else if (witness is not null)
            r.Fail("controlTableWitnessRegion", "is used only with controlTableConsistency strong: an eventually consistent table has no witness");

        var defaultPeer = role == Role.Primary ? "secondary" : "primary";
        var peer = r.String("peerStack", defaultPeer);
        var parts = peer.Split('/');
        if (parts.Length > 3 || parts.Any(p => !StackSegment().IsMatch(p)))
            r.Fail("peerStack", $"must be a stack name, org/stack or org/project/stack (got '{peer}')");
        var reference = parts.Length switch
        {
            3 => peer,
            2 => $"{parts[0]}/{inputs.Project}/{parts[1]}",
            _ => $"{inputs.Organization}/{inputs.Project}/{peer}",
        };
        var peerPrefix = $"{(parts.Length == 3 ? parts[1] : inputs.Project)}-{parts[^1]}";
        if (peerPrefix == $"{inputs.Project}-{inputs.Stack}") r.Fail("peerStack", $"names this stack itself ('{peer}'): it must name the {defaultPeer} stack");
        return new ControlSettings
        {
            Consistency = consistency,
            WitnessRegion = consistency == TableConsistency.Strong ? witness : null,
            PeerStack = peer,
            PeerStackReference = reference,
            PeerNamePrefix = peerPrefix,
        };
    }

    private static WorkflowSettings ParseWorkflow(ConfigReader r, CapacitySettings capacity)
    {
        var timeout = r.Int("readinessTimeoutSeconds", WorkflowSettings.ReadinessTimeoutSecondsDefault, 60, 3600);
        var poll = r.Int("readinessPollSeconds", WorkflowSettings.ReadinessPollSecondsDefault, 5, 300);
        if (poll >= timeout) r.Fail("readinessPollSeconds", $"must be shorter than readinessTimeoutSeconds ({timeout}) (got {poll})");
        var drain = r.Int("failbackDrainSeconds", WorkflowSettings.FailbackDrainSecondsDefault, 0, 3600);
        var minReady = r.Int("minReadyTasksForShift", WorkflowSettings.MinReadyTasksForShiftDefault, 1, 1000);
        if (minReady > capacity.ActiveCount)
            r.Fail("minReadyTasksForShift", $"must be <= activeCount ({capacity.ActiveCount}) (got {minReady}): with activeCount healthy the region is ready anyway");
        return new WorkflowSettings
        {
            ReadinessTimeoutSeconds = timeout, ReadinessPollSeconds = poll, FailbackDrainSeconds = drain, MinReadyTasksForShift = minReady,
        };
    }

    private static TriggerSettings ParseTriggers(ConfigReader r)
    {
        var rate = r.String("probeRate", TriggerSettings.ProbeRateDefault).Trim();
        if (rate == "off") return new TriggerSettings { ProbeRate = null };
        var match = RatePattern().Match(rate);
        var n = match.Success ? int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture) : 0;
        if (!match.Success)
            r.Fail("probeRate", $"must be 'off' or a rate like rate(5 minutes): a whole number and minute(s), hour(s) or day(s) (got '{rate}')");
        else if (n == 0) r.Fail("probeRate", $"must be at least 1 (got '{rate}')");
        else if ((n == 1) == match.Groups["unit"].Value.EndsWith('s'))
            r.Fail("probeRate", $"must use the singular unit for 1 and the plural otherwise, as Scheduler requires (got '{rate}')");
        var seconds = n * (match.Groups["unit"].Value.StartsWith("minute", StringComparison.Ordinal) ? 60
            : match.Groups["unit"].Value.StartsWith("hour", StringComparison.Ordinal) ? 3600 : 86400);
        if (match.Success && n > 0 && seconds > 3600)
            r.Fail("probeRate", $"must be at most 1 hour: the probe is the trigger that outlives a failed us-east-1, and a slower one leaves an outage undetected too long (got '{rate}')");
        return new TriggerSettings { ProbeRate = rate, ProbeIntervalSeconds = seconds };
    }

    private static readonly HashSet<string> RecoveryTaskFields =
        ["name", "command", "environment", "taskDefinition", "container", "roleArns", "phase", "timeoutSeconds"];

    private static IReadOnlyList<RecoveryTask> ParseRecoveryTasks(ConfigReader r, string region)
    {
        const string key = "recoveryTasks";
        var list = r.Array(key);
        if (list is null) return [];
        var tasks = new List<RecoveryTask>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject item) { r.Fail(key, $"[{i}] must be an object"); continue; }
            var at = $"[{i}]";
            void Bad(string why) => r.Fail(key, $"{at} {why}");
            foreach (var field in item.Select(e => e.Key).Where(f => !RecoveryTaskFields.Contains(f)))
                Bad($"has unknown field '{field}' (known: {string.Join(", ", RecoveryTaskFields)})");
            string? Text(string field)
            {
                if (item[field] is null) return null;
                if (item[field] is JsonValue v && v.TryGetValue<string>(out var s)) return s;
                Bad($"'{field}' must be a string");
                return null;
            }
            IReadOnlyList<string>? Strings(string field)
            {
                if (item[field] is null) return null;
                if (item[field] is JsonArray a && a.All(e => e is JsonValue v && v.TryGetValue<string>(out _)))
                    return a.Select(e => e!.GetValue<string>()).ToList();
                Bad($"'{field}' must be a list of strings");
                return null;
            }

            var name = Text("name") ?? "";
            if (name.Length == 0) Bad("needs 'name'");
            else if (!NamePattern().IsMatch(name) || name.Length > 40) Bad($"name must be lowercase letters, digits and dashes, at most 40 (got '{name}')");
            else if (!names.Add(name)) Bad($"name '{name}' is used twice");
            if (name.Length > 0) at = $"[{i}] ({name})";

            var phaseText = Text("phase");
            RecoveryPhase phase = RecoveryPhase.BeforeShift;
            if (phaseText is null) Bad("needs 'phase': beforeShift (a failure stops the failover before traffic moves) or afterShift");
            else if (phaseText == "beforeShift") phase = RecoveryPhase.BeforeShift;
            else if (phaseText == "afterShift") phase = RecoveryPhase.AfterShift;
            else Bad($"phase must be beforeShift or afterShift (got '{phaseText}')");

            var timeout = RecoveryTask.TimeoutSecondsDefault;
            if (item["timeoutSeconds"] is JsonValue tv && tv.TryGetValue<int>(out var t)) timeout = t;
            else if (item["timeoutSeconds"] is not null) Bad("'timeoutSeconds' must be a whole number");
            if (timeout is < 30 or > 3600) Bad($"timeoutSeconds must be 30-3600: a task holds the failover, and its lock, while it runs (got {timeout})");

            var command = Strings("command");
            if (command is { Count: 0 }) Bad("'command' must not be empty: leave it out to keep the task definition's command");

            var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (item["environment"] is JsonObject env)
                foreach (var (k, v) in env)
                    if (!EnvNamePattern().IsMatch(k)) Bad($"environment name '{k}' must be letters, digits and underscores, not starting with a digit");
                    else if (v is JsonValue ev && ev.TryGetValue<string>(out var s)) environment[k] = s;
                    else Bad($"environment '{k}' must be a string");
            else if (item["environment"] is not null) Bad("'environment' must be an object of strings");

            var definition = Text("taskDefinition");
            if (definition is not null)
            {
                var arn = TaskDefinitionArnPattern().Match(definition);
                if (!arn.Success && !TaskDefinitionPattern().IsMatch(definition))
                    Bad($"taskDefinition must be a family, family:revision or task definition ARN (got '{definition}')");
                else if (arn.Success && region.Length > 0 && arn.Groups["region"].Value != region)
                    Bad($"taskDefinition is in {arn.Groups["region"].Value}; the task runs in this stack's region ({region})");
            }
            var container = Text("container");
            if (definition is not null && container is null && (command is not null || environment.Count > 0))
                Bad("needs 'container' with taskDefinition: the overrides must name that definition's container");
            if (definition is null && container is not null && container != Regional.EcsService.ContainerName)
                Bad($"'container' must be '{Regional.EcsService.ContainerName}' (the service's container) unless taskDefinition is given (got '{container}')");

            var roles = Strings("roleArns") ?? [];
            foreach (var role in roles.Where(a => !RoleArnPattern().IsMatch(a))) Bad($"roleArns has '{role}', which is not an IAM role ARN");
            if (definition is not null && roles.Count == 0)
                Bad("needs 'roleArns' with taskDefinition: its execution (and task) role, which the workflow must be allowed to pass to ECS");
            if (definition is null && roles.Count > 0)
                Bad("'roleArns' is for another taskDefinition; the service's own roles are known");

            tasks.Add(new RecoveryTask
            {
                Name = name,
                Phase = phase,
                TimeoutSeconds = timeout,
                Command = command,
                Environment = environment,
                TaskDefinition = definition,
                Container = container ?? Regional.EcsService.ContainerName,
                RoleArns = roles,
            });
        }
        return tasks;
    }

    private static NetworkSettings ParseNetwork(ConfigReader r)
    {
        var cidr = r.String("vpcCidr", NetworkSettings.VpcCidrDefault);
        if (!CidrPattern().IsMatch(cidr)) r.Fail("vpcCidr", $"must be an IPv4 CIDR block between /16 and /24 (got '{cidr}')");
        var vpcId = r.Raw("vpcId");
        if (vpcId is not null && !VpcPattern().IsMatch(vpcId)) r.Fail("vpcId", $"is not a VPC id (got '{vpcId}')");

        // The ALB needs subnets routed to an internet gateway; tasks without public IPs need NAT or endpoints: one list cannot be both.
        var lists = new[]
        {
            ("publicSubnetIds", "the internet-facing ALB"),
            ("privateSubnetIds", "the tasks (no public IP: give them NAT or VPC endpoints for ECR, S3 and CloudWatch Logs)"),
        }.ToDictionary(l => l.Item1, l =>
        {
            var (key, what) = l;
            var subnets = r.List(key);
            foreach (var subnet in subnets.Where(s => !SubnetPattern().IsMatch(s))) r.Fail(key, $"has '{subnet}', which is not a subnet id");
            if (vpcId is not null && subnets.Count < 2) r.Fail(key, $"must list at least 2 subnets in different AZs of {vpcId} for {what} (got {subnets.Count})");
            if (vpcId is null && subnets.Count > 0) r.Fail(key, "needs vpcId: subnets are used only with an existing VPC");
            return subnets;
        });
        foreach (var shared in lists["publicSubnetIds"].Intersect(lists["privateSubnetIds"]))
            r.Fail("privateSubnetIds", $"repeats {shared} from publicSubnetIds: tasks there would have no public IP and no route out");

        var ports = new SortedSet<int>();
        foreach (var item in r.IsSet("taskEgressPorts") ? r.List("taskEgressPorts") : NetworkSettings.TaskEgressPortsDefault.Select(p => p.ToString(CultureInfo.InvariantCulture)))
            if (int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535) ports.Add(port);
            else r.Fail("taskEgressPorts", $"has '{item}', which is not a TCP port (1-65535)");
        if (r.IsSet("taskEgressPorts") && !ports.Contains(443))
            r.Fail("taskEgressPorts", "must include 443: without NAT or VPC endpoints the tasks pull their image (ECR, S3) and write their logs over HTTPS");

        return new NetworkSettings
        {
            TaskEgressPorts = [.. ports],
            VpcCidr = cidr,
            ExistingVpcId = vpcId,
            PublicSubnetIds = lists["publicSubnetIds"],
            PrivateSubnetIds = lists["privateSubnetIds"],
        };
    }

    private static EdgeSettings ParseEdge(ConfigReader r)
    {
        var accessLogs = r.Bool("albAccessLogs", EdgeSettings.AccessLogsDefault);
        // S3 expires objects after whole days; ten years covers any retention rule an auditor names.
        var days = r.Int("albAccessLogDays", EdgeSettings.AccessLogDaysDefault, 1, 3650);
        if (!accessLogs && r.IsSet("albAccessLogDays")) r.Fail("albAccessLogDays", "is used only with albAccessLogs: true");
        var waf = r.Bool("waf", EdgeSettings.WafDefault);
        // WAF's own bounds for a rate-based rule's limit (AWS WAF API, RateBasedStatement.Limit).
        var limit = r.Int("wafRateLimit", EdgeSettings.WafRateLimitDefault, 10, 2_000_000_000);
        if (!waf && r.IsSet("wafRateLimit")) r.Fail("wafRateLimit", "is used only with waf: true");
        return new EdgeSettings
        {
            DeletionProtection = r.Bool("albDeletionProtection", EdgeSettings.DeletionProtectionDefault),
            AccessLogs = accessLogs,
            AccessLogDays = days,
            Waf = waf,
            WafRateLimit = limit,
        };
    }

    // A standby must not read as broken while idle, and DNS must never be left with two unhealthy records.
    private static void CheckStandby(ConfigReader r, DnsSettings dns, CapacitySettings capacity)
    {
        if (capacity.StandbyCount == 0 && dns.Failover != DnsFailover.Gated)
            r.Fail("dnsFailover", $"{dns.Failover.ToString().ToLowerInvariant()} needs a warm standby (standbyCount >= 1): a pilot-light secondary has no " +
                "healthy target, so Route 53 would see both records unhealthy and keep answering PRIMARY; use gated with standbyCount 0");
    }

    // The capacity alarms use the same thresholds in both roles, so an idle warm standby and the active region must both clear them.
    private static void CheckCapacitySignals(ConfigReader r, Role? role, CapacitySettings capacity, AlarmSettings alarms)
    {
        foreach (var (key, threshold) in new[] { ("minRunningTasks", alarms.MinRunningTasks), ("minHealthyHosts", alarms.MinHealthyHosts) })
        {
            if (threshold > capacity.ActiveCount)
                r.Fail(key, $"({threshold}) is above activeCount ({capacity.ActiveCount}): the serving region would always be in alarm");
            else if (role == Role.Secondary && capacity.StandbyCount > 0 && threshold > capacity.StandbyCount)
                r.Fail(key, $"({threshold}) is above standbyCount ({capacity.StandbyCount}): the idle warm standby would read as broken; lower it or raise standbyCount");
        }
    }

    private static IReadOnlyDictionary<string, string> ParseTags(ConfigReader r, StackInputs inputs, Role role)
    {
        var tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in r.StringMap("tags"))
        {
            if (k is "Project" or "Stack" or "Role") r.Fail("tags", $"sets '{k}', which the program sets itself");
            else if (k.StartsWith("aws:", StringComparison.OrdinalIgnoreCase)) r.Fail("tags", $"key '{k}' uses the reserved prefix aws:");
            else if (k.Length is 0 or > 128) r.Fail("tags", $"key '{k}' must be 1-128 characters");
            else if (v.Length > 256) r.Fail("tags", $"value of '{k}' must be at most 256 characters");
            else tags[k] = v;
        }
        tags["Project"] = inputs.Project;
        tags["Stack"] = inputs.Stack;
        tags["Role"] = role.ToString().ToLowerInvariant();
        return tags;
    }

    /// Fargate's valid CPU/memory pairs: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html
    private static readonly SortedDictionary<int, int[]> FargateSizes = new()
    {
        [256] = [512, 1024, 2048],
        [512] = Steps(1024, 4096, 1024),
        [1024] = Steps(2048, 8192, 1024),
        [2048] = Steps(4096, 16384, 1024),
        [4096] = Steps(8192, 30720, 1024),
        [8192] = Steps(16384, 61440, 4096),
        [16384] = Steps(32768, 122880, 8192),
    };

    private static int[] Steps(int from, int to, int step) => Enumerable.Range(0, (to - from) / step + 1).Select(i => from + i * step).ToArray();

    [GeneratedRegex(@"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")]
    private static partial Regex RegionPattern();



    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")]
    private static partial Regex DomainPattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:route53-recovery-control::\d{12}:cluster/[A-Za-z0-9-]+$")]
    private static partial Regex ArcClusterPattern();

    [GeneratedRegex("^Z[A-Z0-9]{1,32}$")]
    private static partial Regex ZonePattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:acm:(?<region>[a-z0-9-]+):\d{12}:certificate/[A-Za-z0-9-]+$")]
    private static partial Regex CertificatePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^(\d{1,3}\.){3}\d{1,3}/(1[6-9]|2[0-4])$")]
    private static partial Regex CidrPattern();

    // Pulumi's names: letters, digits, hyphens, underscores and periods.
    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex StackSegment();

    [GeneratedRegex(@"^rate\((?<n>0|[1-9][0-9]{0,3}) (?<unit>minutes?|hours?|days?)\)$")]
    private static partial Regex RatePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvNamePattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,255}(:[1-9][0-9]*)?$")]
    private static partial Regex TaskDefinitionPattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:ecs:(?<region>[a-z0-9-]+):\d{12}:task-definition/[A-Za-z0-9_-]{1,255}(:[1-9][0-9]*)?$")]
    private static partial Regex TaskDefinitionArnPattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$")]
    private static partial Regex RoleArnPattern();

    [GeneratedRegex("^vpc-[0-9a-f]{8,17}$")]
    private static partial Regex VpcPattern();

    [GeneratedRegex("^subnet-[0-9a-f]{8,17}$")]
    private static partial Regex SubnetPattern();
}

/// Either a config or the problems that stop it; never both. KnownKeys: every setting the parser reads. Warnings: a valid
/// choice with a cost the user should hear about.
public sealed record ConfigResult(StackConfig? Config, IReadOnlyList<string> Errors, IReadOnlyCollection<string> KnownKeys)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
