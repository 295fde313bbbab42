using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// The newest drill that succeeded, as release-lock recorded it in the decision log: what the two drill checks judge.
internal static class LastDrill
{
    /// Null when none is recorded; one recorded that is no run record throws (RunLogClient.GetIndexAsync), so the check is
    /// unknown. The decision log is read in the stack's own region, as its functions write it.
    public static async Task<RunRecord?> ReadAsync(ReadinessContext context, CancellationToken ct) =>
        (await new RunLogClient(new DynamoDbClient(context.Aws, context.Plan.Region), context.Plan.DecisionTableName).GetIndexAsync(ct)).LastSucceededDrill;
}
