using System.Text.Json.Nodes;
using Failover.Functions.Aws;
using Failover.Functions.Runtime;
using Failover.Ops.Aws;
using Failover.Ops.Cli;
using Failover.Ops.Pulumi;

namespace Failover.Ops.Release;

/// Where the guard reads the failover state: the control table (a global table: one name in both regions) and the regions of
/// its replicas, from the primary stack's outputs; and the primary's traffic gate (or why its output could not be read).
public sealed record GuardTarget(string Stack, string Table, string PrimaryRegion, string? SecondaryRegion, bool Strong, DeployedGate? Gate = null,
    string? GateProblem = null);

/// One reason not to release now, and what the operator can do about it.
public sealed record GuardProblem(string What, string Remedy);

/// What the guard found in the control table, said for people and for the JSON result.
public sealed record GuardFinding(string Summary, IReadOnlyList<GuardProblem> Problems, string? ReadFrom = null, string? ActiveRegion = null,
    long? Epoch = null, LockHolder? Lock = null, bool FirstDeploy = false)
{
    public bool Clear => Problems.Count == 0;

    /// Every problem with its remedy.
    public string Reasons => string.Join(". Also ", Problems.Select(p => $"{p.What}; {p.Remedy}"));

    /// One sentence: the reasons, then the override.
    public string Refusal(string stacks) => $"refusing to deploy {stacks}: {Reasons}. Or pass --force to deploy anyway";

    public JsonObject ToJson() => new()
    {
        ["clear"] = Clear, ["summary"] = Summary, ["firstDeploy"] = FirstDeploy, ["readFrom"] = ReadFrom, ["activeRegion"] = ActiveRegion, ["epoch"] = Epoch,
        ["lock"] = Lock is { Unreadable: false } l ? new JsonObject { ["owner"] = l.Owner, ["leaseExpiresAt"] = Attr.Iso(l.LeaseExpiresAt!.Value) } : null,
        ["problems"] = new JsonArray([.. Problems.Select(p => (JsonNode)new JsonObject { ["what"] = p.What, ["remedy"] = p.Remedy })]),
    };
}

/// The release guard: a release must never silently undo a failover. The workflow changes the desired count and the scaling
/// floor on purpose; an update while traffic is failed over, or while a run holds the lock, can put back what the workflow set.
/// It reads the control table's `state` item, the one `decide` and `release-lock` write.
public static class ReleaseGuard
{
    /// No execution's lock owner: the lock is held against a release whenever it is held at all.
    private const string ReleaseOwner = "failoverctl deploy";

    /// The target from the primary's outputs; null when the primary has none yet (its first deploy: no failover can exist).
    public static GuardTarget? TargetFrom(string stack, JsonObject outputs, out string? missing)
    {
        missing = null;
        if (outputs.Count == 0) return null;
        string? S(string name) => outputs[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
        var table = S(StackOutputs.ControlTableName);
        var region = S(StackOutputs.Region);
        if (table is null || region is null)
        {
            missing = string.Join(" and ", new[] { table is null ? StackOutputs.ControlTableName : null, region is null ? StackOutputs.Region : null }.OfType<string>());
            return new GuardTarget(stack, table ?? "", region ?? "", null, false);
        }
        var target = new GuardTarget(stack, table, region, S(StackOutputs.PeerRegion), S(StackOutputs.ControlTableConsistency) == "strong");
        try
        {
            return target with { Gate = DeployedGate.From(stack, outputs) };
        }
        catch (OpsException e)
        {
            return target with { GateProblem = e.Message };
        }
    }

    /// Reads the state item (the primary's replica, else the secondary's) and judges it.
    public static async Task<GuardFinding> CheckAsync(Session session, GuardTarget? target, string? missing, CancellationToken ct)
    {
        if (target is null)
            return new GuardFinding("the primary stack has no outputs yet: a first deploy, no failover can be in progress", [], FirstDeploy: true);
        if (missing is not null)
            return Unknown($"stack {target.Stack} has outputs but no {missing} (deployed by a version without the control table?), so the guard cannot find the failover state",
                "check the stack's outputs (pulumi stack output --stack " + target.Stack + ")");

        // The secondary's replica first (the primary's region is the likelier one not to answer); an eventually consistent
        // table is read in both regions, and either replica saying "failed over" or "locked" refuses.
        var regions = target.SecondaryRegion is { } peer && peer != target.PrimaryRegion ? new[] { peer, target.PrimaryRegion } : [target.PrimaryRegion];
        // Without credentials nothing below could be read, and a read that fails refuses (exit 3, --force overrides): missing
        // credentials must fail the command instead (exit 1), as they do everywhere else.
        await session.Aws.RequireCredentialsAsync(regions[0], ct);
        var replicas = new ControlReplicas(session.Aws, session.Output, target.Table, target.Strong, regions);
        var now = session.Now;
        IReadOnlyList<ReplicaRead<ControlItem>> reads;
        try
        {
            reads = await replicas.ReadAsync(t => t.GetControlAsync(now, ct));
        }
        catch (Exception e) when (e is FunctionException or OpsException)
        {
            reads = [new ReplicaRead<ControlItem>(string.Join(" and ", regions), null, e.Message.TrimEnd('.'))];
        }
        var answered = reads.Where(r => r.Error is null).ToList();
        if (answered.Count == 0)
            return Unknown($"the control table {target.Table} could not be read in {string.Join(" and ", regions)} ({string.Join("; ", reads.Select(r => r.Error))}), so nothing shows that traffic is not failed over",
                $"let this identity read it (dynamodb:GetItem on {target.Table}) or retry when it answers");
        var findings = answered.Select(r => Judge(r.Value!, target.PrimaryRegion, r.Region, now)).ToList();
        var first = findings.FirstOrDefault(f => !f.Clear) ?? findings[0];
        var finding = findings.Count == 1 ? first
            : first with { Summary = string.Join("; and ", findings.Select(f => f.Summary)), Problems = [.. findings.SelectMany(f => f.Problems)] };
        if (target.GateProblem is { } problem)
            return finding with { Problems = [.. finding.Problems, new GuardProblem($"{problem}, so nothing shows that traffic is on the primary",
                "update failoverctl, or deploy the primary again")] };
        return target.Gate is { } gate ? await WithGateAsync(session, finding, gate, ct) : finding;
    }

    /// The primary's traffic gate is what Route 53 obeys: closed, traffic is on the secondary whatever the table says (a run
    /// that moved traffic and then lost its lock records nothing), and an update would meet a failed-over pair. Read as status
    /// reads it (GateReader): a metric gate from its alarm in the other region, an arc gate from its routing control's state, a
    /// route53-api gate from its inversion.
    private static async Task<GuardFinding> WithGateAsync(Session session, GuardFinding finding, DeployedGate gate, CancellationToken ct)
    {
        try
        {
            var position = await session.Aws.Gate().ReadAsync(gate.Ref, ct);
            if (!position.Closed) return finding with { Summary = $"{finding.Summary}; the primary's gate is {position.Word} ({gate.Where})" };
            var how = gate.IsMetric ? $"its alarm {gate.AlarmName} in {gate.SwitchRegion} is in ALARM"
                : gate.IsArc ? $"its routing control {gate.RoutingControlArn} is Off" : "inverted";
            return finding with
            {
                Summary = $"{finding.Summary}; the primary's gate is closed ({gate.Where})",
                Problems = [.. finding.Problems, new GuardProblem(
                    $"the primary's traffic gate is closed ({how}): Route 53 sends traffic to the secondary, whatever the control table says",
                    "fail back first (failoverctl start failback --wait), or see failoverctl status")],
            };
        }
        catch (Exception e) when (e is FunctionException or OpsException)
        {
            var (what, permission) = gate.IsMetric
                ? ($"alarm {gate.AlarmName} in {gate.SwitchRegion}", $"cloudwatch:DescribeAlarms on {gate.AlarmName} in {gate.SwitchRegion}")
                : gate.IsArc
                    ? ($"routing control {gate.RoutingControlArn}", $"route53-recovery-cluster:GetRoutingControlState on {gate.RoutingControlArn}")
                    : ($"health check {gate.HealthCheckId}", "route53:GetHealthCheck");
            return finding with
            {
                Problems = [.. finding.Problems, new GuardProblem($"the primary's traffic gate ({what}) could not be read ({e.Message.TrimEnd('.')}), so nothing shows that traffic is on the primary",
                    $"let this identity read it ({permission}) or retry when it answers")],
            };
        }
    }

    /// Failed over (the active region is not the primary's), a lock held by a run, or a state nobody can read: each refuses.
    public static GuardFinding Judge(ControlItem control, string primaryRegion, string readFrom, DateTimeOffset now)
    {
        var problems = new List<GuardProblem>();
        var state = control.State;
        var active = state is null ? primaryRegion : state.ActiveRegion;
        string serving;
        if (state is null)
        {
            serving = $"no transition recorded yet ({primaryRegion}, the primary's region, serves)";
        }
        else if (state.ActiveRegion is null)
        {
            serving = "a state item without activeRegion";
            problems.Add(new GuardProblem($"the control table's state item ({readFrom}) has no activeRegion, so which region serves is unknown",
                "check it with failoverctl status"));
        }
        else
        {
            serving = $"{state.ActiveRegion} is active (epoch {state.Epoch?.ToString() ?? "?"}" +
                (state.LastTransitionAt is { } at ? $", since {Attr.Iso(at)})" : ")");
            if (state.ActiveRegion != primaryRegion)
                problems.Add(new GuardProblem(
                    $"traffic is failed over: the control table ({readFrom}) says {state.ActiveRegion} is active, not the primary's region {primaryRegion}, and an update now can put back the standby's counts and scaling floor",
                    "fail back first (failoverctl start failback --wait)"));
        }

        var held = control.Lock is { } holder && holder.HeldAgainst(ReleaseOwner, now);
        string locking;
        if (held)
        {
            var lease = control.Lock!.LeaseExpiresAt!.Value;
            locking = $"the lock is held by {control.Lock.Owner} until {Attr.Iso(lease)}";
            problems.Add(new GuardProblem(
                $"a failover, failback or drill is running: {control.Lock.Owner} holds the lock until {Attr.Iso(lease)} (in {Durations.Human(lease - now)})",
                "wait for it to end (failoverctl status)"));
        }
        else
        {
            locking = control.Lock is null ? "no lock is held"
                : control.Lock.Unreadable ? "a lock no run wrote (the next run takes it over)"
                : $"an expired lock of {control.Lock.Owner}";
        }
        return new GuardFinding($"the control table ({readFrom}): {serving}; {locking}", problems, readFrom, active, state?.Epoch, held ? control.Lock : null);
    }

    private static GuardFinding Unknown(string what, string remedy) => new($"unknown: {what}", [new GuardProblem(what, remedy)]);
}
