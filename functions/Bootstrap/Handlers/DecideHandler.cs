using System.Text.Json;
using Failover.Functions.Aws;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// `decide`: reads the flag and the evidence, applies the decision table, takes the lock when it acts, records the decision.
/// With CONTROL_TABLE_PEER_REGION (an eventually consistent global table) it first reads the lock in the peer region's replica.
/// `probe` GETs PRIMARY_PROBE_URL when it is set (one client per process, made by the caller).
public sealed class DecideHandler(Func<string, string?> env, AwsClients clients, TimeProvider time, DirectProbe probe)
{
    public async Task<DecideResponse> HandleAsync(DecideRequest request, InvocationContext context, CancellationToken cancellationToken)
    {
        var action = Vocabulary.ParseAction(request.Action);
        if (string.IsNullOrWhiteSpace(request.Source)) throw new InvalidInputException("'source' is required: who or what started this run (alarm, schedule, operator name).");
        // The lock's owner: a retried decide must present the same one, or it would find its own lock held by "another".
        if (string.IsNullOrWhiteSpace(request.ExecutionId))
            throw new InvalidInputException("'executionId' is required: the Step Functions execution id, which owns the lock across retries.");
        if (string.IsNullOrWhiteSpace(request.LockId))
            throw new InvalidInputException("'lockId' is required: the run's lock token, which the workflow makes once and every function that acts asks for.");
        new InputLimits.Check()
            .Text("source", request.Source, InputLimits.Source)
            .Text("reason", request.Reason, InputLimits.Reason)
            .Text("executionId", request.ExecutionId, InputLimits.Id)
            .Text("lockId", request.LockId, InputLimits.Id)
            .Text("alarm.alarmName", request.Alarm?.AlarmName, InputLimits.AlarmName)
            .Text("alarm.state.value", request.Alarm?.State?.Value, InputLimits.AlarmState)
            .Text("alarm.state.timestamp", request.Alarm?.State?.Timestamp, InputLimits.AlarmTime)
            .ThrowIfAny();
        var requestReason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim();

        var settings = new Settings(env, FunctionContract.Decide);
        var tableName = settings.Required(EnvNames.ControlTableName);
        var defaultFlag = settings.Flag(EnvNames.DefaultFlag);
        var primaryRegion = settings.Required(EnvNames.PrimaryRegion);
        var secondaryRegion = settings.Required(EnvNames.SecondaryRegion);
        var endpointCheck = settings.Optional(EnvNames.PrimaryEndpointHealthCheckId);
        var alarmNames = settings.List(EnvNames.PrimaryAlarmNames);
        var probeUrl = settings.HttpUrl(EnvNames.PrimaryProbeUrl);
        var primaryCluster = settings.Optional(EnvNames.PrimaryClusterName);
        var primaryService = settings.Optional(EnvNames.PrimaryServiceName);
        if ((primaryCluster is null) != (primaryService is null))
            settings.Problem($"{EnvNames.PrimaryClusterName} and {EnvNames.PrimaryServiceName} go together");
        var answer = HealthAnswerFrom(settings);
        // 15 min: longer than a flapping alarm's cycle, shorter than an on-call response.
        var cooldown = TimeSpan.FromSeconds(settings.Int(EnvNames.CooldownSeconds, 900));
        // 1 h: outlasts the slowest workflow (scale-up wait loop); an orphaned lock frees itself.
        var lease = TimeSpan.FromSeconds(settings.Int(EnvNames.LockLeaseSeconds, 3600, min: 60, max: 86400));
        var keep = TimeSpan.FromDays(settings.Int(EnvNames.DecisionTtlDays, 90, min: 1));
        var decisionTableName = settings.Optional(EnvNames.DecisionTableName) ?? tableName;
        var peerRegion = settings.Region(EnvNames.ControlTablePeerRegion);
        var repeat = TimeSpan.FromMinutes(settings.Int(EnvNames.NoticeRepeatMinutes, NoticeRepeat.RepeatMinutesDefault, min: 1, max: 1440));
        var entryPoints = new EntryPoints(settings.Required(EnvNames.OperatorStateMachineArn), settings.Optional(EnvNames.TriggerStateMachineArn),
            settings.List(EnvNames.PeerStateMachineArns));
        // The longest phase's lease and a minute for clocks: a lease further ahead was written by no run of this workflow.
        var leaseHorizon = TimeSpan.FromSeconds(settings.Int(EnvNames.LockMaxLeaseSeconds, (int)ControlTableClient.MaxLeaseAhead.TotalSeconds, min: 60,
            max: (int)ControlTableClient.MaxLeaseAhead.TotalSeconds) + 60);
        settings.ThrowIfInvalid();
        // Its own replica is no peer: the check would read what the write is about to condition on, and protect nothing.
        if (peerRegion is not null && peerRegion == clients.Environment.Region)
            throw new ConfigurationException($"{HandlerNames.Decide} cannot run: {EnvNames.ControlTablePeerRegion} names this function's own region " +
                $"({peerRegion}); it must name the region of the control table's other replica.");

        var owner = request.ExecutionId;
        var tokenHash = LockToken.Hash(request.LockId);
        var aws = clients.Until(context.StopBy);
        // Which entry point ran this, as Step Functions says: the input cannot claim it, and a direct invocation is no run.
        var entry = await entryPoints.EntryOfAsync(aws, owner, cancellationToken);
        var table = aws.ControlTable(tableName);
        var now = time.GetUtcNow();

        var flag = FlagResolver.Resolve(await table.GetFlagAsync(cancellationToken), defaultFlag, now);
        var control = await table.GetControlAsync(now, cancellationToken, leaseHorizon);
        // A lock is a lock only while the run holding it runs: one whose execution has ended (or never was one) holds nothing.
        var stale = control.Lock is { } held && held.HeldAgainst(owner, now, tokenHash)
            ? await entryPoints.DeadOwnerAsync(PeerBudgeted(aws, context), held.Owner!, context, cancellationToken)
            : null;
        var unattended = entry == EntryPoint.Trigger || request.Unattended == true;
        var budget = HealthEvidence.Budget(time.GetUtcNow(), context.StopBy);
        var gathering = aws.Until(time.GetUtcNow() + budget);
        // Side by side with the evidence, in the same budget: a dead primary region costs it once.
        var primarySize = action == FailoverAction.Failover && primaryCluster is not null
            ? PrimaryDesiredCountAsync(gathering.Ecs(primaryRegion), primaryCluster, primaryService!, context, cancellationToken)
            : Task.FromResult(0);
        var evidence = await new HealthEvidence(gathering.Route53, alarmNames.Count > 0 ? gathering.CloudWatch(primaryRegion) : null, endpointCheck, alarmNames,
                probe, probeUrl, answer)
            .GatherAsync(request.Alarm, unattended, now, budget, cancellationToken);
        var primaryDesired = await primarySize;
        var health = HealthEvidence.Combine(evidence);
        var confirmed = HealthEvidence.Confirmed(evidence);

        var activeRegion = control.State?.ActiveRegion ?? primaryRegion;
        var outcome = DecisionTable.Decide(new DecisionInput
        {
            Action = action,
            Flag = flag.Mode,
            // A trigger's start never forces, whatever its input says; only the operators' entry point can.
            ForceRequested = entry == EntryPoint.Operator && request.Force == true,
            Unattended = unattended,
            Health = health,
            Confirmed = confirmed,
            AlreadyDone = action == FailoverAction.Failback ? activeRegion == primaryRegion : activeRegion == secondaryRegion,
            InCooldown = control.State?.LastTransitionAt is { } last && now - last < cooldown,
            LockedByOther = control.Lock is { } holder && holder.HeldAgainst(owner, now, tokenHash) && stale is null,
        });

        // Only a run about to take the lock asks: the peer read guards that one write, and costs the others nothing.
        string? peerNote = null;
        if (outcome.Acts && peerRegion is not null)
        {
            var peer = await CheckPeerAsync(aws, tableName, peerRegion, owner, tokenHash, control, entryPoints, leaseHorizon, health, now, context,
                cancellationToken);
            outcome = peer.Stop ?? outcome;
            peerNote = peer.Note;
        }

        // A lock these functions did not write is no execution's lock: the next acting run takes it over, and someone should look.
        var notes = new List<string>();
        if (flag.Note is not null) notes.Add(flag.Note);
        var unreadableLock = control.Lock is { Unreadable: true };
        if (unreadableLock)
            notes.Add($"the lock in the control table is unreadable (owner {BoundedText.Of(control.Lock!.Owner, 80)}, lease {(control.Lock.LeaseExpiresAt is null ? "missing" : "set")}): " +
                      (outcome.Acts ? "taken over" : "it will be taken over by the next run that acts") + "; check what wrote it");
        if (peerNote is not null) notes.Add(peerNote);
        if (stale is not null)
            notes.Add($"the lock held by {BoundedText.Of(control.Lock!.Owner, 200)} is no lock ({stale}): " +
                      (outcome.Acts ? "taken over" : "the next run that acts takes it over") + "; check what wrote it");

        var lockId = "";
        if (outcome.Acts)
        {
            var claim = new LockClaim(owner, tokenHash, Wire.Of(action), Wire.Of(outcome.Decision), request.Source, requestReason,
                control.State?.Epoch, CheckEpoch: !control.EpochUnreadable, DeadOwner: stale is null ? null : control.Lock!.Owner);
            if (await table.TryAcquireLockAsync(claim, now, lease, cancellationToken, leaseHorizon)) lockId = request.LockId;
            else outcome = new DecisionOutcome(Decision.NoAction, "another execution took the lock, or recorded a transition, since the state was read",
                Alert: health != Health.Healthy);
        }
        else if (control.Lock is { Owner: { } mine, TokenHash: { } minesHash } && mine == owner && minesHash == tokenHash)
        {
            // A retried decide whose first attempt took the lock (its answer lost) and that now does not act: the run ends here,
            // and nothing else would release it before its lease ends. Only with the run's own token: naming a run is not enough.
            var released = await table.ReleaseLockAsync(tokenHash, owner, "NOT_ACTING", null, now, cancellationToken);
            context.Log.Info("not acting; this execution's own lock given back", ("released", released.Released), ("reason", released.Reason));
        }

        var alert = outcome.Alert || unreadableLock || flag.Alert || stale is not null;
        var condition = NoticeRepeat.Announces(outcome.Decision, alert) ? NoticeRepeat.Condition(outcome, flag, unreadableLock) : null;
        var notice = await NoticeAsync(aws, tableName, action, condition, owner, now, repeat, context, cancellationToken);

        var response = new DecideResponse
        {
            Decision = Wire.Of(outcome.Decision),
            Action = Wire.Of(action),
            Reason = notes.Count == 0 ? outcome.Reason : $"{outcome.Reason}; {string.Join("; ", notes)}",
            Source = request.Source,
            RequestReason = requestReason,
            Flag = new FlagView
            {
                Mode = Wire.Of(flag.Mode),
                Source = flag.FromOverride ? "override" : "default",
                Reason = flag.FromOverride ? flag.Override?.Reason : null,
                SetBy = flag.FromOverride ? flag.Override?.SetBy : null,
                ExpiresAt = flag.FromOverride ? flag.Override?.ExpiresAt?.ToString("O") : null,
            },
            Health = new HealthView
            {
                Status = Wire.Of(health),
                Confirmed = confirmed,
                Evidence = evidence.Select(e => new EvidenceView { Source = e.Source, Verdict = Wire.Of(e.Verdict), Detail = e.Detail }).ToList(),
            },
            LockId = lockId,
            Entry = EntryPoints.Name(entry),
            Claims = Claims(request, entry, evidence),
            Alert = alert,
            Notice = notice,
            PrimaryDesiredCount = primaryDesired,
        };

        try
        {
            // The record must end a second early, so that giving the lock back still has time for an attempt. It goes to
            // DECISION_TABLE_NAME when set (a strongly consistent control table has no TTL); the flag and the lock stay put.
            await clients.Until(context.StopBy - GiveBackTime).ControlTable(decisionTableName).RecordDecisionAsync(new DecisionRecord(response.Decision, response.Action, request.Source, requestReason, response.Reason,
                response.Flag.Mode, response.Health.Status, owner, response.Alert, JsonSerializer.Serialize(response.Health, FunctionsJson.Default.HealthView),
                response.Entry, JsonSerializer.Serialize(response.Claims, FunctionsJson.Default.IReadOnlyListClaimView)),
                now, keep, cancellationToken);
        }
        catch (FunctionException) when (lockId.Length > 0)
        {
            // Lock and record go together: a run that cannot record its decision must not keep a lock it will never release.
            await GiveBackAsync(table, tokenHash, owner, context, cancellationToken);
            throw;
        }
        context.Log.Info("decided", ("decision", response.Decision), ("action", response.Action), ("flag", response.Flag.Mode),
            ("health", response.Health.Status), ("reason", response.Reason), ("lockTaken", lockId.Length > 0), ("entry", response.Entry),
            ("source", BoundedText.Of(request.Source, 80)),
            ("notify", notice.Notify), ("nextReminderAt", notice.NextReminderAt));
        return response;
    }

    private static readonly TimeSpan GiveBackTime = TimeSpan.FromSeconds(1);

    /// What the input claimed and what became of it: the record keeps claims apart from what was verified.
    private static List<ClaimView> Claims(DecideRequest request, EntryPoint entry, IReadOnlyList<Evidence> evidence)
    {
        var claims = new List<ClaimView>
        {
            new() { Claim = "entry", Status = "verified", Detail = $"Step Functions says the {EntryPoints.Name(entry)} entry point runs this execution" },
            new() { Claim = "source", Status = "unverified", Detail = "a label from the input, recorded as given; it grants nothing" },
        };
        if (request.Force == true)
            claims.Add(entry == EntryPoint.Operator
                ? new() { Claim = "force", Status = "verified", Detail = "asked through the operators' entry point" }
                : new() { Claim = "force", Status = "refused", Detail = "a trigger's start never forces, whoever starts it" });
        if (entry == EntryPoint.Trigger)
            claims.Add(new() { Claim = "unattended", Status = "verified", Detail = "a trigger's start is unattended whatever its input says" });
        else if (request.Unattended == true)
            claims.Add(new() { Claim = "unattended", Status = "accepted", Detail = "taken as given: it can only lower the run's power" });
        if (evidence.FirstOrDefault(e => e.Source == HealthEvidence.TriggerSource) is { } alarm)
            claims.Add(new()
            {
                Claim = "alarm", Status = alarm.Verdict == Health.Unknown ? "unverified" : "verified", Detail = alarm.Detail,
            });
        return claims;
    }

    /// HEALTH_ANSWER_NAME and HEALTH_ANSWER_NAME_SERVERS (a JSON list, or commas), together; neither: no DNS evidence.
    private static HealthAnswerProbe? HealthAnswerFrom(Settings settings)
    {
        var name = settings.Optional(EnvNames.HealthAnswerName);
        var list = settings.Optional(EnvNames.HealthAnswerNameServers);
        if (name is null && list is null) return null;
        if (name is null || list is null)
        {
            settings.Problem($"{EnvNames.HealthAnswerName} and {EnvNames.HealthAnswerNameServers} go together");
            return null;
        }
        string[] entries;
        try
        {
            entries = list.TrimStart().StartsWith('[')
                ? System.Text.Json.JsonSerializer.Deserialize(list, FunctionsJson.Default.StringArray) ?? []
                : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        catch (JsonException)
        {
            settings.Problem($"{EnvNames.HealthAnswerNameServers} is neither a JSON list of name servers nor a comma list");
            return null;
        }
        try
        {
            DnsQuery.Encode(0, name);
        }
        catch (ArgumentException)
        {
            settings.Problem($"{EnvNames.HealthAnswerName} is not a DNS name (got {BoundedText.Of(name, 200)})");
            return null;
        }
        var servers = entries.Select(NameServer.Parse).ToList();
        if (servers.Count == 0 || servers.Any(x => x is null))
        {
            settings.Problem($"{EnvNames.HealthAnswerNameServers} must list name servers as host or host:port (got {BoundedText.Of(list, 200)})");
            return null;
        }
        return new HealthAnswerProbe(name, servers!);
    }

    /// The primary's desired count, or 0 when its region does not answer (the failover then scales to activeCount).
    private static async Task<int> PrimaryDesiredCountAsync(EcsClient ecs, string cluster, string service, InvocationContext context,
        CancellationToken cancellationToken)
    {
        try
        {
            return (await ecs.DescribeServiceAsync(cluster, service, cancellationToken)).DesiredCount;
        }
        catch (FunctionException e)
        {
            context.Log.Info("the primary's desired count is unreadable; the failover scales to the active count", ("errorType", e.ErrorType), ("error", e.Message));
            return 0;
        }
    }

    /// Whether this run announces: reads the last announcement of this action's condition, then records a new one (a conditional
    /// write, so two runs never both send a reminder) or clears it when the outcome announces nothing. A record that cannot be
    /// read or written never silences a notice: the run announces, and says every run will until the record works again. The
    /// read and the write share the peer read's budget (at most 2 s), so a failing table leaves the decision record its time.
    private async Task<NoticeView> NoticeAsync(AwsClients aws, string tableName, FailoverAction action, string? condition, string owner, DateTimeOffset now,
        TimeSpan repeat, InvocationContext context, CancellationToken cancellationToken)
    {
        var table = PeerBudgeted(aws, context).ControlTable(tableName);
        NoticePlan plan;
        try
        {
            plan = NoticeRepeat.Plan(condition, await table.GetNoticeAsync(action, cancellationToken), owner, now, repeat);
        }
        catch (FunctionException e)
        {
            context.Log.Error("notice record unreadable", ("errorType", e.ErrorType), ("error", e.Message), ("announcing", condition is not null));
            return condition is null
                ? new NoticeView { Notify = false, Reminder = $"nothing to announce (the record of announcements could not be read: {e.ErrorType})" }
                : new NoticeView { Notify = true, Reminder = NoticeRepeat.Unrecorded(e.ErrorType) };
        }
        try
        {
            if (plan.Clear) await table.ClearNoticeAsync(action, owner, now, cancellationToken);
            if (plan.Announce && !await table.TryAnnounceAsync(action, plan.Condition!, plan.FirstAnnouncedAt, owner, now, repeat, cancellationToken))
                return new NoticeView
                {
                    Notify = false, NextReminderAt = Attr.Iso(now + repeat),
                    Reminder = "another run announced this condition a moment ago; not repeated (a different condition is announced at once)",
                };
        }
        catch (FunctionException e) when (plan.Announce)
        {
            context.Log.Error("notice record not written; announcing anyway", ("errorType", e.ErrorType), ("error", e.Message));
            return new NoticeView { Notify = true, Reminder = NoticeRepeat.Unrecorded(e.ErrorType) };
        }
        catch (FunctionException e)
        {
            // Left in place, the ended condition's next occurrence waits for its reminder instead of being announced at once.
            context.Log.Error("notice record not cleared", ("errorType", e.ErrorType), ("error", e.Message));
            return new NoticeView { Notify = false, Reminder = $"{plan.Reminder} (not cleared: {e.ErrorType}; the next occurrence may wait for its reminder)" };
        }
        return new NoticeView { Notify = plan.Announce, Reminder = plan.Reminder, NextReminderAt = plan.NextReminderAt is { } next ? Attr.Iso(next) : null };
    }

    /// A strongly consistent GetItem in a well region answers in tens of milliseconds; 2 s leaves room for a retry, and at most
    /// a third of the time left keeps the lock and the record theirs. A peer region that is down costs this much, once.
    public static readonly TimeSpan PeerReadMaxBudget = TimeSpan.FromSeconds(2);

    /// The clients with calls ending within the peer read's budget from now.
    private AwsClients PeerBudgeted(AwsClients aws, InvocationContext context) => aws.Until(time.GetUtcNow() + PeerReadBudget(time.GetUtcNow(), context.StopBy));

    public static TimeSpan PeerReadBudget(DateTimeOffset now, DateTimeOffset stopBy)
    {
        var third = (stopBy - now) / 3;
        return third < TimeSpan.Zero ? TimeSpan.Zero : third < PeerReadMaxBudget ? third : PeerReadMaxBudget;
    }

    /// Eventual mode: a condition is checked in the receiving replica alone, so a lock taken (or a transition recorded) in the
    /// peer region may not have replicated here yet. One strongly consistent read of the peer's state item, read as the local one
    /// is (same expiry and unreadable rules), closes most of that window; a peer that cannot be read (it may be the region that
    /// is down) does not stop a failover, and the reason says the check was skipped.
    private async Task<(DecisionOutcome? Stop, string? Note)> CheckPeerAsync(AwsClients aws, string tableName, string peerRegion, string owner,
        string tokenHash, ControlItem local, EntryPoints entryPoints, TimeSpan leaseHorizon, Health health, DateTimeOffset now, InvocationContext context,
        CancellationToken cancellationToken)
    {
        ControlItem peer;
        try
        {
            var budget = PeerReadBudget(time.GetUtcNow(), context.StopBy);
            peer = await aws.Until(time.GetUtcNow() + budget).ControlTable(tableName, peerRegion).GetControlAsync(now, cancellationToken, leaseHorizon);
        }
        catch (FunctionException e)
        {
            context.Log.Info("peer replica unreadable; acting on this region's replica alone", ("peerRegion", peerRegion), ("errorType", e.ErrorType),
                ("error", e.Message));
            return (null, $"peer replica in {peerRegion} unreadable ({e.ErrorType}): acting on this region's replica alone");
        }
        // Not acting with the primary in doubt is announced, like every other NO_ACTION (DecisionTable.NotActing).
        var inDoubt = health != Health.Healthy;
        if (peer.Lock is { } holder && holder.HeldAgainst(owner, now, tokenHash))
        {
            // The same rule as for this replica's lock: one whose run has ended holds nothing (it will replicate here and be taken over).
            var dead = await entryPoints.DeadOwnerAsync(PeerBudgeted(aws, context), holder.Owner!, context,
                cancellationToken);
            if (dead is null)
                return (new DecisionOutcome(Decision.NoAction, "another execution holds the lock in the peer region's replica " +
                    $"({BoundedText.Of(holder.Owner, 200)} in {peerRegion}); eventual consistency: not acting", Alert: inDoubt), null);
            return (null, $"the lock in the peer region's replica held by {BoundedText.Of(holder.Owner, 200)} is no lock ({dead}); check what wrote it");
        }
        if (peer.State?.Epoch is { } peerEpoch && !local.EpochUnreadable && peerEpoch > (local.State?.Epoch ?? 0))
            return (new DecisionOutcome(Decision.NoAction, $"the peer region's replica ({peerRegion}) has recorded a transition (epoch {peerEpoch}) " +
                $"that this region's replica (epoch {local.State?.Epoch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}) has not seen; " +
                "eventual consistency: the decision is stale, not acting", Alert: inDoubt), null);
        return (null, null);
    }

    private async Task GiveBackAsync(ControlTableClient table, string tokenHash, string owner, InvocationContext context, CancellationToken cancellationToken)
    {
        try
        {
            var released = await table.ReleaseLockAsync(tokenHash, owner, "DECISION_NOT_RECORDED", null, time.GetUtcNow(), cancellationToken);
            context.Log.Error("decision not recorded; lock given back", ("released", released.Released), ("reason", released.Reason));
        }
        catch (FunctionException e)
        {
            // The next run takes it over once this run has ended (its owner is then no running execution), or the lease ends.
            context.Log.Error("decision not recorded and the lock could not be given back", ("errorType", e.ErrorType), ("executionId", owner));
        }
    }
}
