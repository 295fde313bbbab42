using Failover.Functions.Aws;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// `release-lock`: the workflow's last step, on success and on failure: records a completed transition, then gives the lock back.
public sealed class ReleaseLockHandler(Func<string, string?> env, AwsClients aws, TimeProvider time)
{
    public async Task<ReleaseLockResponse> HandleAsync(ReleaseLockRequest request, InvocationContext context, CancellationToken cancellationToken)
    {
        var action = Vocabulary.ParseAction(request.Action);
        if (string.IsNullOrWhiteSpace(request.LockId)) throw new InvalidInputException("'lockId' is required: the lockId decide returned.");
        var succeeded = request.Outcome?.Trim().ToUpperInvariant() switch
        {
            "SUCCEEDED" => true,
            "FAILED" => false,
            _ => throw new InvalidInputException($"'outcome' must be SUCCEEDED or FAILED (got '{request.Outcome}')."),
        };
        var s = new Settings(env, HandlerNames.ReleaseLock);
        var tableName = s.Required(EnvNames.ControlTableName);
        var primaryRegion = s.Required(EnvNames.PrimaryRegion);
        var secondaryRegion = s.Required(EnvNames.SecondaryRegion);
        s.ThrowIfInvalid();

        var table = aws.ControlTable(tableName);
        string? activeRegion = null;
        long? epoch = null;
        if (succeeded && action != FailoverAction.Drill)
        {
            activeRegion = action == FailoverAction.Failover ? secondaryRegion : primaryRegion;
            epoch = await table.RecordTransitionAsync(activeRegion, Wire.Of(action), request.LockId, time.GetUtcNow(), cancellationToken);
        }
        var released = await table.ReleaseLockAsync(request.LockId, cancellationToken);
        context.Log.Info("lock released", ("lockId", request.LockId), ("released", released), ("activeRegion", activeRegion), ("epoch", epoch));
        return new ReleaseLockResponse { Released = released, StateRecorded = epoch is not null, ActiveRegion = activeRegion, Epoch = epoch ?? 0 };
    }
}
