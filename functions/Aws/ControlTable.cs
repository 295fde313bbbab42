using System.Text.Json.Nodes;
using Failover.Functions.Runtime;

namespace Failover.Functions.Aws;

/// The flag override as an operator set it in the control table.
public sealed record FlagOverride(string Mode, string? Reason, string? SetBy, string? SetAt, DateTimeOffset? ExpiresAt);

/// Which region serves, how many transitions there have been, and when the last one happened.
/// Each is null when the item lacks it (an item written by hand): unknown, never 0.
public sealed record ControlState(string? ActiveRegion, long? Epoch, DateTimeOffset? LastTransitionAt);

/// The lock as stored; an owner or lease that is missing (or of another type) stays missing.
public sealed record LockHolder(string? Owner, DateTimeOffset? LeaseExpiresAt)
{
    /// These functions always write both; a lock lacking either was written by something else and is no execution's lock.
    public bool Unreadable => Owner is null || LeaseExpiresAt is null;

    /// Whether the lock stops `owner` from taking it, by the same rule as the conditional write in TryAcquireLockAsync:
    /// an unreadable lock is taken over, an expired one is free, one's own lock is re-entered.
    public bool HeldAgainst(string owner, DateTimeOffset now) =>
        !Unreadable && Owner != owner && LeaseExpiresAt!.Value.ToUnixTimeSeconds() >= now.ToUnixTimeSeconds();
}

/// The state item: the transition state and the lock that guards the next transition.
public sealed record ControlItem(ControlState? State, LockHolder? Lock);

/// What an acting decision writes with the lock, so the lock never exists without the decision that took it.
public sealed record LockClaim(string Owner, string Action, string Decision, string Source, string? Reason);

/// A transition to record when the lock is released after a successful run.
public sealed record Transition(string ActiveRegion, string Action);

/// What a release did, and why.
public sealed record ReleaseOutcome(bool Released, bool StateRecorded, string? ActiveRegion, long? Epoch, string Reason);

/// One decision, kept for the record with a TTL.
public sealed record DecisionRecord(string Decision, string Action, string Source, string? RequestReason, string Reason, string FlagMode, string Health,
    string Owner, bool Alert, string? Evidence);

/// The DynamoDB control table (design §5): one item per concern under the partition key `pk`. The lock lives in the `state`
/// item, so that taking it, and recording a transition while releasing it, are each one conditional write on one item: atomic
/// in every consistency mode of a global table (multi-Region strong consistency rejects transactions).
public sealed class ControlTable(DynamoDbClient dynamo, string tableName)
{
    public const string Key = "pk";
    private const string StateKey = "state";
    private static readonly string[] LockAttributes =
        ["lockOwner", "lockAction", "lockDecision", "lockSource", "lockRequestReason", "lockAcquiredAt", "lockLeaseExpiresAt"];

    // Free, expired, our own (a retried step), or unreadable: the exact negation of LockHolder.HeldAgainst.
    private const string LockAvailable =
        "attribute_not_exists(lockOwner) OR NOT attribute_type(lockOwner, :typeS) OR attribute_not_exists(lockLeaseExpiresAt) " +
        "OR NOT attribute_type(lockLeaseExpiresAt, :typeN) OR lockOwner = :owner OR lockLeaseExpiresAt < :now";

    public async Task<FlagOverride?> GetFlagAsync(CancellationToken cancellationToken)
    {
        var item = await GetAsync("flag", cancellationToken);
        if (Attr.Text(item, "mode") is not { } mode) return null;
        return new FlagOverride(mode, Attr.Text(item, "reason"), Attr.Text(item, "setBy"), Attr.Text(item, "setAt"), Attr.Time(item, "expiresAt"));
    }

    public async Task<ControlItem> GetControlAsync(CancellationToken cancellationToken)
    {
        var item = await GetAsync(StateKey, cancellationToken);
        if (item is null) return new ControlItem(null, null);
        var hasState = Attr.Has(item, "activeRegion") || Attr.Has(item, "epoch") || Attr.Has(item, "lastTransitionAt");
        return new ControlItem(
            hasState ? new ControlState(Attr.Text(item, "activeRegion"), Attr.Number(item, "epoch"), Attr.Time(item, "lastTransitionAt")) : null,
            ReadLock(item));
    }

    /// One conditional write: free, expired, unreadable or already ours. Two executions never both get it.
    public async Task<bool> TryAcquireLockAsync(LockClaim claim, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var values = new JsonObject
        {
            [":owner"] = Attr.S(claim.Owner), [":action"] = Attr.S(claim.Action), [":decision"] = Attr.S(claim.Decision),
            [":source"] = Attr.S(claim.Source), [":at"] = Attr.S(Attr.Iso(now)), [":lease"] = Attr.N(now.Add(lease).ToUnixTimeSeconds()),
            [":now"] = Attr.N(now.ToUnixTimeSeconds()), [":typeS"] = Attr.S("S"), [":typeN"] = Attr.S("N"),
        };
        var set = "SET lockOwner = :owner, lockAction = :action, lockDecision = :decision, lockSource = :source, lockAcquiredAt = :at, lockLeaseExpiresAt = :lease";
        if (claim.Reason is not null)
        {
            set += ", lockRequestReason = :reason";
            values[":reason"] = Attr.S(claim.Reason);
        }
        var (written, _) = await dynamo.WriteAsync("UpdateItem", new JsonObject
        {
            ["TableName"] = tableName,
            ["Key"] = StateItemKey(),
            ["UpdateExpression"] = claim.Reason is null ? $"{set} REMOVE lockRequestReason" : set,
            ["ConditionExpression"] = LockAvailable,
            ["ExpressionAttributeValues"] = values,
        }, cancellationToken);
        return written;
    }

    /// Gives the lock back, recording the transition in the same write when there is one. Only the owner can; a repeat of a
    /// release that already happened answers as the first did and changes nothing.
    public async Task<ReleaseOutcome> ReleaseLockAsync(string owner, string outcome, Transition? transition, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var values = new JsonObject { [":owner"] = Attr.S(owner), [":now"] = Attr.S(Attr.Iso(now)), [":outcome"] = Attr.S(outcome) };
        var update = "SET lastReleasedBy = :owner, lastReleasedAt = :now, lastReleaseOutcome = :outcome";
        if (transition is not null)
        {
            update += ", activeRegion = :region, lastTransitionAt = :now, lastAction = :action, lastOwner = :owner";
            values[":region"] = Attr.S(transition.ActiveRegion);
            values[":action"] = Attr.S(transition.Action);
            values[":one"] = Attr.N(1);
        }
        update += $" REMOVE {string.Join(", ", LockAttributes)}" + (transition is not null ? " ADD epoch :one" : "");
        var (written, response) = await dynamo.WriteAsync("UpdateItem", new JsonObject
        {
            ["TableName"] = tableName,
            ["Key"] = StateItemKey(),
            ["UpdateExpression"] = update,
            ["ConditionExpression"] = "lockOwner = :owner",
            ["ExpressionAttributeValues"] = values,
            ["ReturnValues"] = "ALL_NEW",
        }, cancellationToken);
        if (written)
        {
            if (transition is null) return new ReleaseOutcome(true, false, null, null, "released; no transition to record");
            // `ADD epoch :one` leaves the attribute on the item, so ALL_NEW without it is not an answer to this request.
            var epoch = Attr.Number(response["Attributes"] as JsonObject, "epoch") ?? throw new AwsMalformedResponseException("DynamoDB", "UpdateItem", "epoch");
            return new ReleaseOutcome(true, true, transition.ActiveRegion, epoch, $"released; transition to {transition.ActiveRegion} recorded as epoch {epoch}");
        }

        var item = await GetAsync(StateKey, cancellationToken);
        var holder = ReadLock(item);
        if (Attr.Text(item, "lastReleasedBy") == owner && holder?.Owner != owner)
        {
            var recorded = transition is not null && Attr.Text(item, "lastOwner") == owner;
            return new ReleaseOutcome(true, recorded, recorded ? Attr.Text(item, "activeRegion") : null, recorded ? Attr.Number(item, "epoch") : null,
                "already released by this execution (a repeated call); nothing changed");
        }
        return new ReleaseOutcome(false, false, null, null, holder is null
            ? $"not released: no lock is held, so {Echo.Of(owner, 200)} has nothing to release; nothing changed"
            : $"not released: the lock is held by {Echo.Of(holder.Owner, 200)}, not by {Echo.Of(owner, 200)}; nothing changed");
    }

    /// One record per execution: a retried decide overwrites its own record instead of adding another.
    public async Task RecordDecisionAsync(DecisionRecord record, DateTimeOffset now, TimeSpan keep, CancellationToken cancellationToken)
    {
        var item = new JsonObject
        {
            [Key] = Attr.S($"decision#{record.Owner}"),
            ["decision"] = Attr.S(record.Decision),
            ["action"] = Attr.S(record.Action),
            ["source"] = Attr.S(record.Source),
            ["reason"] = Attr.S(record.Reason),
            ["flag"] = Attr.S(record.FlagMode),
            ["health"] = Attr.S(record.Health),
            ["owner"] = Attr.S(record.Owner),
            ["alert"] = new JsonObject { ["BOOL"] = record.Alert },
            ["decidedAt"] = Attr.S(Attr.Iso(now)),
            ["ttl"] = Attr.N(now.Add(keep).ToUnixTimeSeconds()),
        };
        if (record.RequestReason is not null) item["requestReason"] = Attr.S(record.RequestReason);
        if (record.Evidence is not null) item["evidence"] = Attr.S(record.Evidence);
        await dynamo.WriteAsync("PutItem", new JsonObject { ["TableName"] = tableName, ["Item"] = item }, cancellationToken);
    }

    private static LockHolder? ReadLock(JsonObject? item) =>
        Attr.Has(item, "lockOwner") || Attr.Has(item, "lockLeaseExpiresAt")
            ? new LockHolder(Attr.Text(item, "lockOwner"), Attr.Number(item, "lockLeaseExpiresAt") is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null)
            : null;

    private Task<JsonObject?> GetAsync(string key, CancellationToken cancellationToken) =>
        dynamo.GetItemAsync(tableName, new JsonObject { [Key] = Attr.S(key) }, cancellationToken);

    private static JsonObject StateItemKey() => new() { [Key] = Attr.S(StateKey) };
}
