using Failover.Infra.Yaml;

namespace Failover.Infra.Iam;

/// An IAM policy built from grants that each name the action and the exact resource.
public sealed class PolicyDocument
{
    private readonly List<Value> _statements = [];

    /// Allow actions on exact resources (ARNs, or ARN patterns scoped to one resource).
    public PolicyDocument Allow(IReadOnlyList<string> actions, params Value[] resources)
    {
        if (actions.Count == 0 || resources.Length == 0) throw new ArgumentException("A grant needs actions and resources.");
        if (resources.Any(r => r is Str { Text: "*" }))
            throw new ArgumentException("Use AllowUnscoped for actions that support no resource-level permission.");
        _statements.Add(Statement(actions, Value.List(resources)));
        return this;
    }

    public PolicyDocument Allow(string action, params Value[] resources) => Allow([action], resources);

    /// Allow actions that AWS offers on `"*"` only; each must be on the written allowlist with its reason.
    public PolicyDocument AllowUnscoped(params string[] actions)
    {
        foreach (var action in actions)
            if (!UnscopedActions.Allowlist.ContainsKey(action))
                throw new ArgumentException($"{action} is not on the unscoped-action allowlist (Iam/UnscopedActions.cs).");
        _statements.Add(Statement(actions, "*"));
        return this;
    }

    public Value ToValue() => new ToJson(Map.Of(("Version", "2012-10-17"), ("Statement", Value.List(_statements))));

    private static Map Statement(IReadOnlyList<string> actions, Value resource) => Map.Of(
        ("Effect", "Allow"),
        ("Action", actions.Count == 1 ? actions[0] : Value.Strings(actions)),
        ("Resource", resource));
}
