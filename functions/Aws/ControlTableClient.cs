using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Failover.Functions.Runtime;

namespace Failover.Functions.Aws;

/// The flag override as an operator set it in the control table, its text cut to bounds (it is repeated in every decision).
/// ExpiryUnreadable: an `expiresAt` is there but is no time; such an override must not count as one that never expires.
public sealed record FlagOverride(string Mode, string? Reason, string? SetBy, string? SetAt, DateTimeOffset? ExpiresAt, bool ExpiryUnreadable = false);

/// Which region serves, how many transitions there have been, and when the last one happened.
/// Each is null when the item lacks it (an item written by hand): unknown, never 0.
public sealed record ControlState(string? ActiveRegion, long? Epoch, DateTimeOffset? LastTransitionAt);

/// The lock as stored; an owner or lease that is missing (or of another type) stays missing. TokenHash: the SHA-256 of the token
/// decide gave the run that took it (LockToken), Action what it was taken for.
public sealed record LockHolder(string? Owner, DateTimeOffset? LeaseExpiresAt, string? TokenHash = null, string? Action = null)
{
    /// These functions always write both; a lock lacking either was written by something else and is no execution's lock.
    public bool Unreadable => Owner is null || LeaseExpiresAt is null;

    /// Whether the lock stops `owner` from taking it, by the same rule as the conditional write in TryAcquireLockAsync:
    /// an unreadable lock is taken over, an expired one is free, one's own lock is re-entered: the same execution with the same
    /// token (`tokenHash`, when given), so that naming a run is not enough to take its lock.
    public bool HeldAgainst(string owner, DateTimeOffset now, string? tokenHash = null) =>
        !Unreadable && !(Owner == owner && (tokenHash is null || TokenHash == tokenHash))
                    && LeaseExpiresAt!.Value.ToUnixTimeSeconds() >= now.ToUnixTimeSeconds();
}

/// The state item: the transition state and the lock that guards the next transition. EpochUnreadable: an `epoch` is there but
/// is no whole number.
public sealed record ControlItem(ControlState? State, LockHolder? Lock, bool EpochUnreadable = false);

/// What an acting decision writes with the lock, so the lock never exists without the decision that took it. SeenEpoch is the
/// epoch the decision was made on (null: none yet); the lock is not taken if a transition was recorded since. TokenHash: the hash
/// of the run's new token. DeadOwner: a holder Step Functions says is no running execution, taken over as if free.
public sealed record LockClaim(string Owner, string TokenHash, string Action, string Decision, string Source, string? Reason, long? SeenEpoch,
    bool CheckEpoch = true, string? DeadOwner = null);

/// A transition to record when the lock is released after a successful run.
public sealed record Transition(string ActiveRegion, string Action);

/// What a release did, and why.
public sealed record ReleaseOutcome(bool Released, bool StateRecorded, string? ActiveRegion, long? Epoch, string Reason);

/// One decision, kept for the record with a TTL. Entry: the entry point Step Functions said ran it; Claims: what the input claimed
/// and whether it was verified, refused or only claimed (JSON).
public sealed record DecisionRecord(string Decision, string Action, string Source, string? RequestReason, string Reason, string FlagMode, string Health,
    string Owner, bool Alert, string? Evidence, string? Entry = null, string? Claims = null);

/// The BLOCKED or ALERT condition last announced for one action: what it was (NoticeRepeat's key), when it was first announced,
/// when last (a reminder), and by which execution. Null fields: the item lacks them or holds something else (unreadable).
public sealed record NoticeRecord(string? Condition, DateTimeOffset? FirstAnnouncedAt, DateTimeOffset? AnnouncedAt, string? AnnouncedBy);

/// The DynamoDB control table (docs/design.md §5): one item per concern under the partition key `pk`. The lock lives in the `state`
/// item, so that taking it, and recording a transition while releasing it, are each one conditional write on one item: atomic
/// in every consistency mode of a global table (multi-Region strong consistency rejects transactions).
public sealed class ControlTableClient(DynamoDbClient dynamo, string tableName)
{
    private const string Key = ControlTableItems.PartitionKey;
    private static readonly string[] LockAttributes =
        ["lockOwner", "lockTokenHash", "lockAction", "lockDecision", "lockSource", "lockRequestReason", "lockAcquiredAt", "lockLeaseExpiresAt"];

    /// A lease further ahead than this was not written by these functions (LOCK_LEASE_SECONDS is at most a day): milliseconds
    /// written as seconds, or a typo. It is unreadable, not a lock held until the year 55000.
    public static readonly TimeSpan MaxLeaseAhead = TimeSpan.FromDays(2);

    /// An announcement recorded further ahead than this was not written by a run of now (a clock cannot be that far off): it is
    /// unreadable, and must not silence a condition until that time comes.
    public static readonly TimeSpan MaxAnnouncedAhead = TimeSpan.FromMinutes(1);

    // Free, expired, our own (a retried step: the same execution and token), or unreadable: the exact negation of
    // LockHolder.HeldAgainst.
    private const string LockAvailable =
        "(attribute_not_exists(lockOwner) OR NOT attribute_type(lockOwner, :typeS) OR attribute_not_exists(lockLeaseExpiresAt) " +
        "OR NOT attribute_type(lockLeaseExpiresAt, :typeN) OR (lockOwner = :owner AND lockTokenHash = :hash) OR lockLeaseExpiresAt < :now " +
        "OR lockLeaseExpiresAt > :horizon)";

    public async Task<FlagOverride?> GetFlagAsync(CancellationToken cancellationToken)
    {
        var item = await GetAsync(ControlTableItems.Flag, cancellationToken);
        if (Attr.Text(item, "mode") is not { } mode) return null;
        var expires = Attr.Time(item, "expiresAt");
        return new FlagOverride(BoundedText.Cut(mode, 64), Cut(Attr.Text(item, "reason"), 1024), Cut(Attr.Text(item, "setBy"), 256), Cut(Attr.Text(item, "setAt"), 64),
            expires, ExpiryUnreadable: expires is null && Attr.Has(item, "expiresAt"));
    }

    /// Writes the override `decide` reads above, whole: one PutItem, so a reader never sees half of it.
    public Task SetFlagAsync(FlagMode mode, string reason, string setBy, DateTimeOffset setAt, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var item = new JsonObject
        {
            [Key] = Attr.S(ControlTableItems.Flag), ["mode"] = Attr.S(Wire.Of(mode)), ["reason"] = Attr.S(reason), ["setBy"] = Attr.S(setBy), ["setAt"] = Attr.S(Attr.Iso(setAt)),
        };
        if (expiresAt is { } expires) item["expiresAt"] = Attr.S(Attr.Iso(expires));
        return dynamo.WriteAsync("PutItem", new JsonObject { ["TableName"] = tableName, ["Item"] = item }, cancellationToken);
    }

    /// Removes the override: the default from `pulumi config` applies again.
    public Task ClearFlagAsync(CancellationToken cancellationToken) =>
        dynamo.WriteAsync("DeleteItem", new JsonObject { ["TableName"] = tableName, ["Key"] = new JsonObject { [Key] = Attr.S(ControlTableItems.Flag) } }, cancellationToken);

    /// `maxLeaseAhead`: a lease further ahead than this is none (the lock is unreadable); default MaxLeaseAhead.
    public async Task<ControlItem> GetControlAsync(DateTimeOffset now, CancellationToken cancellationToken, TimeSpan? maxLeaseAhead = null)
    {
        var item = await GetAsync(ControlTableItems.State, cancellationToken);
        if (item is null) return new ControlItem(null, null);
        var hasState = Attr.Has(item, "activeRegion") || Attr.Has(item, "epoch") || Attr.Has(item, "lastTransitionAt");
        var epoch = Attr.Number(item, "epoch");
        return new ControlItem(
            hasState ? new ControlState(Attr.Text(item, "activeRegion"), epoch, Attr.Time(item, "lastTransitionAt")) : null,
            ReadLock(item, now, maxLeaseAhead ?? MaxLeaseAhead),
            EpochUnreadable: epoch is null && Attr.Has(item, "epoch"));
    }

    /// One conditional write: free, expired, unreadable (a lease beyond `maxLeaseAhead` included), already ours (the same
    /// execution and token: a retried decide), or held by the claim's dead owner. Two executions never both get it.
    public async Task<bool> TryAcquireLockAsync(LockClaim claim, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken,
        TimeSpan? maxLeaseAhead = null)
    {
        var values = new JsonObject
        {
            [":owner"] = Attr.S(claim.Owner), [":hash"] = Attr.S(claim.TokenHash), [":action"] = Attr.S(claim.Action), [":decision"] = Attr.S(claim.Decision),
            [":source"] = Attr.S(claim.Source), [":at"] = Attr.S(Attr.Iso(now)), [":lease"] = Attr.N(now.Add(lease).ToUnixTimeSeconds()),
            [":now"] = Attr.N(now.ToUnixTimeSeconds()), [":horizon"] = Attr.N(now.Add(maxLeaseAhead ?? MaxLeaseAhead).ToUnixTimeSeconds()),
            [":typeS"] = Attr.S("S"), [":typeN"] = Attr.S("N"),
        };
        var condition = LockAvailable;
        if (claim.DeadOwner is not null)
        {
            condition = $"({condition} OR lockOwner = :deadOwner)";
            values[":deadOwner"] = Attr.S(claim.DeadOwner);
        }
        // A transition recorded after the decision read the state makes the decision stale: it must not act on it.
        if (claim.CheckEpoch && claim.SeenEpoch is { } seen)
        {
            condition += " AND epoch = :seenEpoch";
            values[":seenEpoch"] = Attr.N(seen);
        }
        else if (claim.CheckEpoch)
        {
            condition += " AND attribute_not_exists(epoch)";
        }
        var set = "SET lockOwner = :owner, lockTokenHash = :hash, lockAction = :action, lockDecision = :decision, lockSource = :source, lockAcquiredAt = :at, lockLeaseExpiresAt = :lease";
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
            ["ConditionExpression"] = condition,
            ["ExpressionAttributeValues"] = values,
        }, cancellationToken);
        return written;
    }

    /// Moves the lease of the lock whose token hashes to `tokenHash` to `until`, for the action it was taken for; false when that
    /// token holds it no longer (released, or taken over once the lease had ended). A lease that ran out with nobody taking it over
    /// is still the token's: nothing acted in between, so the run may go on.
    public async Task<bool> RenewLockAsync(string tokenHash, string action, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var (written, _) = await dynamo.WriteAsync("UpdateItem", new JsonObject
        {
            ["TableName"] = tableName,
            ["Key"] = StateItemKey(),
            ["UpdateExpression"] = "SET lockLeaseExpiresAt = :lease",
            ["ConditionExpression"] = "lockTokenHash = :hash AND lockAction = :action",
            ["ExpressionAttributeValues"] = new JsonObject
            {
                [":hash"] = Attr.S(tokenHash), [":action"] = Attr.S(action), [":lease"] = Attr.N(until.ToUnixTimeSeconds()),
            },
        }, cancellationToken);
        return written;
    }

    /// Whether the lock held now (a strongly consistent read) is the one `tokenHash` stands for, taken for `action`: what every
    /// function that moves traffic or scales asks before it acts. The answer says why not, without echoing any token.
    public async Task<(bool Holds, string Why)> HoldsLockAsync(string tokenHash, string action, CancellationToken cancellationToken)
    {
        var item = await GetAsync(ControlTableItems.State, cancellationToken);
        var held = Attr.Text(item, "lockTokenHash");
        if (held is null) return (false, "no lock is held");
        if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(held), System.Text.Encoding.ASCII.GetBytes(tokenHash)))
            return (false, $"the lock is held by another run ({BoundedText.Of(Attr.Text(item, "lockOwner"), 200)})");
        var taken = Attr.Text(item, "lockAction");
        return taken == action ? (true, "holds the lock") : (false, $"this run's lock was taken for {BoundedText.Of(taken, 32)}, not {action}");
    }

    /// Gives the lock back, recording the transition in the same write when there is one. Only the token's holder can (`owner`,
    /// its execution, is recorded); a repeat of a release that already happened answers as the first did and changes nothing.
    public async Task<ReleaseOutcome> ReleaseLockAsync(string tokenHash, string owner, string outcome, Transition? transition, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var values = new JsonObject
        {
            [":hash"] = Attr.S(tokenHash), [":owner"] = Attr.S(owner), [":now"] = Attr.S(Attr.Iso(now)), [":outcome"] = Attr.S(outcome),
        };
        var update = "SET lastReleasedBy = :owner, lastReleasedToken = :hash, lastReleasedAt = :now, lastReleaseOutcome = :outcome";
        if (transition is not null)
        {
            update += ", activeRegion = :region, lastTransitionAt = :now, lastAction = :action, lastOwner = :owner";
            values[":region"] = Attr.S(transition.ActiveRegion);
            values[":action"] = Attr.S(transition.Action);
            values[":one"] = Attr.N(1);
        }
        // A transition is recorded only for the action the lock was taken for: a drill's lock cannot record a failover.
        var condition = transition is null ? "lockTokenHash = :hash" : "lockTokenHash = :hash AND lockAction = :action";
        update += $" REMOVE {string.Join(", ", LockAttributes)}" + (transition is not null ? " ADD epoch :one" : "");
        var (written, response) = await dynamo.WriteAsync("UpdateItem", new JsonObject
        {
            ["TableName"] = tableName,
            ["Key"] = StateItemKey(),
            ["UpdateExpression"] = update,
            ["ConditionExpression"] = condition,
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

        var item = await GetAsync(ControlTableItems.State, cancellationToken);
        var holder = ReadLock(item, now, MaxLeaseAhead);
        var ours = holder?.TokenHash == tokenHash;
        if (transition is not null && ours && Attr.Text(item, "lockAction") is { } taken && taken != transition.Action)
            return new ReleaseOutcome(false, false, null, null,
                $"not released: this execution's lock was taken for {BoundedText.Of(taken, 32)}, not {transition.Action}; no transition recorded, nothing changed");
        if (Attr.Text(item, "lastReleasedToken") == tokenHash && !ours)
        {
            var recorded = transition is not null && Attr.Text(item, "lastOwner") == owner;
            return new ReleaseOutcome(true, recorded, recorded ? Attr.Text(item, "activeRegion") : null, recorded ? Attr.Number(item, "epoch") : null,
                "already released by this execution (a repeated call); nothing changed");
        }
        return new ReleaseOutcome(false, false, null, null, holder is null
            ? $"not released: no lock is held, so {BoundedText.Of(owner, 200)} has nothing to release; nothing changed"
            : $"not released: the lock is held by {BoundedText.Of(holder.Owner, 200)}, not by this run's token ({BoundedText.Of(owner, 200)}); nothing changed");
    }

    /// One record per execution: a retried decide overwrites its own record instead of adding another.
    public async Task RecordDecisionAsync(DecisionRecord record, DateTimeOffset now, TimeSpan keep, CancellationToken cancellationToken)
    {
        var item = new JsonObject
        {
            [Key] = Attr.S(ControlTableItems.Decision(record.Owner)),
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
        if (record.Entry is not null) item["entry"] = Attr.S(record.Entry);
        if (record.Claims is not null) item["claims"] = Attr.S(record.Claims);
        await dynamo.WriteAsync("PutItem", new JsonObject { ["TableName"] = tableName, ["Item"] = item }, cancellationToken);
    }

    /// The announcement recorded for `action` (item notice#ACTION), or null when none is (never announced, or cleared).
    public async Task<NoticeRecord?> GetNoticeAsync(FailoverAction action, CancellationToken cancellationToken)
    {
        var item = await GetAsync(ControlTableItems.Notice(action), cancellationToken);
        if (!Attr.Has(item, "condition")) return null;
        return new NoticeRecord(Attr.Text(item, "condition"), Attr.Seconds(item, "firstAnnouncedAt"), Attr.Seconds(item, "announcedAt"),
            Attr.Text(item, "announcedBy"));
    }

    /// Records an announcement, if it is still due when the write lands: no record, another condition, the last announcement
    /// `repeat` ago or longer (or unreadable, or in the future: NoticeRepeat.Plan's reading), or one made by this same execution (a retried decide announces again rather than not at all).
    /// Two runs that both find a reminder due cannot both announce it. False: another run announced it first.
    public async Task<bool> TryAnnounceAsync(FailoverAction action, string condition, DateTimeOffset firstAnnouncedAt, string owner, DateTimeOffset now,
        TimeSpan repeat, CancellationToken cancellationToken)
    {
        var (written, _) = await dynamo.WriteAsync("UpdateItem", new JsonObject
        {
            ["TableName"] = tableName,
            ["Key"] = new JsonObject { [Key] = Attr.S(ControlTableItems.Notice(action)) },
            ["UpdateExpression"] = "SET #condition = :condition, firstAnnouncedAt = :first, announcedAt = :now, announcedBy = :owner REMOVE clearedAt",
            ["ConditionExpression"] = "attribute_not_exists(#condition) OR #condition <> :condition OR NOT attribute_type(announcedAt, :typeN) " +
                                      "OR announcedAt <= :due OR announcedAt > :horizon OR announcedBy = :owner",
            ["ExpressionAttributeNames"] = new JsonObject { ["#condition"] = "condition" },
            ["ExpressionAttributeValues"] = new JsonObject
            {
                [":condition"] = Attr.S(condition), [":first"] = Attr.N(firstAnnouncedAt.ToUnixTimeSeconds()), [":now"] = Attr.N(now.ToUnixTimeSeconds()),
                [":owner"] = Attr.S(owner), [":due"] = Attr.N(now.Subtract(repeat).ToUnixTimeSeconds()),
                [":horizon"] = Attr.N(now.Add(MaxAnnouncedAhead).ToUnixTimeSeconds()), [":typeN"] = Attr.S("N"),
            },
        }, cancellationToken);
        return written;
    }

    /// The condition has ended: forget it, so that its next occurrence is announced at once. An update, not a delete (decide
    /// deletes nothing); the item keeps when and by whom it was cleared.
    public Task ClearNoticeAsync(FailoverAction action, string owner, DateTimeOffset now, CancellationToken cancellationToken) =>
        dynamo.WriteAsync("UpdateItem", new JsonObject
        {
            ["TableName"] = tableName,
            ["Key"] = new JsonObject { [Key] = Attr.S(ControlTableItems.Notice(action)) },
            ["UpdateExpression"] = "SET clearedAt = :now, clearedBy = :owner REMOVE #condition, firstAnnouncedAt, announcedAt, announcedBy",
            ["ExpressionAttributeNames"] = new JsonObject { ["#condition"] = "condition" },
            ["ExpressionAttributeValues"] = new JsonObject { [":now"] = Attr.N(now.ToUnixTimeSeconds()), [":owner"] = Attr.S(owner) },
        }, cancellationToken);

    // The same reading as LockAvailable: a lease that is no time, or beyond the horizon, is none.
    private static LockHolder? ReadLock(JsonObject? item, DateTimeOffset now, TimeSpan horizon) =>
        Attr.Has(item, "lockOwner") || Attr.Has(item, "lockLeaseExpiresAt")
            ? new LockHolder(Attr.Text(item, "lockOwner"), Attr.Seconds(item, "lockLeaseExpiresAt") is { } lease && lease <= now.Add(horizon) ? lease : null,
                Attr.Text(item, "lockTokenHash"), Attr.Text(item, "lockAction"))
            : null;

    private static string? Cut(string? value, int max) => value is null ? null : BoundedText.Cut(value, max);

    private Task<JsonObject?> GetAsync(string key, CancellationToken cancellationToken) =>
        dynamo.GetItemAsync(tableName, new JsonObject { [Key] = Attr.S(key) }, cancellationToken);

    private static JsonObject StateItemKey() => new() { [Key] = Attr.S(ControlTableItems.State) };
}
