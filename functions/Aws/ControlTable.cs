using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Failover.Functions.Aws;

/// The flag override as an operator set it in the control table.
public sealed record FlagOverride(string Mode, string? Reason, string? SetBy, string? SetAt, DateTimeOffset? ExpiresAt);

/// Which region serves, how many transitions there have been, and when the last one happened.
/// Each is null when the item lacks it (an item written by hand): unknown, never 0.
public sealed record ControlState(string? ActiveRegion, long? Epoch, DateTimeOffset? LastTransitionAt);

/// The lock item as stored; an owner or lease that is missing stays missing.
public sealed record LockHolder(string? Owner, DateTimeOffset? LeaseExpiresAt)
{
    /// Whether the lock stops `owner` from taking it, by the same rule as the conditional write in TryAcquireLockAsync
    /// (`#lease < :now OR #owner = :owner`): that comparison fails for a missing lease, so a lock without one is held.
    public bool HeldAgainst(string owner, DateTimeOffset now) =>
        Owner != owner && !(LeaseExpiresAt is { } lease && lease.ToUnixTimeSeconds() < now.ToUnixTimeSeconds());
}

/// One decision, kept for the record with a TTL.
public sealed record DecisionRecord(string Decision, string Action, string Source, string Reason, string FlagMode, string Health, string Owner, string? Evidence);

/// The DynamoDB control table (design §5): one item per concern under the partition key `pk`.
public sealed class ControlTable(IAmazonDynamoDB dynamo, string tableName)
{
    public const string Key = "pk";

    public async Task<FlagOverride?> GetFlagAsync(CancellationToken cancellationToken)
    {
        var item = await GetAsync("flag", cancellationToken);
        if (item is null || !item.TryGetValue("mode", out var mode) || mode.S is null) return null;
        return new FlagOverride(mode.S, Text(item, "reason"), Text(item, "setBy"), Text(item, "setAt"), Time(item, "expiresAt"));
    }

    public async Task<ControlState?> GetStateAsync(CancellationToken cancellationToken)
    {
        var item = await GetAsync("state", cancellationToken);
        if (item is null) return null;
        return new ControlState(Text(item, "activeRegion"), Number(item, "epoch"), Time(item, "lastTransitionAt"));
    }

    public async Task<LockHolder?> GetLockAsync(CancellationToken cancellationToken)
    {
        var item = await GetAsync("lock", cancellationToken);
        if (item is null) return null;
        var lease = Number(item, "leaseExpiresAt");
        return new LockHolder(Text(item, "owner"), lease is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null);
    }

    /// One conditional write: free, expired, or already ours (a retried step). Two executions never both get it.
    public async Task<bool> TryAcquireLockAsync(string owner, string action, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = tableName,
                Item = new Dictionary<string, AttributeValue>
                {
                    [Key] = S("lock"),
                    ["owner"] = S(owner),
                    ["action"] = S(action),
                    ["acquiredAt"] = S(Iso(now)),
                    ["leaseExpiresAt"] = N(now.Add(lease).ToUnixTimeSeconds()),
                },
                ConditionExpression = "attribute_not_exists(#pk) OR #lease < :now OR #owner = :owner",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#pk"] = Key, ["#lease"] = "leaseExpiresAt", ["#owner"] = "owner" },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":now"] = N(now.ToUnixTimeSeconds()), [":owner"] = S(owner) },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// Deletes the lock only if this owner still holds it.
    public async Task<bool> ReleaseLockAsync(string owner, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = tableName,
                Key = new Dictionary<string, AttributeValue> { [Key] = S("lock") },
                ConditionExpression = "#owner = :owner",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#owner"] = "owner" },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":owner"] = S(owner) },
            }, cancellationToken);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// Records a completed transition: the new active region, the next epoch, the time (the cooldown's start). Returns the new epoch.
    public async Task<long> RecordTransitionAsync(string activeRegion, string action, string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var response = await dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = tableName,
            Key = new Dictionary<string, AttributeValue> { [Key] = S("state") },
            UpdateExpression = "SET activeRegion = :region, lastTransitionAt = :now, lastAction = :action, lastOwner = :owner ADD epoch :one",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":region"] = S(activeRegion), [":now"] = S(Iso(now)), [":action"] = S(action), [":owner"] = S(owner), [":one"] = N(1),
            },
            ReturnValues = ReturnValue.ALL_NEW,
        }, cancellationToken);
        // `ADD epoch :one` leaves the attribute on the item, so ALL_NEW without it is not an answer to this request.
        return Number(response.Attributes, "epoch") ?? throw new AwsMalformedResponseException("DynamoDB", "UpdateItem", "epoch");
    }

    public async Task RecordDecisionAsync(DecisionRecord record, DateTimeOffset now, TimeSpan keep, CancellationToken cancellationToken)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            [Key] = S($"decision#{Iso(now)}#{record.Owner}"),
            ["decision"] = S(record.Decision),
            ["action"] = S(record.Action),
            ["source"] = S(record.Source),
            ["reason"] = S(record.Reason),
            ["flag"] = S(record.FlagMode),
            ["health"] = S(record.Health),
            ["owner"] = S(record.Owner),
            ["decidedAt"] = S(Iso(now)),
            ["ttl"] = N(now.Add(keep).ToUnixTimeSeconds()),
        };
        if (record.Evidence is not null) item["evidence"] = S(record.Evidence);
        await dynamo.PutItemAsync(new PutItemRequest { TableName = tableName, Item = item }, cancellationToken);
    }

    private async Task<Dictionary<string, AttributeValue>?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = tableName,
            Key = new Dictionary<string, AttributeValue> { [Key] = S(key) },
            ConsistentRead = true,
        }, cancellationToken);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string? Text(Dictionary<string, AttributeValue> item, string name) => item.TryGetValue(name, out var v) ? v.S : null;

    private static long? Number(Dictionary<string, AttributeValue>? item, string name) =>
        item is not null && item.TryGetValue(name, out var v) && long.TryParse(v.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// Operators write times as ISO-8601 strings; epoch seconds are accepted too.
    private static DateTimeOffset? Time(Dictionary<string, AttributeValue> item, string name)
    {
        if (!item.TryGetValue(name, out var v)) return null;
        if (v.N is not null && long.TryParse(v.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var epoch)) return DateTimeOffset.FromUnixTimeSeconds(epoch);
        return DateTimeOffset.TryParse(v.S, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }
}
