using System.Text.Json;
using System.Text.Json.Nodes;
using Failover.Contract.Readiness;

namespace Failover.Functions.Aws;

/// The run index as stored: the last runs newest first, the newest succeeded drill, and the version its next write must find.
/// Version null: no index yet (or one without a readable version). An attribute that is not a run record's JSON (a hand edit)
/// reads as none, and the next write replaces it.
public sealed record RunIndex(IReadOnlyList<RunRecord> Recent, RunRecord? LastSucceededDrill, long? Version);

/// The decision log's run records (RunRecords says where each lives): release-lock writes them at a run's end; GetIndexAsync is
/// the index's one reading, for whoever reports on the runs.
public sealed class RunLogClient(DynamoDbClient dynamo, string tableName)
{
    private const string Key = ControlTableItems.PartitionKey;
    private const string Succeeded = "SUCCEEDED";

    /// How often the index's read-modify-write is tried: runs are serialised by the lock, so a second try settles a conflict
    /// with anything but a hand edit, and a third is margin.
    public const int IndexAttempts = 3;

    /// Puts the record on its run's decision record (`measured`). False when decide left no record for the run (its write failed):
    /// an item made here would carry no TTL and outlive every decision.
    public async Task<bool> MeasureDecisionAsync(RunRecord record, CancellationToken cancellationToken)
    {
        var (written, _) = await dynamo.WriteAsync("UpdateItem", new JsonObject
        {
            ["TableName"] = tableName,
            ["Key"] = new JsonObject { [Key] = Attr.S(ControlTableItems.Decision(record.Execution)) },
            ["UpdateExpression"] = $"SET {RunRecords.Measured} = :measured",
            ["ConditionExpression"] = $"attribute_exists({Key})",
            ["ExpressionAttributeValues"] = new JsonObject { [":measured"] = Attr.S(JsonSerializer.Serialize(record, ReadinessJson.Default.RunRecord)) },
        }, cancellationToken);
        return written;
    }

    /// The index, or an empty one when there is none yet.
    public async Task<RunIndex> GetIndexAsync(CancellationToken cancellationToken)
    {
        var item = await dynamo.GetItemAsync(tableName, new JsonObject { [Key] = Attr.S(ControlTableItems.Runs) }, cancellationToken);
        var recent = Read(Attr.Text(item, RunRecords.Recent), ReadinessJson.Default.IReadOnlyListRunRecord);
        var drill = Read(Attr.Text(item, RunRecords.LastSucceededDrill), ReadinessJson.Default.RunRecord);
        return new RunIndex(recent ?? [], drill, Attr.Number(item, RunRecords.Version));
    }

    /// Adds the record to the index: first in `recent` (replacing an earlier record of the same execution, a retried release), at
    /// most RunRecords.Kept kept, and as `lastSucceededDrill` when it is a drill that succeeded. Each write is conditional on the
    /// version read; a conflict reads again, at most IndexAttempts times. Returns the index as written, or null when it changed
    /// under every attempt.
    public async Task<RunIndex?> AddAsync(RunRecord record, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var seen = await GetIndexAsync(cancellationToken);
            var next = With(seen, record);
            var values = new JsonObject
            {
                [":recent"] = Attr.S(JsonSerializer.Serialize(next.Recent, ReadinessJson.Default.IReadOnlyListRunRecord)),
                [":next"] = Attr.N(next.Version!.Value),
            };
            var set = $"SET {RunRecords.Recent} = :recent, {RunRecords.Version} = :next";
            if (next.LastSucceededDrill is { } drill)
            {
                set += $", {RunRecords.LastSucceededDrill} = :drill";
                values[":drill"] = Attr.S(JsonSerializer.Serialize(drill, ReadinessJson.Default.RunRecord));
            }
            string condition;
            if (seen.Version is { } version)
            {
                condition = $"{RunRecords.Version} = :seen";
                values[":seen"] = Attr.N(version);
            }
            else
            {
                // No index yet, or a version that is no number (a hand edit): either way, one the next reader would not trust.
                condition = $"attribute_not_exists({RunRecords.Version}) OR NOT attribute_type({RunRecords.Version}, :typeN)";
                values[":typeN"] = Attr.S("N");
            }
            var (written, _) = await dynamo.WriteAsync("UpdateItem", new JsonObject
            {
                ["TableName"] = tableName,
                ["Key"] = new JsonObject { [Key] = Attr.S(ControlTableItems.Runs) },
                ["UpdateExpression"] = set,
                ["ConditionExpression"] = condition,
                ["ExpressionAttributeValues"] = values,
            }, cancellationToken);
            if (written) return next;
            if (attempt == IndexAttempts) return null;
        }
    }

    /// The index with `record` added (pure: what AddAsync writes).
    private static RunIndex With(RunIndex index, RunRecord record)
    {
        var recent = index.Recent.Where(r => r.Execution != record.Execution).Prepend(record).Take(RunRecords.Kept).ToList();
        var drill = record.Action == Wire.Of(FailoverAction.Drill) && record.Outcome == Succeeded ? record : index.LastSucceededDrill;
        return new RunIndex(recent, drill, (index.Version ?? 0) + 1);
    }

    private static T? Read<T>(string? json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        if (json is null) return null;
        try
        {
            return JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
