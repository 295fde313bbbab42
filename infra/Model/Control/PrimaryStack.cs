using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// The secondary's view of the primary stack: a StackReference, whose outputs are the names and ids the secondary's
/// workflow needs (the control table, the primary's gate, its endpoint check and alarms). Deploy the primary first.
public sealed record PrimaryStack
{
    public required Resource Reference { get; init; }

    /// `${primary-stack.outputs["NAME"]}`.
    public Ref Output(string name) => new(Reference.Name, $"outputs[\"{name}\"]");

    public static PrimaryStack Create(PulumiProgram program, string stackReference) => new()
    {
        Reference = program.Add(new Resource
        {
            Name = "primary-stack",
            Type = "pulumi:pulumi:StackReference",
            Properties = Map.Of(("name", stackReference)),
        }),
    };
}
