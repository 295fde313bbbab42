using Failover.Functions.Aws;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// `release-lock`: the workflow's last step, on success and on failure. Records a completed transition and gives the lock back in
/// one conditional write, only for the lock's owner; a retried call answers as the first did and changes nothing.
public sealed class ReleaseLockHandler(Func<string, string?> env, AwsClients clients, TimeProvider time)
{
    public async Task<ReleaseLockResponse> HandleAsync(ReleaseLockRequest request, InvocationContext context, CancellationToken cancellationToken)
    {
        var action = Vocabulary.ParseAction(request.Action);
        if (string.IsNullOrWhiteSpace(request.LockId)) throw new InvalidInputException("'lockId' is required: the lockId decide returned.");
        new InputLimits.Check().Text("lockId", request.LockId, InputLimits.Id).ThrowIfAny();
        var succeeded = request.Outcome?.Trim().ToUpperInvariant() switch
        {
            "SUCCEEDED" => true,
            "FAILED" => false,
            _ => throw new InvalidInputException($"'outcome' must be SUCCEEDED or FAILED (got {Echo.Of(request.Outcome)})."),
        };
        var s = new Settings(env, HandlerNames.ReleaseLock);
        var tableName = s.Required(EnvNames.ControlTableName);
        var primaryRegion = s.Required(EnvNames.PrimaryRegion);
        var secondaryRegion = s.Required(EnvNames.SecondaryRegion);
        s.ThrowIfInvalid();

        // A drill moves no traffic and a failed run moved none for certain: neither is a transition.
        var transition = succeeded && action != FailoverAction.Drill
            ? new Transition(action == FailoverAction.Failover ? secondaryRegion : primaryRegion, Wire.Of(action))
            : null;
        var table = clients.Until(context.StopBy).ControlTable(tableName);
        var outcome = await table.ReleaseLockAsync(request.LockId, succeeded ? "SUCCEEDED" : "FAILED", transition, time.GetUtcNow(), cancellationToken);
        context.Log.Info("release-lock", ("lockId", Echo.Of(request.LockId, 200)), ("released", outcome.Released), ("stateRecorded", outcome.StateRecorded),
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
}
