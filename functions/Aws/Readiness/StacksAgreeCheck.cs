using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// The settings both stacks must share (gate kind, DNS mode, consistency mode, capacity keys), as each stack deployed them:
/// a pair deployed from two different configurations fails over into something neither was tested as.
public sealed class StacksAgreeCheck : IReadinessCheck
{
    public string Name => CheckNames.StacksAgree;

    public Task<CheckResult> RunAsync(ReadinessContext context, CancellationToken ct)
    {
        var (plan, peer) = (context.Plan, context.Peer);
        if (peer is null)
            return Task.FromResult(this.Says(CheckStatus.Unknown, $"{plan.PeerStack}'s plan could not be read ({context.PeerMissing ?? "no reason given"}), so there is nothing to compare with"));

        var keys = plan.Agreement.Keys.Union(peer.Agreement.Keys).Order(StringComparer.Ordinal).ToList();
        var differences = keys
            .Select(k => (Key: k, Ours: plan.Agreement.GetValueOrDefault(k), Theirs: peer.Agreement.GetValueOrDefault(k)))
            .Where(d => d.Ours != d.Theirs)
            .Select(d => $"{d.Key}: {plan.Stack} has {Shown(d.Ours)} but {peer.Stack} has {Shown(d.Theirs)}")
            .ToList();
        return Task.FromResult(differences.Count == 0
            ? this.Says(CheckStatus.Pass, $"{plan.Stack} and {peer.Stack} agree on {keys.Count} settings ({string.Join(", ", keys)})")
            : this.Says(CheckStatus.Fail, $"{differences.Count} of {keys.Count} settings differ: {string.Join("; ", differences)}"));
    }

    private static string Shown(string? value) => value is null ? "nothing (not in its plan)" : value.Length == 0 ? "an empty value" : value;
}
