using System.Text.RegularExpressions;

namespace Failover.Infra.Config;

/// How the control table replicates between the two regions: what makes the lock hold across them.
public enum TableConsistency
{
    /// Multi-Region strong consistency: a conditional write is checked against every replica, so one lock serialises
    /// failover (secondary) and failback (primary). Needs both regions and a witness in one of DynamoDB's region sets.
    Strong,
    /// Multi-Region eventual consistency: each replica checks conditions alone and the last writer wins across regions;
    /// decide also reads the peer replica's lock before taking its own (the residual race is in docs/design.md §5).
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

    public required TableConsistency Consistency { get; init; }
    /// The witness region of a strongly consistent table.
    public string? WitnessRegion { get; init; }
    /// The other stack, as written in config.
    public required string PeerStack { get; init; }
    /// `org/project/stack`: what the secondary's StackReference reads the primary's outputs from.
    public required string PeerStackReference { get; init; }
    /// `project-stack` of the peer: the fixed names of its cluster, service and functions.
    public required string PeerNamePrefix { get; init; }

    /// The region set both regions lie in, if any.
    public static IReadOnlyList<string>? SharedRegionSet(string region, string peerRegion) =>
        StrongConsistencyRegionSets.FirstOrDefault(set => set.Contains(region) && set.Contains(peerRegion));
}

/// controlTableConsistency, controlTableWitnessRegion and peerStack.
public static partial class ControlSection
{
    public static readonly ChoiceSetting<TableConsistency> Consistency = new()
    {
        Key = "controlTableConsistency",
        Choices = new Dictionary<string, TableConsistency> { ["strong"] = TableConsistency.Strong, ["eventual"] = TableConsistency.Eventual },
        DerivedDefault = "strong where both regions lie in one of DynamoDB's multi-Region strong consistency region sets (" +
            string.Join("; ", ControlSettings.StrongConsistencyRegionSets.Select(s => string.Join(", ", s))) + "), else eventual",
        Rule = "strong needs both regions in one region set; the same in both stacks",
        Description = "how the control table replicates: strong makes the lock hold across regions, eventual adds a peer-replica read with a residual race",
        Why = "strong where DynamoDB offers it, because only then does one lock serialise failover and failback",
    };

    public static readonly TextSetting WitnessRegion = new()
    {
        Key = "controlTableWitnessRegion",
        DerivedDefault = "the first other region of the set",
        Form = "a third region of the same region set",
        Rule = "controlTableConsistency strong only; the same in both stacks",
        Description = "the witness region of a strongly consistent control table",
        Why = "the first other region of the set: any third region of it will do",
    };

    public static readonly TextSetting PeerStack = new()
    {
        Key = "peerStack",
        DerivedDefault = "the other role's name (secondary / primary)",
        Form = "stack, org/stack or org/project/stack: letters, digits, -, _ and . each",
        Rule = "not this stack itself",
        Description = "the other stack: the secondary reads the primary's outputs through it, the primary derives the secondary's fixed names from it",
        Why = "the other role's name: the shipped stacks are named after their roles",
    };

    public static IReadOnlyList<Setting> All => [Consistency, WitnessRegion, PeerStack];

    internal static ControlSettings Parse(ConfigReader r, StackInputs inputs, Role role, string region, string peerRegion)
    {
        var set = ControlSettings.SharedRegionSet(region, peerRegion);
        var consistency = r.Choice(Consistency, set is null ? TableConsistency.Eventual : TableConsistency.Strong);
        var witness = r.Raw(WitnessRegion);
        var sets = string.Join("; ", ControlSettings.StrongConsistencyRegionSets.Select(s => string.Join(", ", s)));
        if (consistency == TableConsistency.Strong && set is null && region.Length > 0 && peerRegion.Length > 0)
            r.Fail(Consistency, $"strong needs both regions in one of DynamoDB's multi-Region strong consistency region sets ({sets}); " +
                $"{region} and {peerRegion} are not: use eventual (docs/design.md §5 names its residual race)");
        else if (consistency == TableConsistency.Strong && set is not null)
        {
            witness ??= set.FirstOrDefault(c => c != region && c != peerRegion);
            if (witness is null || witness == region || witness == peerRegion || !set.Contains(witness))
                r.Fail(WitnessRegion, $"must be a third region of the set {string.Join(", ", set)}, other than {region} and {peerRegion} (got '{witness}')");
        }
        else if (witness is not null)
            r.Fail(WitnessRegion, "is used only with controlTableConsistency strong: an eventually consistent table has no witness");

        var defaultPeer = role == Role.Primary ? "secondary" : "primary";
        var peer = r.Text(PeerStack, defaultPeer);
        var parts = peer.Split('/');
        if (parts.Length > 3 || parts.Any(p => !StackSegment().IsMatch(p)))
            r.Fail(PeerStack, $"must be a stack name, org/stack or org/project/stack (got '{peer}')");
        var reference = parts.Length switch
        {
            3 => peer,
            2 => $"{parts[0]}/{inputs.Project}/{parts[1]}",
            _ => $"{inputs.Organization}/{inputs.Project}/{peer}",
        };
        var peerPrefix = $"{(parts.Length == 3 ? parts[1] : inputs.Project)}-{parts[^1]}";
        if (peerPrefix == $"{inputs.Project}-{inputs.Stack}") r.Fail(PeerStack, $"names this stack itself ('{peer}'): it must name the {defaultPeer} stack");
        return new ControlSettings
        {
            Consistency = consistency,
            WitnessRegion = consistency == TableConsistency.Strong ? witness : null,
            PeerStack = peer,
            PeerStackReference = reference,
            PeerNamePrefix = peerPrefix,
        };
    }

    // Pulumi's names: letters, digits, hyphens, underscores and periods.
    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex StackSegment();
}
