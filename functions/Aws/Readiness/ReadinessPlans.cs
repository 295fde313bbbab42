using System.Text.Json;
using System.Text.Json.Nodes;
using Failover.Contract.Readiness;
using Failover.Functions.Runtime;

namespace Failover.Functions.Aws.Readiness;

/// Reads a stack's readiness plan from one region's replica of the control table: item `readiness#STACK`, attribute `plan`,
/// the plan's JSON as Pulumi wrote it at deploy. The readiness function and `failoverctl readiness` read both plans this way.
public sealed class ReadinessPlans(AwsHttpClient aws, string region, string tableName)
{
    /// The plan; null when the stack has no plan item (not deployed, or deployed before readiness existed). An item whose `plan`
    /// is not a readiness plan throws ConfigurationException naming it: a garbled plan is a broken deploy, not a missing one.
    public async Task<ReadinessPlan?> ReadAsync(string stack, CancellationToken ct)
    {
        var key = ControlTableItems.Readiness(stack);
        var item = await new DynamoDbClient(aws, region).GetItemAsync(tableName, new JsonObject { [ControlTableItems.PartitionKey] = Attr.S(key) }, ct);
        if (item is null) return null;
        var text = item[ControlTableItems.ReadinessPlanAttribute]?["S"]?.GetValue<string>()
            ?? throw new ConfigurationException($"item {key} of table {tableName} in {region} has no text attribute '{ControlTableItems.ReadinessPlanAttribute}'.");
        try
        {
            return JsonSerializer.Deserialize(text, ReadinessJson.Default.ReadinessPlan)
                ?? throw new ConfigurationException($"item {key} of table {tableName} in {region} holds no plan.");
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"item {key} of table {tableName} in {region} is not a readiness plan: {BoundedText.Of(e.Message, 200)}.");
        }
    }
}
