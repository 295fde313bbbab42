using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// The standby's task definition matches the peer's where a failover needs it to: task CPU and memory (the same load fits),
/// container names and ports (the load balancer's target group and health check find them), and the environment and secret
/// NAMES the code reads. Values are never read or compared: they differ by region by design (endpoints, ARNs) and may be secret.
public sealed class TaskDefinitionCheck : IReadinessCheck
{
    public string Name => CheckNames.TaskDefinition;

    public async Task<CheckResult> RunAsync(ReadinessContext context, CancellationToken ct)
    {
        var (mineAt, theirsAt) = (context.Plan.Service.Region, context.Plan.PeerService.Region);
        var mineRead = CurrentTaskDefinition.ReadAsync(context.Aws, context.Plan.Service, ct);
        var theirsRead = CurrentTaskDefinition.ReadAsync(context.Aws, context.Plan.PeerService, ct);
        var (mine, theirs) = (await mineRead, await theirsRead);

        var differences = new List<string>();
        if (mine.Cpu != theirs.Cpu) differences.Add($"cpu {mine.Cpu ?? "none"} vs {theirs.Cpu ?? "none"}");
        if (mine.Memory != theirs.Memory) differences.Add($"memory {mine.Memory ?? "none"} vs {theirs.Memory ?? "none"}");
        var mineByName = mine.Containers.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var theirsByName = theirs.Containers.ToDictionary(c => c.Name, StringComparer.Ordinal);
        differences.AddRange(OnlyIn("containers", mineByName.Keys, theirsByName.Keys, mineAt, theirsAt));
        foreach (var name in mineByName.Keys.Where(theirsByName.ContainsKey).Order(StringComparer.Ordinal))
        {
            var (a, b) = (mineByName[name], theirsByName[name]);
            var container = new List<string>();
            var (portsA, portsB) = (a.Ports.Distinct().Order().ToList(), b.Ports.Distinct().Order().ToList());
            if (!portsA.SequenceEqual(portsB))
                container.Add($"{(portsA.Count <= 1 && portsB.Count <= 1 ? "port" : "ports")} {Ports(portsA)} vs {Ports(portsB)}");
            container.AddRange(OnlyIn("environment names", a.EnvironmentNames, b.EnvironmentNames, mineAt, theirsAt));
            container.AddRange(OnlyIn("secret names", a.Secrets.Select(s => s.Name), b.Secrets.Select(s => s.Name), mineAt, theirsAt));
            if (container.Count > 0) differences.Add($"container {name}: {string.Join(", ", container)}");
        }

        var which = $"{CurrentTaskDefinition.Revision(mine)} in {mineAt}, {CurrentTaskDefinition.Revision(theirs)} in {theirsAt}";
        return differences.Count > 0
            ? new CheckResult { Check = Name, Status = CheckStatus.Fail, Why = $"{mineAt} vs {theirsAt}: {string.Join("; ", differences)} ({which})" }
            : new CheckResult
            {
                Check = Name, Status = CheckStatus.Pass,
                Why = $"cpu {mine.Cpu ?? "none"}, memory {mine.Memory ?? "none"}, " +
                    string.Join(", ", mine.Containers.Select(c => $"container {c.Name} (ports {Ports([.. c.Ports.Distinct().Order()])}, " +
                        $"{c.EnvironmentNames.Distinct().Count()} environment and {c.Secrets.Select(s => s.Name).Distinct().Count()} secret names)")) +
                    $" match ({which})",
            };
    }

    /// What one side has and the other lacks, each way: `environment names only in us-east-1: FEATURE_X`.
    private static IEnumerable<string> OnlyIn(string what, IEnumerable<string> mine, IEnumerable<string> theirs, string mineAt, string theirsAt)
    {
        var (a, b) = (mine.ToHashSet(StringComparer.Ordinal), theirs.ToHashSet(StringComparer.Ordinal));
        var onlyMine = a.Except(b).Order(StringComparer.Ordinal).ToList();
        var onlyTheirs = b.Except(a).Order(StringComparer.Ordinal).ToList();
        if (onlyMine.Count > 0) yield return $"{what} only in {mineAt}: {string.Join(", ", onlyMine)}";
        if (onlyTheirs.Count > 0) yield return $"{what} only in {theirsAt}: {string.Join(", ", onlyTheirs)}";
    }

    private static string Ports(IReadOnlyList<int> ports) => ports.Count == 0 ? "none" : string.Join(", ", ports);
}
