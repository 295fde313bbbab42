namespace Failover.Infra.Config;

/// What both stacks of the pair must agree on, compared when the other stack's file is in the project folder: each stack
/// compiles on its own, so a mismatch would otherwise deploy silently and change behaviour (a secondary closing a metric gate the
/// primary never watches, a failback scaling the secondary to a standby size its own stack never had).
public static class StackAgreement
{
    /// The settings both stacks read and must share, with what each value means to the pair.
    private static readonly IReadOnlyList<(string Key, Func<StackConfig, string?> Value, string Why)> Shared =
    [
        ("dnsFailover", c => c.Dns.Failover.ToString().ToLowerInvariant(), "both failover records must follow the same rule"),
        ("trafficGate", c => DnsSection.TrafficGate.NameOf(c.Dns.TrafficGate),
            "each stack's workflow moves the other's gate the way that stack built it"),
        ("arcClusterArn", c => c.Dns.Arc?.ClusterArn, "the primary builds both routing controls on one cluster, and the secondary's gate is one of them"),
        ("arcCreateCluster", c => c.Dns.Arc is { } arc ? (arc.CreateCluster ? "true" : "false") : null,
            "only the primary creates the cluster, and the secondary reads it from the primary"),
        ("arcClusterEndpoints", c => c.Dns.Arc?.EndpointsText is { Length: > 0 } text ? text : null,
            "both workflows flip routing controls on the same cluster's endpoints"),
        ("controlTableConsistency", c => c.Control.Consistency.ToString().ToLowerInvariant(), "one table, created in one mode, serves both"),
        ("controlTableWitnessRegion", c => c.Control.WitnessRegion, "one table, created with one witness, serves both"),
        ("activeCount", c => Text(c.Capacity.ActiveCount), "the failover scales the secondary to it"),
        ("standbyCount", c => Text(c.Capacity.StandbyCount), "the failback scales the secondary back to it"),
        ("autoscalingMin", c => Text(c.Capacity.AutoscalingMin), "the failover raises the secondary's floor to it"),
        ("autoscalingMax", c => Text(c.Capacity.AutoscalingMax), "both services scale within it"),
    ];

    /// This stack's value of each shared setting, by key (those it leaves unset left out): what its readiness plan records, so the
    /// deployed pair can be compared as deployed.
    public static IReadOnlyDictionary<string, string> Values(StackConfig config) =>
        new SortedDictionary<string, string>(Shared.Where(s => s.Value(config) is not null).ToDictionary(s => s.Key, s => s.Value(config)!), StringComparer.Ordinal);

    /// Every disagreement between this stack and its peer, each naming the key, both values and both files; none when they agree.
    public static IReadOnlyList<string> Problems(StackConfig config, string origin, StackConfig peer, string peerOrigin)
    {
        var problems = new List<string>();
        var key = (string name) => $"{config.Project}:{name}";
        if (peer.Role == config.Role)
            problems.Add($"{key("role")} is {Name(config.Role)} in both {origin} and {peerOrigin}: a pair is one primary and one secondary");
        if (peer.Region != config.PeerRegion)
            problems.Add($"{key("peerRegion")} is {config.PeerRegion} in {origin}, but {peerOrigin} deploys to {peer.Region} (aws:region)");
        if (peer.PeerRegion != config.Region)
            problems.Add($"{key("peerRegion")} is {peer.PeerRegion} in {peerOrigin}, but {origin} deploys to {config.Region} (aws:region)");
        foreach (var (name, value, why) in Shared)
        {
            var (mine, theirs) = (value(config), value(peer));
            if (mine != theirs)
                problems.Add($"{key(name)} is {mine ?? "unset"} in {origin} but {theirs ?? "unset"} in {peerOrigin}: {why}; " +
                    "set it once for the project in Pulumi.yaml's config:, or alike in both files");
        }
        return problems;
    }

    private static string Name(Role role) => role.ToString().ToLowerInvariant();

    private static string Text(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
