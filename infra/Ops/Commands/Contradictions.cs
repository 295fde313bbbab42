using Failover.Functions.Aws;
using Failover.Ops.Aws;
using Failover.Ops.Pulumi;

namespace Failover.Ops.Commands;

/// What `status` read, as far as the contradiction checks need it; null where a reading failed (a failed reading contradicts
/// nothing: it is reported as unknown on its own).
public sealed record StatusFacts
{
    public required DeployedStack Primary { get; init; }
    public required DeployedStack Secondary { get; init; }
    public required GatePosition? PrimaryGate { get; init; }
    public required GatePosition? SecondaryGate { get; init; }
    /// Each replica of the control table that answered, by region.
    public required IReadOnlyList<(string Region, ControlItem Control)> Replicas { get; init; }
    /// The stack Route 53 answers with, when status could tell.
    public required DeployedStack? Serving { get; init; }
    public required EcsClient.Service? ServingService { get; init; }
    /// The recent runs of both regions' workflows.
    public required IReadOnlyList<Execution> Runs { get; init; }
    public required DateTimeOffset Now { get; init; }
}

/// Readings that cannot all be true, each said in one sentence with its likely cause: side by side in a table, an operator in an
/// incident reads past them. They do not change status's exit code (0): status is a read, and a pipeline that polls it must
/// not break on the very state it watches; the JSON document carries them (`contradictions`) for one that wants to branch.
public static class Contradictions
{
    public static IReadOnlyList<string> Find(StatusFacts facts)
    {
        var found = new List<string>();
        var (p, q) = (facts.Primary, facts.Secondary);
        var now = facts.Now;
        // A run moves the gate first and records the transition when it releases its lock: while one holds it, the two may differ.
        var inFlight = facts.Replicas.Any(r => r.Control.Lock is { Unreadable: false } l && l.LeaseExpiresAt > now);
        foreach (var (region, control) in inFlight ? [] : facts.Replicas)
        {
            // No transition recorded: the primary's region is the active one, as decide and the release guard read it.
            var active = control.State is null ? p.Region : control.State.ActiveRegion;
            var table = facts.Replicas.Count == 1 ? "the control table" : $"the control table's replica in {region}";
            var says = control.State is null ? "records no failover" : $"says {active} is active";
            if (facts.PrimaryGate is { Closed: true } && active == p.Region)
                found.Add($"{p.Stack}'s gate is closed, so Route 53 sends traffic to {q.Stack} ({q.Region}), but {table} {says}: " +
                    "a run moved traffic without recording it, or someone closed the gate by hand");
            if (facts.PrimaryGate is { Closed: false } && active == q.Region)
                found.Add($"{p.Stack}'s gate is open, so Route 53 may send traffic to {p.Stack} ({p.Region}), but {table} says {q.Region} is active: " +
                    "someone opened the gate by hand, or a failback moved traffic without recording it");
        }
        if (facts.PrimaryGate is { Closed: true } && facts.SecondaryGate is { Closed: true })
            found.Add($"both gates are closed, which no run does: Route 53 then answers with {p.Stack}'s record although its gate says not to");
        if (facts.Serving is { } serving && facts.ServingService is { RunningCount: 0 } service)
            found.Add($"{serving.Stack} ({serving.Region}) serves traffic but runs 0 tasks (desired {service.DesiredCount}): its requests fail until tasks start");
        foreach (var holder in facts.Replicas.Select(r => r.Control.Lock).OfType<LockHolder>().Where(l => !l.Unreadable).DistinctBy(l => l.Owner))
        {
            var run = facts.Runs.FirstOrDefault(r => r.Arn == holder.Owner);
            var lease = holder.LeaseExpiresAt!.Value;
            if (run is { Status: not "RUNNING" } && lease > now)
                found.Add($"the lock is held by run {run.Name} until {Attr.Iso(lease)}, but that run has ended ({run.Status}): deploy refuses until then " +
                    "(the next run takes the lock over)");
            if (run is { Status: "RUNNING" } && lease <= now)
                found.Add($"run {run.Name} is still running, but its lock's lease ended at {Attr.Iso(lease)}: another run could take the lock and act at the same time");
        }
        return [.. found.Distinct()];
    }
}
