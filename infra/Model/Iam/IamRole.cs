using Failover.Infra.Yaml;

namespace Failover.Infra.Iam;

/// An IAM role with one inline least-privilege policy. Components add their grants
/// (`primary.Gate.GrantMove(role, GateMove.Close)`); `Declare` then adds the role and its policy to the program.
/// `name`: a fixed name instead of a generated one, for a role another stack's policy must name before it exists.
public sealed class IamRole(string logicalName, string purpose, string description, PolicyDocument trust, string? name = null)
{
    private Resource? _role;
    private Resource? _policy;

    /// Kebab-case logical name: the program gets `NAME-role` and `NAME-policy`.
    public string LogicalName { get; } = logicalName;

    public PolicyDocument Policy { get; } = new();

    /// The declared role (for `arn`, `name`); only after Declare.
    public Resource Resource => _role ?? throw new InvalidOperationException($"Role '{LogicalName}' is not declared yet.");

    /// The role's inline policy resource: depend on it when the role must be able to act at once (task start).
    public Resource PolicyResource => _policy ?? throw new InvalidOperationException($"Role '{LogicalName}' is not declared yet.");

    public void Grant(Action<PolicyDocument> grant)
    {
        if (_role is not null) throw new InvalidOperationException($"Role '{LogicalName}' is declared: grants after that would not reach its policy.");
        grant(Policy);
    }

    public Resource Declare(PulumiProgram program, Naming naming)
    {
        if (_role is not null) throw new InvalidOperationException($"Role '{LogicalName}' is declared twice.");
        if (Policy.Statements.Count == 0) throw new InvalidOperationException($"Role '{LogicalName}' has no grants.");
        var role = program.Add(new Resource
        {
            Name = $"{LogicalName}-role",
            Type = "aws:iam/role:Role",
            Properties = Map.Of(
                // IAM caps namePrefix at 38 characters.
                name is null ? ("namePrefix", naming.NamePrefix(purpose, 38)) : ("name", name),
                ("description", description),
                ("assumeRolePolicy", trust.ToValue()),
                ("tags", naming.TagsNamed(purpose))),
        });
        _policy = program.Add(new Resource
        {
            Name = $"{LogicalName}-policy",
            Type = "aws:iam/rolePolicy:RolePolicy",
            Properties = Map.Of(
                ("name", "least-privilege"),
                ("role", role.Out("id")),
                ("policy", Policy.ToValue())),
        });
        _role = role;
        return role;
    }
}
