using System.Text.RegularExpressions;
using Failover.Contract;

namespace Failover.Infra.Config;

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
    /// The cluster is billed by the hour (docs/design.md §4, traffic gates).
    Arc,
}

/// The application's DNS name, the zone that holds the failover records, and what may move traffic.
public sealed record DnsSettings
{
    public required string DomainName { get; init; }
    public required string HostedZoneId { get; init; }
    /// Serve HTTPS on the ALB when set (an ACM certificate in this stack's region).
    public string? CertificateArn { get; init; }
    public required DnsFailover Failover { get; init; }
    public required TrafficGateKind TrafficGate { get; init; }
    /// trafficGate arc only: the cluster.
    public ArcSettings? Arc { get; init; }
    public required int EndpointCheckIntervalSeconds { get; init; }
    public required int EndpointFailureThreshold { get; init; }
}

/// domainName, hostedZoneId, certificateArn, dnsFailover, trafficGate and the endpoint check.
public static partial class DnsSection
{
    public static readonly TextSetting DomainName = new()
    {
        Key = "domainName",
        Required = "the application's DNS name, e.g. app.example.com",
        Form = "a DNS name: at most 253 characters, labels of at most 63 letters, digits and dashes",
        Description = "the application's DNS name: the failover record",
        Why = "required: the name clients resolve",
    };

    public static readonly TextSetting HostedZoneId = new()
    {
        Key = "hostedZoneId",
        Required = "the Route 53 hosted zone that holds domainName, e.g. Z0123456789ABCDEFGHIJ",
        Form = "a Route 53 hosted zone id: Z and up to 32 capital letters and digits",
        Description = "the Route 53 hosted zone that holds domainName",
        Why = "required: the zone the failover records are written in",
    };

    public static readonly TextSetting CertificateArn = new()
    {
        Key = "certificateArn",
        Form = "an ACM certificate ARN in this stack's region",
        Description = "when set, the ALB serves HTTPS on 443 (and redirects 80) and the endpoint check uses HTTPS",
        Why = "none: HTTPS needs a certificate only you can issue",
    };

    public static readonly ChoiceSetting<DnsFailover> Failover = new()
    {
        Key = "dnsFailover",
        Choices = new Dictionary<string, DnsFailover>
        {
            ["gated"] = DnsFailover.Gated, ["endpoint"] = DnsFailover.Endpoint, ["automatic"] = DnsFailover.Automatic,
        },
        Default = DnsFailover.Gated,
        Rule = "the same in both stacks; endpoint and automatic need standbyCount >= 1",
        Description = "what may move traffic without the workflow",
        Why = "gated: traffic moves only by decision (the flag can stop it, the standby is scaled first)",
    };

    /// The spellings of trafficGate, the functions' own names for the modes.
    public static readonly IReadOnlyDictionary<string, TrafficGateKind> TrafficGateKinds = new Dictionary<string, TrafficGateKind>
    {
        [TrafficGateModes.Metric] = TrafficGateKind.Metric, [TrafficGateModes.Arc] = TrafficGateKind.Arc, [TrafficGateModes.Route53Api] = TrafficGateKind.Route53Api,
    };

    public static readonly ChoiceSetting<TrafficGateKind> TrafficGate = new()
    {
        Key = "trafficGate",
        Choices = TrafficGateKinds,
        Default = TrafficGateKind.Metric,
        Rule = "the same in both stacks; route53-api is warned about",
        Description = "how the workflow moves traffic: a metric in the recovery region, ARC routing controls, or Route 53's API in us-east-1",
        Why = "metric: the gate moves on a regional data plane, at no extra cost",
    };

    public static readonly IntSetting EndpointCheckIntervalSeconds = new()
    {
        Key = "endpointCheckIntervalSeconds",
        Default = 10,
        Min = 10,
        Max = 30,
        Rule = "10 or 30, the intervals Route 53 offers",
        Description = "the interval of Route 53's endpoint check",
        Why = "10 s: Route 53's fast interval, so the endpoint check sees an outage in ~30 s instead of ~90 s",
    };

    public static readonly IntSetting EndpointFailureThreshold = new()
    {
        Key = "endpointFailureThreshold",
        Default = 3,
        Min = 1,
        Max = 10,
        Description = "failed probes before the endpoint counts as unhealthy",
        Why = "3, Route 53's own default: one lost probe is not an outage",
    };

    public static IReadOnlyList<Setting> All =>
        [DomainName, HostedZoneId, CertificateArn, Failover, TrafficGate, EndpointCheckIntervalSeconds, EndpointFailureThreshold];

    internal static DnsSettings Parse(ConfigReader r, string region)
    {
        var domain = (r.Required(DomainName) ?? "").TrimEnd('.').ToLowerInvariant();
        if (domain.Length > 0 && !DomainPattern().IsMatch(domain)) r.Fail(DomainName, $"is not a DNS name (got '{domain}')");
        var zone = r.Required(HostedZoneId) ?? "";
        if (zone.Length > 0 && !ZonePattern().IsMatch(zone)) r.Fail(HostedZoneId, $"is not a Route 53 hosted zone id (got '{zone}')");

        var certificate = r.Raw(CertificateArn);
        if (certificate is not null)
        {
            var match = CertificatePattern().Match(certificate);
            if (!match.Success) r.Fail(CertificateArn, $"is not an ACM certificate ARN (got '{certificate}')");
            else if (region.Length > 0 && match.Groups["region"].Value != region)
                r.Fail(CertificateArn, $"is in {match.Groups["region"].Value}, but an ALB needs a certificate in its own region ({region})");
        }

        var gate = r.Choice(TrafficGate);
        var interval = r.Int(EndpointCheckIntervalSeconds);
        if (interval is not (10 or 30)) r.Fail(EndpointCheckIntervalSeconds, $"must be 10 or 30, the intervals Route 53 offers (got {interval})");

        return new DnsSettings
        {
            DomainName = domain,
            HostedZoneId = zone,
            CertificateArn = certificate,
            Failover = r.Choice(Failover),
            TrafficGate = gate,
            Arc = ArcSection.Parse(r, gate),
            EndpointCheckIntervalSeconds = interval,
            EndpointFailureThreshold = r.Int(EndpointFailureThreshold),
        };
    }

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")]
    private static partial Regex DomainPattern();

    [GeneratedRegex("^Z[A-Z0-9]{1,32}$")]
    private static partial Regex ZonePattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:acm:(?<region>[a-z0-9-]+):\d{12}:certificate/[A-Za-z0-9-]+$")]
    private static partial Regex CertificatePattern();
}
