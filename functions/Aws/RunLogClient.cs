using System.Text.Json;
using System.Text.Json.Nodes;
using Failover.Contract.Readiness;

namespace Failover.Functions.Aws;

/// The run index as stored: the last runs newest first, the newest succeeded drill, and the version its next write must find.
/// Version null: no index yet (or one without a readable version).
public sealed record RunIndex(IReadOnlyList<RunRecord> Recent, RunRecord? LastSucceededDrill, long? Version);

/// The decision log's run records (RunRecords says where each lives): release-lock writes them at a run's end; GetIndexAsync is
/// the index's one reading, for whoever reports on the runs (the drill checks, failoverctl).
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

    /// The index, or an empty one when there is none yet. A record attribute that is there but is no run record's JSON (a hand
    /// edit) is an error (AwsMalformedResponseException), never "no runs": the reader reports it as unknown. The next write
    /// replaces it.
    public async Task<RunIndex> GetIndexAsync(CancellationToken cancellationToken)
    {
        var (index, unreadable) = await ReadAsync(cancellationToken);
        return unreadable is null ? index
            : throw new AwsMalformedResponseException("DynamoDB", "GetItem", $"a run record's JSON in {ControlTableItems.Runs}.{unreadable}");
    }

    /// The index with each unreadable record attribute read as none, and the first such attribute's name.
    private async Task<(RunIndex Index, string? Unreadable)> ReadAsync(CancellationToken cancellationToken)
    {
        var item = await dynamo.GetItemAsync(tableName, new JsonObject { [Key] = Attr.S(ControlTableItems.Runs) }, cancellationToken);
        var (recent, recentRead) = Read(item, RunRecords.Recent, ReadinessJson.Default.IReadOnlyListRunRecord);
        var (drill, drillRead) = Read(item, RunRecords.LastSucceededDrill, ReadinessJson.Default.RunRecord);
        var unreadable = !recentRead ? RunRecords.Recent : !drillRead ? RunRecords.LastSucceededDrill : null;
        return (new RunIndex(recent ?? [], drill, Attr.Number(item, RunRecords.Version)), unreadable);
    }

    /// Adds the record to the index: first in `recent` (replacing an earlier record of the same execution, a retried release), at
    /// most RunRecords.Kept kept, and as `lastSucceededDrill` when it is a drill that succeeded. Both attributes are always
    /// rewritten, so an unreadable one (a hand edit) is replaced: `recent` starts again, `lastSucceededDrill` goes. Each write is
    /// conditional on the version read; a conflict reads again, at most IndexAttempts times. Returns the index as written, or
    /// null when it changed under every attempt.
    public async Task<RunIndex?> AddAsync(RunRecord record, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (seen, _) = await ReadAsync(cancellationToken);
            var next = With(seen, record);
            var values = new JsonObject
            {
                [":recent"] = Attr.S(JsonSerializer.Serialize(next.Recent, ReadinessJson.Default.IReadOnlyListRunRecord)),
                [":next"] = Attr.N(next.Version!.Value),
            };
            var update = $"SET {RunRecords.Recent} = :recent, {RunRecords.Version} = :next";
            if (next.LastSucceededDrill is { } drill)
            {
                update += $", {RunRecords.LastSucceededDrill} = :drill";
                values[":drill"] = Attr.S(JsonSerializer.Serialize(drill, ReadinessJson.Default.RunRecord));
            }
            else
            {
                update += $" REMOVE {RunRecords.LastSucceededDrill}";
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
                ["UpdateExpression"] = update,
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

    /// The attribute's record(s); Read false when it is there but is not their JSON.
    private static (T? Value, bool Read) Read<T>(JsonObject? item, string attribute, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        if (!Attr.Has(item, attribute)) return (null, true);
        try
        {
            return Attr.Text(item, attribute) is { } json && JsonSerializer.Deserialize(json, type) is { } value ? (value, true) : (null, false);
        }
        catch (JsonException)
        {
            return (null, false);
        }
    }
}
