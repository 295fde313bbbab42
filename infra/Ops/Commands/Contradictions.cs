using System.Text.Json.Nodes;
using Failover.Contract;
using Failover.Functions.Aws;
using Failover.Infra.Health;
using Failover.Ops.Aws;
using Failover.Ops.Pulumi;
using static Failover.Ops.Cli.JsonText;

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
    /// How long after a run moved a metric gate its alarm may still show the gate where it was: a close is judged at the end of
    /// the period it was published in, a failback's open is published only at the start of the next period (docs/design.md,
    /// Traffic gates), so two alarm periods, and a minute for the alarm's own evaluation to land.
    public static readonly TimeSpan MetricGateLag = TimeSpan.FromSeconds(2 * TrafficGate.AlarmPeriodSeconds + 60);

    /// The run that moved the primary's metric gate so recently that its alarm may not show it yet, and until when; null when
    /// there is none (or the gate is not a metric one, whose reading does not lag).
    public static (Execution Run, DateTimeOffset Until)? GateMayLag(StatusFacts facts)
    {
        if (!facts.Primary.Gate.IsMetric || Shifts(facts.Runs).FirstOrDefault() is not { Run.StopDate: { } stopped } last) return null;
        var until = stopped + MetricGateLag;
        return until > facts.Now ? (last.Run, until) : null;
    }

    public static IReadOnlyList<string> Find(StatusFacts facts)
    {
        var found = new List<string>();
        var (p, q) = (facts.Primary, facts.Secondary);
        var now = facts.Now;
        // A run moves the gate first and records the transition when it releases its lock: while one holds it, the two may differ;
        // and right after, a metric gate's alarm may still show where the gate was.
        var unsettled = facts.Replicas.Any(r => r.Control.Lock is { Unreadable: false } l && l.LeaseExpiresAt > now) || GateMayLag(facts) is not null;
        var bothClosed = facts.PrimaryGate is { Closed: true } && facts.SecondaryGate is { Closed: true };
        foreach (var (region, control) in unsettled ? [] : facts.Replicas)
        {
            // No transition recorded: the primary's region is the active one, as decide and the release guard read it.
            var active = control.State is null ? p.Region : control.State.ActiveRegion;
            var table = facts.Replicas.Count == 1 ? "the control table" : $"the control table's replica in {region}";
            var says = control.State is null ? "records no failover" : $"says {active} is active";
            // Both gates closed: Route 53 answers with the primary's record, as the table says; said below with its causes.
            if (facts.PrimaryGate is { Closed: true } && !bothClosed && active == p.Region)
                found.Add($"{p.Stack}'s gate is closed, so Route 53 sends traffic to {q.Stack} ({q.Region}), but {table} {says}: " +
                    "a run moved traffic without recording it, or someone closed the gate by hand");
            if (facts.PrimaryGate is { Closed: false } && active == q.Region)
                found.Add($"{p.Stack}'s gate is open, so Route 53 may send traffic to {p.Stack} ({p.Region}), but {table} says {q.Region} is active: " +
                    "someone opened the gate by hand, or a failback moved traffic without recording it");
        }
        if (bothClosed) found.Add(BothClosed(facts));
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

    /// Both gates closed, with its causes: a failback that could not open the primary's metric gate closes the secondary's on
    /// purpose (docs/design.md, Traffic gates), and a new arc pair starts with both routing controls Off.
    private static string BothClosed(StatusFacts facts)
    {
        var (p, q) = (facts.Primary, facts.Secondary);
        var state = $"both gates are closed, so Route 53 answers with {p.Stack}'s record ({p.Region}) although its gate says not to";
        var failback = Shifts(facts.Runs).FirstOrDefault(s => Text(s.Output[ResultFields.Action]) == Wire.Of(FailoverAction.Failback));
        if (failback is { } f && IsTrue(f.Output[Shift.Path]?[ResultFields.Degraded]))
            return $"{state}: failback {f.Run.Name} could not open {p.Stack}'s gate (its switch is in {p.Gate.SwitchRegion}) and closed {q.Stack}'s " +
                $"instead (degraded); once {p.Gate.SwitchRegion} answers, open both gates, or the next failover has no record to move to " +
                "(docs/design.md, Traffic gates)";
        return state + ": " + p.Gate.Kind switch
        {
            TrafficGateModes.Arc => "a new pair of routing controls (ARC creates them Off: turn both On, docs/design.md, Traffic gates), " +
                "or someone set them Off by hand",
            TrafficGateModes.Metric => $"a degraded failback no longer among the recent runs (one that cannot open {p.Stack}'s gate closes " +
                $"{q.Stack}'s), or someone closed a gate by hand; open both gates (docs/design.md, Traffic gates)",
            _ => "someone closed a gate by hand",
        };
    }

    /// A run that moved traffic, with its output.
    private sealed record Shift(Execution Run, JsonObject Output)
    {
        /// Where the workflow keeps shift-traffic's answer in its output.
        public const string Path = "shift";
    }

    /// The runs that moved traffic (their output says `shift.shifted`), newest first.
    private static IEnumerable<Shift> Shifts(IReadOnlyList<Execution> runs) =>
        runs.Where(r => r is { Status: "SUCCEEDED", StopDate: not null })
            .Select(r => Object(r.Output) is { } output && IsTrue(output[Shift.Path]?[ResultFields.Shifted]) ? new Shift(r, output) : null)
            .OfType<Shift>()
            .OrderByDescending(s => s.Run.StopDate);

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && b;
}
