using System.Text.RegularExpressions;
using Failover.Infra.Yaml;

namespace Failover.Infra.Iam;

public enum Effect { Allow, Deny }

/// `"Condition": {Operator: {Key: values}}`, e.g. StringEquals aws:SourceAccount.
public sealed record Condition(string Operator, string Key, IReadOnlyList<Value> Values)
{
    public static Condition StringEquals(string key, params Value[] values) => new("StringEquals", key, values);

    public static Condition ArnLike(string key, params Value[] values) => new("ArnLike", key, values);

    public static Condition ArnEquals(string key, params Value[] values) => new("ArnEquals", key, values);

    /// True as well when the request has no such key (IAM's rule for negated operators): a Deny using it covers callers without one.
    public static Condition ArnNotLike(string key, params Value[] values) => new("ArnNotLike", key, values);
}

/// Who a trust policy lets in: `{"Service": "lambda.amazonaws.com"}` or `{"AWS": arn}`.
public sealed record Principal(string Kind, Value Id)
{
    public static Principal Service(string host) => new("Service", host);

    public static Principal Aws(Value arn) => new("AWS", arn);

    /// Everyone, in a resource policy's Deny.
    public static readonly Principal Anyone = new("AWS", "*");
}

/// One statement; its Sid says why it exists, so an auditor reads the policy as a list of reasons.
public sealed partial record Statement
{
    public required string Sid { get; init; }
    public required Effect Effect { get; init; }
    public required IReadOnlyList<string> Actions { get; init; }
    /// Empty in a trust policy (which names a Principal instead).
    public IReadOnlyList<Value> Resources { get; init; } = [];
    public Principal? Principal { get; init; }
    public IReadOnlyList<Condition> Conditions { get; init; } = [];

    public bool IsUnscoped => Resources is [Str { Text: "*" }];

    /// In a resource policy (it names a Principal), `"*"` is the one resource the policy is attached to: a key policy's usual form.
    public bool IsResourcePolicy => Principal is not null && Resources.Count > 0;

    internal void Validate()
    {
        if (!SidPattern().IsMatch(Sid)) throw new ArgumentException($"Sid '{Sid}' must be letters and digits only (IAM's rule).");
        if (Actions.Count == 0) throw new ArgumentException($"{Sid}: a statement needs actions.");
        // A Deny may be broad (every S3 action without TLS); a grant never is.
        if (Effect == Effect.Allow && Actions.Any(a => a.Contains('*')))
            throw new ArgumentException($"{Sid}: wildcard actions are not allowed ({string.Join(", ", Actions)}).");
        if (Principal is null && Resources.Count == 0) throw new ArgumentException($"{Sid}: a statement needs resources.");
        if (Effect == Effect.Allow && Resources.Any(r => r is Str { Text: "*" }) && !IsUnscoped)
            throw new ArgumentException($"{Sid}: \"*\" cannot be mixed with scoped resources.");
        if (Effect == Effect.Allow && IsUnscoped && !IsResourcePolicy)
            foreach (var action in Actions.Where(a => !UnscopedActions.Allowlist.ContainsKey(a)))
                throw new ArgumentException($"{Sid}: {action} on \"*\" is not on the unscoped-action allowlist (Iam/UnscopedActions.cs).");
    }

    public Map ToValue() => Map.Of(
        ("Sid", Sid),
        ("Effect", Effect.ToString()),
        ("Principal", Principal is null ? null : Map.Of((Principal.Kind, Principal.Id))),
        ("Action", Actions.Count == 1 ? Actions[0] : Value.Strings(Actions)),
        ("Resource", Resources.Count == 0 ? null : Resources.Count == 1 ? Resources[0] : Value.List(Resources)),
        ("Condition", Conditions.Count == 0 ? null : new Map(Conditions.GroupBy(c => c.Operator).ToDictionary(
            g => g.Key,
            g => (Value)new Map(g.ToDictionary(c => c.Key, c => c.Values.Count == 1 ? c.Values[0] : Value.List(c.Values), StringComparer.Ordinal)),
            StringComparer.Ordinal))));

    [GeneratedRegex("^[A-Za-z0-9]+$")]
    private static partial Regex SidPattern();
}

/// An IAM policy document built from statements that each name their reason, actions and exact resources.
public sealed class PolicyDocument
{
    private readonly List<Statement> _statements = [];

    public IReadOnlyList<Statement> Statements => _statements;

    /// Allow actions on exact resources (ARNs, or ARN patterns scoped to one resource).
    public PolicyDocument Allow(string sid, IReadOnlyList<string> actions, IReadOnlyList<Value> resources, params Condition[] conditions)
    {
        if (resources.Any(r => r is Str { Text: "*" }))
            throw new ArgumentException($"{sid}: use AllowUnscoped for actions that support no resource-level permission.");
        return Add(new Statement { Sid = sid, Effect = Effect.Allow, Actions = actions, Resources = resources, Conditions = conditions });
    }

    public PolicyDocument Allow(string sid, IReadOnlyList<string> actions, Value resource, params Condition[] conditions) =>
        Allow(sid, actions, [resource], conditions);

    /// Allow actions that AWS offers on `"*"` only; each must be on the written allowlist with its reason. Conditions narrow
    /// what the resource cannot (a namespace, a region).
    public PolicyDocument AllowUnscoped(string sid, IReadOnlyList<string> actions, params Condition[] conditions) =>
        Add(new Statement { Sid = sid, Effect = Effect.Allow, Actions = actions, Resources = ["*"], Conditions = conditions });

    /// Let an AWS service or principal act on the resource this policy is attached to (a topic, queue or key policy).
    public PolicyDocument AllowPrincipal(string sid, Principal principal, IReadOnlyList<string> actions, Value resource, params Condition[] conditions) =>
        Add(new Statement { Sid = sid, Effect = Effect.Allow, Principal = principal, Actions = actions, Resources = [resource], Conditions = conditions });

    /// Refuse actions on the resource this policy is attached to, to the principal unless the conditions exempt the caller.
    public PolicyDocument DenyPrincipal(string sid, Principal principal, IReadOnlyList<string> actions, Value resource, params Condition[] conditions) =>
        Add(new Statement { Sid = sid, Effect = Effect.Deny, Principal = principal, Actions = actions, Resources = [resource], Conditions = conditions });

    public PolicyDocument Deny(string sid, IReadOnlyList<string> actions, IReadOnlyList<Value> resources, params Condition[] conditions) =>
        Add(new Statement { Sid = sid, Effect = Effect.Deny, Actions = actions, Resources = resources, Conditions = conditions });

    public PolicyDocument Add(Statement statement)
    {
        statement.Validate();
        if (_statements.Any(s => s.Sid == statement.Sid)) throw new ArgumentException($"Sid '{statement.Sid}' is used twice in one policy.");
        _statements.Add(statement);
        return this;
    }

    public Value ToValue() => new ToJson(Map.Of(("Version", "2012-10-17"), ("Statement", Value.List(_statements.Select(s => (Value)s.ToValue())))));
}
