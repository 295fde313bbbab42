using System.Text.Json;
using Failover.Functions.Aws;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// `decide`: reads the flag and the evidence, applies the decision table, takes the lock when it acts, records the decision.
public sealed class DecideHandler(Func<string, string?> env, AwsClients aws, TimeProvider time)
{
    public async Task<DecideResponse> HandleAsync(DecideRequest request, InvocationContext context, CancellationToken cancellationToken)
    {
        var action = Vocabulary.ParseAction(request.Action);
        if (string.IsNullOrWhiteSpace(request.Source)) throw new InvalidInputException("'source' is required: who or what started this run (alarm, schedule, operator name).");

        var s = new Settings(env, HandlerNames.Decide);
        var tableName = s.Required(EnvNames.ControlTableName);
        var defaultFlag = s.Flag(EnvNames.DefaultFlag);
        var primaryRegion = s.Required(EnvNames.PrimaryRegion);
        var secondaryRegion = s.Required(EnvNames.SecondaryRegion);
        var endpointCheck = s.Optional(EnvNames.PrimaryEndpointHealthCheckId);
        var alarmNames = s.List(EnvNames.PrimaryAlarmNames);
        // 15 min: longer than a flapping alarm's cycle, shorter than an on-call response.
        var cooldown = TimeSpan.FromSeconds(s.Int(EnvNames.CooldownSeconds, 900));
        // 1 h: outlasts the slowest workflow (scale-up wait loop); an orphaned lock frees itself.
        var lease = TimeSpan.FromSeconds(s.Int(EnvNames.LockLeaseSeconds, 3600, min: 60));
        var keep = TimeSpan.FromDays(s.Int(EnvNames.DecisionTtlDays, 90, min: 1));
        s.ThrowIfInvalid();

        var owner = string.IsNullOrWhiteSpace(request.ExecutionId) ? context.RequestId : request.ExecutionId;
        var table = aws.ControlTable(tableName);
        var now = time.GetUtcNow();

        var flag = FlagResolver.Resolve(await table.GetFlagAsync(cancellationToken), defaultFlag, now);
        var state = await table.GetStateAsync(cancellationToken);
        var holder = await table.GetLockAsync(cancellationToken);
        var evidence = await new HealthEvidence(aws.Route53, alarmNames.Count > 0 ? aws.CloudWatch(primaryRegion) : null, endpointCheck, alarmNames)
            .GatherAsync(request.Alarm, cancellationToken);
        var health = HealthEvidence.Combine(evidence);

        var activeRegion = state?.ActiveRegion ?? primaryRegion;
        var outcome = DecisionTable.Decide(new DecisionInput
        {
            Action = action,
            Flag = flag.Mode,
            ForceRequested = request.Force == true,
            Health = health,
            AlreadyDone = action == FailoverAction.Failback ? activeRegion == primaryRegion : activeRegion == secondaryRegion,
            InCooldown = state?.LastTransitionAt is { } last && now - last < cooldown,
            LockedByOther = holder is not null && holder.HeldAgainst(owner, now),
        });

        string? lockId = null;
        if (outcome.Acts)
        {
            if (await table.TryAcquireLockAsync(owner, Wire.Of(action), now, lease, cancellationToken)) lockId = owner;
            else outcome = new DecisionOutcome(Decision.NoAction, "another execution took the lock first");
        }

        var response = new DecideResponse
        {
            Decision = Wire.Of(outcome.Decision),
            Action = Wire.Of(action),
            Reason = flag.Note is null ? outcome.Reason : $"{outcome.Reason}; {flag.Note}",
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
                Evidence = evidence.Select(e => new EvidenceView { Source = e.Source, Verdict = Wire.Of(e.Verdict), Detail = e.Detail }).ToList(),
            },
            LockId = lockId,
            Alert = outcome.Alert,
        };

        await table.RecordDecisionAsync(new DecisionRecord(response.Decision, response.Action, request.Source, response.Reason, response.Flag.Mode,
            response.Health.Status, owner, JsonSerializer.Serialize(response.Health, FunctionsJson.Default.HealthView)), now, keep, cancellationToken);
        context.Log.Info("decided", ("decision", response.Decision), ("action", response.Action), ("flag", response.Flag.Mode),
            ("health", response.Health.Status), ("reason", response.Reason), ("lockId", lockId));
        return response;
    }
}
