using Failover.Contract;
using Failover.Infra.Control;
using Failover.Infra.Yaml;

namespace Failover.Infra.Readiness;

/// The stack's readiness plan in its own region's replica of the control table, written by Pulumi at every deploy: item
/// `readiness#PREFIX`, the plan's JSON in attribute `plan`. The readiness function and `failoverctl readiness` read it there.
public static class ReadinessPlanItem
{
    /// `tablePolicy`: the replica's resource policy, which must admit the deployer before the write.
    public static Resource Create(PulumiProgram program, Naming naming, ControlTable table, Map plan, Resource tablePolicy) => program.Add(new Resource
    {
        Name = "readiness-plan",
        Type = "aws:dynamodb/tableItem:TableItem",
        Properties = Map.Of(
            ("tableName", table.Name),
            ("hashKey", ControlTableItems.PartitionKey),
            ("item", new ToJson(Map.Of(
                (ControlTableItems.PartitionKey, Map.Of(("S", ControlTableItems.Readiness(naming.Prefix)))),
                (ControlTableItems.ReadinessPlanAttribute, Map.Of(("S", new ToJson(plan)))))))),
        Options = new ResourceOptions { DependsOn = [tablePolicy] },
    });
}
