using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// The primary's traffic gate, which Route 53 obeys, against the region the control table records as active (open while the
/// primary serves, closed once failed over): a gate moved by hand, or a run that moved it and lost its lock before recording
/// the transition, leaves the next decision starting from a state that is not the one traffic is in.
public sealed class GateAgreesCheck : IReadinessCheck
{
    public string Name => CheckNames.GateAgrees;

    public async Task<CheckResult> RunAsync(ReadinessContext context, CancellationToken ct)
    {
        var plan = context.Plan;
        var now = context.Time.GetUtcNow();
        var primaryRegion = plan.Role == "primary" ? plan.Region : plan.PeerRegion;
        // A secondary whose ARC cluster the primary created has the endpoints only in the primary's plan (Pulumi YAML cannot
        // parse the primary's JSON output into this plan): read them there.
        var gateRef = plan.PrimaryGate.ClusterEndpoints is null && context.Peer?.PrimaryGate.ClusterEndpoints is { } endpoints
            ? plan.PrimaryGate with { ClusterEndpoints = endpoints }
            : plan.PrimaryGate;
        var gateRead = new GateReader(context.Aws).ReadAsync(gateRef, ct);
        var controlRead = new ControlTableClient(new DynamoDbClient(context.Aws, plan.Region), plan.ControlTableName).GetControlAsync(now, ct);
        var (gate, control) = (await gateRead, await controlRead);

        // A pair that has never moved has no transition recorded: the primary serves, as the stacks were deployed.
        var active = control.State is null ? primaryRegion : control.State.ActiveRegion;
        if (active is null)
            return this.Says(CheckStatus.Unknown, $"the control table's state item in {plan.Region} records transitions but no activeRegion, so the gate ({gate.Word}) has nothing to agree with");
        var failedOver = active != primaryRegion;
        var position = $"the primary's gate is {gate.Word} ({Where(gateRef)})";
        var recorded = $"the control table records {active} ({(failedOver ? "failed over" : "the primary")}) as active";
        if (gate.Closed == failedOver) return this.Says(CheckStatus.Pass, $"{position} and {recorded}");

        // A run closes or opens the gate first and records the transition when it releases the lock: in between, the two differ.
        if (control.Lock is { Unreadable: false } held && held.LeaseExpiresAt >= now)
            return this.Says(CheckStatus.Pass, $"{position} but {recorded}, while {held.Owner} holds the lock for {held.Action ?? "an unrecorded action"} " +
                $"(lease until {Attr.Iso(held.LeaseExpiresAt!.Value)}): a run records the transition only when it releases the lock");
        return this.Says(CheckStatus.Fail, $"{position} but {recorded}, and no run holds the lock: Route 53 sends traffic " +
            $"{(gate.Closed ? "away from" : "to")} the primary while the next decision starts from the table");
    }

    private static string Where(GateRef gate) => gate.Kind == TrafficGateModes.Metric ? $"{gate.Kind}, switched in {gate.SwitchRegion}" : gate.Kind;
}
