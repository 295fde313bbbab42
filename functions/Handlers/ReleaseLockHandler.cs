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
        var s = new Settings(env);
        var tableName = s.Required("CONTROL_TABLE_NAME");
        var primaryRegion = s.Required("PRIMARY_REGION");
        var secondaryRegion = s.Required("SECONDARY_REGION");
        s.ThrowIfInvalid("release-lock");

        var table = aws.ControlTable(tableName);
        ControlState? state = null;
        if (succeeded && action != FailoverAction.Drill)
        {
            var active = action == FailoverAction.Failover ? secondaryRegion : primaryRegion;
            state = await table.RecordTransitionAsync(active, action.Wire(), request.LockId, time.GetUtcNow(), cancellationToken);
        }
        var released = await table.ReleaseLockAsync(request.LockId, cancellationToken);
        context.Log.Info("lock released", ("lockId", request.LockId), ("released", released), ("activeRegion", state?.ActiveRegion));
        return new ReleaseLockResponse { Released = released, StateRecorded = state is not null, ActiveRegion = state?.ActiveRegion, Epoch = state?.Epoch ?? 0 };
    }
}
