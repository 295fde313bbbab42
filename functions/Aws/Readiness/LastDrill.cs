using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// The newest drill that succeeded, as release-lock recorded it in the decision log: what the two drill checks judge.
internal static class LastDrill
{
    /// Null when none is recorded. The decision log is read in the stack's own region, as its functions write it.
    public static Task<RunRecord?> ReadAsync(ReadinessContext context, CancellationToken ct) =>
        new ControlTableClient(new DynamoDbClient(context.Aws, context.Plan.Region), context.Plan.DecisionTableName).GetLastSucceededDrillAsync(ct);
}
