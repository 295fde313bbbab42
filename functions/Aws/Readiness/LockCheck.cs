using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// The control table's lock is free, or held by a run that is still running within its lease. A lock past its lease or held
/// by an ended run is taken over by the next decide, but says that a run died mid-transition and left the pair in between.
public sealed class LockCheck : IReadinessCheck
{
    public string Name => CheckNames.Lock;

    public async Task<CheckResult> RunAsync(ReadinessContext context, CancellationToken ct)
    {
        var plan = context.Plan;
        var now = context.Time.GetUtcNow();
        var control = await new ControlTableClient(new DynamoDbClient(context.Aws, plan.Region), plan.ControlTableName).GetControlAsync(now, ct);
        if (control.Lock is not { } held) return this.Says(CheckStatus.Pass, $"no lock is held (control table {plan.ControlTableName} in {plan.Region})");
        if (held.Unreadable)
            return this.Says(CheckStatus.Fail, $"the lock in {plan.ControlTableName} ({plan.Region}) has {(held.Owner is null ? "no lockOwner" : $"owner {held.Owner}")} and " +
                $"{(held.LeaseExpiresAt is null ? "no readable lockLeaseExpiresAt" : $"a lease until {Attr.Iso(held.LeaseExpiresAt.Value)}")}: these functions never write such a lock; remove it");

        var lease = held.LeaseExpiresAt!.Value;
        var taken = $"held by {held.Owner} for {held.Action ?? "an unrecorded action"}";
        if (lease.ToUnixTimeSeconds() < now.ToUnixTimeSeconds())
            return this.Says(CheckStatus.Fail, $"the lock is {taken} past its lease, which ended at {Attr.Iso(lease)} ({(int)(now - lease).TotalMinutes} min ago): the run stopped renewing it");

        // The owner is the execution ARN; Step Functions is asked in the region that ARN names (the other stack's run lives there).
        if (StepFunctionsClient.RegionOf(held.Owner!) is not { } region)
            return this.Says(CheckStatus.Fail, $"the lock is {taken}, which is no Step Functions execution ARN: no run of these workflows holds it");
        var execution = await new StepFunctionsClient(context.Aws, region).DescribeExecutionAsync(held.Owner!, ct);
        return execution switch
        {
            null => this.Says(CheckStatus.Fail, $"the lock is {taken}, an execution Step Functions in {region} does not know, until {Attr.Iso(lease)}"),
            { Status: not "RUNNING" } => this.Says(CheckStatus.Fail, $"the lock is {taken}, which is {execution.Status}, not RUNNING, until {Attr.Iso(lease)}: the run ended without releasing it"),
            _ => this.Says(CheckStatus.Pass, $"the lock is {taken}, which is RUNNING, within its lease (until {Attr.Iso(lease)})"),
        };
    }
}
