using Failover.Contract.Readiness;
using Failover.Functions.Aws;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// `release-lock`: the workflow's last step, on success and on failure. Records a completed transition and gives the lock back in
/// one conditional write, only for the lock's owner; a retried call answers as the first did and changes nothing. Between phases
/// (outcome RENEW) it moves the lease to cover the next phase only, so a run that dies frees the lock within that phase's bound;
/// a run that finds its lock gone stops (LockLost) before acting again. At a run's final release it then records the run as measured
/// (RunMeasurement) in the decision log; a record that cannot be written is logged and reported, never a failed release.
public sealed class ReleaseLockHandler(Func<string, string?> env, AwsClients clients, TimeProvider time)
{
    public async Task<ReleaseLockResponse> HandleAsync(ReleaseLockRequest request, InvocationContext context, CancellationToken cancellationToken)
    {
        var action = Vocabulary.ParseAction(request.Action);
        if (string.IsNullOrWhiteSpace(request.LockId)) throw new InvalidInputException("'lockId' is required: the run's lock token.");
        if (string.IsNullOrWhiteSpace(request.ExecutionId)) throw new InvalidInputException("'executionId' is required: the execution releasing, for the record.");
        new InputLimits.Check().Text("lockId", request.LockId, InputLimits.Id).Text("executionId", request.ExecutionId, InputLimits.Id).ThrowIfAny();
        var outcomeName = request.Outcome?.Trim().ToUpperInvariant();
        if (outcomeName is not ("SUCCEEDED" or "FAILED" or Renew))
            throw new InvalidInputException($"'outcome' must be SUCCEEDED, FAILED or {Renew} (got {BoundedText.Of(request.Outcome)}).");
        if (outcomeName == Renew && request.LeaseSeconds is not (>= MinLeaseSeconds and <= MaxLeaseSeconds))
            throw new InvalidInputException($"'leaseSeconds' must be a whole number of seconds from {MinLeaseSeconds} to {MaxLeaseSeconds} with {Renew} " +
                $"(got {(request.LeaseSeconds is { } given ? given.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}).");
        var settings = new Settings(env, FunctionContract.ReleaseLock);
        var tableName = settings.Required(EnvNames.ControlTableName);
        var primaryRegion = settings.Required(EnvNames.PrimaryRegion);
        var secondaryRegion = settings.Required(EnvNames.SecondaryRegion);
        var stack = settings.Required(EnvNames.StackPrefix);
        var logTableName = settings.Optional(EnvNames.DecisionTableName) ?? tableName;
        settings.ThrowIfInvalid();
        var tokenHash = LockToken.Hash(request.LockId);
        if (outcomeName == Renew) return await RenewAsync(tokenHash, action, TimeSpan.FromSeconds(request.LeaseSeconds!.Value), tableName, context, cancellationToken);
        var succeeded = outcomeName == "SUCCEEDED";

        // A drill moves no traffic and a failed run moved none for certain: neither is a transition.
        var transition = succeeded && action != FailoverAction.Drill
            ? new Transition(action == FailoverAction.Failover ? secondaryRegion : primaryRegion, Wire.Of(action))
            : null;
        var aws = clients.Until(context.StopBy);
        var outcomeText = succeeded ? "SUCCEEDED" : "FAILED";
        var outcome = await aws.ControlTable(tableName).ReleaseLockAsync(tokenHash, request.ExecutionId, outcomeText, transition, time.GetUtcNow(), cancellationToken);
        context.Log.Info("release-lock", ("executionId", BoundedText.Of(request.ExecutionId, 200)), ("released", outcome.Released), ("stateRecorded", outcome.StateRecorded),
            ("activeRegion", outcome.ActiveRegion), ("epoch", outcome.Epoch), ("reason", outcome.Reason));
        // Only a run that held the lock to its end is measured: one that never took it did nothing, and one whose lock was taken
        // over shares the index with the run that took it.
        var (recorded, why) = outcome.Released
            ? await RecordAsync(aws.RunLog(logTableName), RunMeasurement.Measure(request.ExecutionId, action, stack, outcomeText, request.Request, request.Timings,
                time.GetUtcNow()), context, cancellationToken)
            : (false, null);
        return new ReleaseLockResponse
        {
            Released = outcome.Released,
            StateRecorded = outcome.StateRecorded,
            Reason = why is null ? outcome.Reason : $"{outcome.Reason}; {why}",
            ActiveRegion = outcome.ActiveRegion,
            Epoch = outcome.Epoch ?? 0,
            Recorded = recorded,
        };
    }

    /// Writes the run's record onto its decision record and into the run index. The lock is already released: whatever goes wrong
    /// here is logged and answered as a sentence, never thrown, so neither the release nor the run fails for a measurement.
    private static async Task<(bool Recorded, string? Why)> RecordAsync(RunLogClient log, RunRecord? record, InvocationContext context,
        CancellationToken cancellationToken)
    {
        if (record is null) return (false, "the run was not measured: the request carries no start time (timings.started.at)");
        try
        {
            var onDecision = await log.MeasureDecisionAsync(record, cancellationToken);
            var index = await log.AddAsync(record, cancellationToken);
            context.Log.Info("run recorded", ("execution", BoundedText.Of(record.Execution, 200)), ("onDecision", onDecision), ("inIndex", index is not null),
                ("phases", string.Join(", ", record.Phases.Select(p => $"{p.Key}={p.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}"))));
            if (index is null)
                return (onDecision, $"{(onDecision ? "run recorded on its decision record only" : "run not recorded")}: the run index changed under each of " +
                    $"{RunLogClient.IndexAttempts} writes");
            return (true, onDecision ? "run recorded" : "run recorded in the run index only: decide left no decision record to measure");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.Log.Error("run not recorded", ("execution", BoundedText.Of(record.Execution, 200)), ("error", e.GetType().Name), ("message", BoundedText.Of(e.Message, 500)));
            return (false, $"run not recorded ({e.GetType().Name}: {BoundedText.Of(e.Message, 300)}); the lock is released all the same");
        }
    }

    private const string Renew = "RENEW";
    private const int MinLeaseSeconds = 60;
    /// A day, as decide's first lease: the control table reads a lease further ahead than two days as none.
    private const int MaxLeaseSeconds = 86400;

    private async Task<ReleaseLockResponse> RenewAsync(string tokenHash, FailoverAction action, TimeSpan lease, string tableName, InvocationContext context,
        CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow() + lease;
        if (!await clients.Until(context.StopBy).ControlTable(tableName).RenewLockAsync(tokenHash, Wire.Of(action), until, cancellationToken))
            throw new LockLostException($"the lock for {Wire.Of(action)} is no longer held with this run's token (released, or taken over after its lease " +
                "ended): this run must not go on; nothing was changed");
        context.Log.Info("lease renewed", ("action", Wire.Of(action)), ("until", until.ToString("O")));
        return new ReleaseLockResponse
        {
            Released = false, StateRecorded = false, Reason = $"lease renewed until {until.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}", Epoch = 0, Recorded = false,
        };
    }
}
