using Failover.Functions.Aws;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// `release-lock`: the workflow's last step, on success and on failure. Records a completed transition and gives the lock back in
/// one conditional write, only for the lock's owner; a retried call answers as the first did and changes nothing. Between phases
/// (outcome RENEW) it moves the lease to cover the next phase only, so a run that dies frees the lock within that phase's bound;
/// a run that finds its lock gone stops (LockLost) before acting again.
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
        settings.ThrowIfInvalid();
        var tokenHash = LockToken.Hash(request.LockId);
        if (outcomeName == Renew) return await RenewAsync(tokenHash, action, TimeSpan.FromSeconds(request.LeaseSeconds!.Value), tableName, context, cancellationToken);
        var succeeded = outcomeName == "SUCCEEDED";

        // A drill moves no traffic and a failed run moved none for certain: neither is a transition.
        var transition = succeeded && action != FailoverAction.Drill
            ? new Transition(action == FailoverAction.Failover ? secondaryRegion : primaryRegion, Wire.Of(action))
            : null;
        var table = clients.Until(context.StopBy).ControlTable(tableName);
        var outcome = await table.ReleaseLockAsync(tokenHash, request.ExecutionId, succeeded ? "SUCCEEDED" : "FAILED", transition, time.GetUtcNow(), cancellationToken);
        context.Log.Info("release-lock", ("executionId", BoundedText.Of(request.ExecutionId, 200)), ("released", outcome.Released), ("stateRecorded", outcome.StateRecorded),
            ("activeRegion", outcome.ActiveRegion), ("epoch", outcome.Epoch), ("reason", outcome.Reason));
        return new ReleaseLockResponse
        {
            Released = outcome.Released,
            StateRecorded = outcome.StateRecorded,
            Reason = outcome.Reason,
            ActiveRegion = outcome.ActiveRegion,
            Epoch = outcome.Epoch ?? 0,
        };
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
            Released = false, StateRecorded = false, Reason = $"lease renewed until {until.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}", Epoch = 0,
        };
    }
}
