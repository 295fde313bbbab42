using System.Text.RegularExpressions;

namespace Failover.Infra.Config;

/// trafficGate arc: the ARC cluster whose routing controls are the gates.
public sealed record ArcSettings
{
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

/// arcClusterArn, arcCreateCluster and arcClusterEndpoints: an existing cluster (its ARN and the endpoints describe-cluster lists,
/// which the stack cannot look up: the provider has no cluster data source) or, opted in, one the primary creates.
public static partial class ArcSection
{
    public static readonly TextSetting ClusterArn = new()
    {
        Key = "arcClusterArn",
        Form = "arn:aws:route53-recovery-control::ACCOUNT:cluster/ID",
        Rule = "trafficGate arc only, and then required unless arcCreateCluster is true; the same in both stacks",
        Description = "the existing ARC cluster the primary builds the gates on",
        Why = "none: naming a cluster you already pay for is the usual case, and only you know it",
    };

    public static readonly BoolSetting CreateCluster = new()
    {
        Key = "arcCreateCluster",
        Default = false,
        Rule = "trafficGate arc only; the same in both stacks",
        Description = "the primary creates the ARC cluster (its endpoints come from it): $2.50 an hour, ~$1,825 a month",
        Why = "false: a cluster costs by the hour whether or not anything fails over, and one cluster can host many applications' controls",
    };

    public static readonly ListSetting ClusterEndpoints = new()
    {
        Key = "arcClusterEndpoints",
        Form = "REGION=https://URL each, as describe-cluster lists them",
        Rule = "trafficGate arc with arcClusterArn only, and then required; the same in both stacks",
        Description = "the existing cluster's regional endpoints, in the order shift-traffic tries them",
        Why = "none: the provider cannot look them up, so they are copied from describe-cluster",
    };

    public static IReadOnlyList<Setting> All => [ClusterArn, CreateCluster, ClusterEndpoints];

    // Every ARC key is refused with another gate kind.
    internal static ArcSettings? Parse(ConfigReader r, TrafficGateKind gate)
    {
        var arn = r.Raw(ClusterArn);
        var create = r.Bool(CreateCluster);
        var raw = r.List(ClusterEndpoints);
        if (gate != TrafficGateKind.Arc)
        {
            foreach (var setting in All.Where(r.IsSet)) r.Fail(setting, "is used only with trafficGate arc");
            return null;
        }
        if (arn is not null && create)
            r.Fail(ClusterArn, "and arcCreateCluster: true both name a cluster: give an existing cluster's ARN, or let the primary create one, not both");
        else if (arn is null && !create)
            r.Fail(ClusterArn, "is required with trafficGate arc: the ARN of an existing ARC cluster (aws route53-recovery-control-config list-clusters " +
                "--region us-west-2), or set arcCreateCluster: true to have the primary create one (billed by the hour; docs/design.md §4, traffic gates)");
        if (arn is not null && !ArcClusterPattern().IsMatch(arn))
            r.Fail(ClusterArn, $"is not an ARC cluster ARN, arn:aws:route53-recovery-control::ACCOUNT:cluster/ID (got '{arn}')");

        var endpoints = new List<(string Region, string Url)>();
        foreach (var item in raw)
        {
            var parts = item.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && AwsRegions.All.Contains(parts[0]) && Uri.TryCreate(parts[1], UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps)
                endpoints.Add((parts[0], parts[1]));
            else r.Fail(ClusterEndpoints, $"has '{item}', expected REGION=https://URL (the Region and Endpoint of each ClusterEndpoints item describe-cluster prints)");
        }
        if (create && raw.Count > 0)
            r.Fail(ClusterEndpoints, "is for an existing cluster (arcClusterArn): a cluster the primary creates tells its own endpoints");
        else if (arn is not null && raw.Count == 0)
            r.Fail(ClusterEndpoints, "is required with arcClusterArn: the cluster's regional endpoints, REGION=URL each, from aws route53-recovery-control-config " +
                "describe-cluster --region us-west-2 --cluster-arn ARN (ClusterEndpoints); shift-traffic tries them in this order");
        else if (endpoints.GroupBy(e => e.Region).FirstOrDefault(g => g.Count() > 1) is { } twice)
            r.Fail(ClusterEndpoints, $"names {twice.Key} twice");
        return new ArcSettings { ClusterArn = arn, CreateCluster = create, Endpoints = endpoints };
    }

    [GeneratedRegex(@"^arn:aws[a-z-]*:route53-recovery-control::\d{12}:cluster/[A-Za-z0-9-]+$")]
    private static partial Regex ArcClusterPattern();
}
