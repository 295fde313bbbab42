using Failover.Functions.Aws;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// What every function that moves traffic or scales asks first: does this request carry the token of the lock held for its
/// action (a strongly consistent read)? Lambda cannot refuse other principals of the account, so the token is what confines
/// these functions to the run that decide let act; a direct invocation, or a run whose lock was taken over, changes nothing.
public static class LockGuard
{
    /// Throws LockNotHeld unless the lock held now is the one `lockId` is the token of, taken for `action`. The token is never
    /// echoed: an error message ends up in the execution's history and the FAILED notice.
    public static async Task RequireAsync(AwsClients aws, string tableName, string? lockId, FailoverAction action, string handler,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(lockId))
            throw new LockNotHeldException($"{handler} acts only for the run that holds the control table's lock for {Wire.Of(action)}, and the request " +
                "carries no lockId (decide's token); nothing was changed");
        if (lockId.Length > InputLimits.Id) throw new InvalidInputException($"'lockId' is {lockId.Length} characters, over the limit of {InputLimits.Id}. Nothing was done.");
        var (holds, why) = await aws.ControlTable(tableName).HoldsLockAsync(LockToken.Hash(lockId), Wire.Of(action), cancellationToken);
        if (!holds)
            throw new LockNotHeldException($"{handler} refused: the request's lockId is not the token of the lock held for {Wire.Of(action)} ({why}); " +
                "nothing was changed");
    }
}
