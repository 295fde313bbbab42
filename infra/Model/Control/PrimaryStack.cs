using Failover.Infra.Config;
using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// The secondary's view of the primary stack: a StackReference, whose outputs are the names and ids the secondary reads (the
/// control table, the primary's gate, its endpoint check and alarms). Declared where it is first read, so the program lists it
/// where it is first needed (an arc gate reads it before the workflow does). Deploy the primary first.
public sealed class PrimaryStack(PulumiProgram program, string stackReference)
{
    public const string LogicalName = "primary-stack";

    private bool _declared;

    /// `${primary-stack.outputs["NAME"]}`.
    public Ref Output(string name)
    {
        if (!_declared)
        {
            program.Add(new Resource
            {
                Name = LogicalName,
                Type = "pulumi:pulumi:StackReference",
                Properties = Map.Of(("name", stackReference)),
            });
            _declared = true;
        }
        return new Ref(LogicalName, $"outputs[\"{name}\"]");
    }

    /// The secondary's reference to its primary; none in the primary, which owns what the secondary reads.
    public static PrimaryStack? For(PulumiProgram program, RoleProfile role) =>
        role.ReadsPrimaryOutputs ? new PrimaryStack(program, role.Peer.StackReference) : null;
}
