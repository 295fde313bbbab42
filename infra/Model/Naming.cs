using Failover.Infra.Yaml;

namespace Failover.Infra;

/// How this stack's resources are named and tagged, so both stacks fit one account and the console shows whose each is.
public sealed record Naming(string Prefix, IReadOnlyDictionary<string, string> Tags)
{
    /// The stack's tags plus a Name tag (`failover-primary-alb`), the one the consoles list resources by.
    public Map TagsNamed(string suffix) =>
        Map.Of(new SortedDictionary<string, string>(Tags.ToDictionary(), StringComparer.Ordinal) { ["Name"] = Named(suffix) });

    /// `failover-primary-SUFFIX` (or the prefix alone for an empty suffix).
    public string Named(string suffix) => suffix.Length == 0 ? Prefix : $"{Prefix}-{suffix}";

    /// A `namePrefix` for a resource AWS names uniquely per account: the provider appends a random suffix, so a
    /// replacement (created before the old one is deleted) never collides with the old name. Cut to AWS's limit.
    public string NamePrefix(string suffix, int maxLength)
    {
        var prefix = Named(suffix) + "-";
        return prefix.Length <= maxLength ? prefix : prefix[..(maxLength - 1)].TrimEnd('-') + "-";
    }
}
