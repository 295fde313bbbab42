using System.CommandLine;
using System.Text.Json.Nodes;
using Failover.Functions.Aws;
using Failover.Functions.Handlers;
using Failover.Functions.Runtime;
using Failover.Ops.Aws;
using Failover.Ops.Cli;
using static Failover.Ops.Cli.JsonText;
using Failover.Ops.Pulumi;

namespace Failover.Ops.Commands;

/// `failoverctl status`: both regions side by side. Every reading is taken on its own and at the same time, so a region that
/// does not answer (the one that is down) shows as such within seconds instead of hiding what the other region knows.
public static class StatusCommand
{
    /// How many runs (and their decisions) to show per region.
    public const int RecentRuns = 3;

    public static Command Build(OpsContext context)
    {
        var watch = new Option<bool>("--watch", "-w") { Description = "Read and show it again every --interval seconds until Ctrl-C (which then exits 0)" };
        var interval = new Option<int>("--interval")
        {
            Description = $"Seconds between two readings with --watch ({MinInterval} to {MaxInterval}; each reading makes a dozen AWS calls)",
            DefaultValueFactory = _ => 10,
        };
        interval.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < MinInterval or > MaxInterval)
                r.AddError($"--interval takes a number of seconds from {MinInterval} to {MaxInterval} (got {r.GetValueOrDefault<int>()})");
        });
        var status = CommandHelp.Attach(new Command("status", "Show both regions side by side: which serves, gates, health checks and alarms, task counts, the flag, the lock, recent runs and their decisions")
        {
            watch, interval,
        }, [
            "failoverctl status",
            "failoverctl status --watch --interval 30",
            "failoverctl status --output json | jq -r .servingStack",
        ],
            (ExitCodes.Ok, "read; a reading that failed is shown as unknown (with --output json: \"partial\": true)"),
            (ExitCodes.Failed, "nothing could be read, or the stacks' outputs could not be had from Pulumi nor from the saved copy"));
        status.SetAction((parse, ct) =>
        {
            var session = new Session(context, parse);
            return parse.GetValue(watch) ? WatchAsync(session, TimeSpan.FromSeconds(parse.GetValue(interval)), ct) : RunAsync(session, ct);
        });
        return status;
    }

    public const int MinInterval = 2, MaxInterval = 3600;

    /// `status --watch`: the same reading again and again, redrawn in place at a terminal; a reading that fails is said and the
    /// watch goes on (the region that stopped answering may come back). Ctrl-C ends it, as the way a watch is meant to end.
    private static async Task<int> WatchAsync(Session session, TimeSpan interval, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                // Home and clear screen (ANSI): only where a person watches; a file or pipe gets one reading after the other.
                if (session.Context.OutputIsTerminal && !session.Output.Json) session.Context.Out.Write("\u001b[H\u001b[2J");
                session.Output.Line($"Every {interval.TotalSeconds:0}s: failoverctl status, {Attr.Iso(session.Now)} (Ctrl-C to stop)");
                session.Output.Line();
                try
                {
                    await RunAsync(session, ct);
                }
                catch (OpsException e)
                {
                    session.Context.Err.WriteLine($"error: {e.Message}");
                }
                await Task.Delay(interval, session.Context.Time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
    }

    /// A value, or why it could not be read.
    private sealed record Reading<T>(T? Value, string? Error)
    {
        public bool Ok => Error is null;

        public string Show(Func<T, string> format) => Error is not null ? $"unknown ({Error})" : format(Value!);
    }

    private static async Task<Reading<T>> ReadAsync<T>(Func<Task<T>> read)
    {
        try
        {
            return new Reading<T>(await read(), null);
        }
        catch (FunctionException e)
        {
            return new Reading<T>(default, e.ErrorType == ErrorTypes.AwsUnreachable ? "no answer" : e.Message);
        }
        catch (OpsException e)
        {
            return new Reading<T>(default, e.Message);
        }
    }

    /// One run and the decision it recorded in its output (none yet while it runs).
    private sealed record Run(Execution Execution, JsonObject? Decision);

    private sealed record RegionView(DeployedStack Stack, Reading<GatePosition> Gate, Reading<string> Endpoint, Reading<IReadOnlyList<CloudWatchClient.Alarm>> Alarms,
        Reading<EcsClient.Service> Service, Reading<IReadOnlyList<Run>> Runs)
    {
        /// Each reading by name, with why it failed (null: it was read).
        public IEnumerable<(string What, string? Error)> Readings =>
            [("gate", Gate.Error), ("endpoint check", Endpoint.Error), ("health alarms", Alarms.Error), ("tasks", Service.Error), ("runs", Runs.Error)];
    }

    private static async Task<int> RunAsync(Session session, CancellationToken ct)
    {
        var primary = await session.PrimaryAsync(ct);
        var secondary = await session.SecondaryAsync(ct);
        var now = session.Now;
        var replicas = new ControlReplicas(session.Aws, session.Output, primary, secondary);
        var viewsTask = Task.WhenAll(new[] { primary, secondary }.Select(stack => ViewAsync(session, stack, ct)));
        var controlTask = replicas.ReadAsync(async t => (Control: await t.GetControlAsync(now, ct), Flag: await t.GetFlagAsync(ct)));
        var views = await viewsTask;
        var control = await controlTask;
        var (p, q) = (views[0], views[1]);

        // Each failed reading names the stack, its region and what it was, so that a region that does not answer is told apart from
        // one permission that is missing.
        var errors = views.SelectMany(v => v.Readings.Where(r => r.Error is not null).Select(r => $"{v.Stack.Stack} ({v.Stack.Region}) {r.What}: {r.Error}"))
            .Concat(control.Where(c => c.Error is not null).Select(c => $"control table in {c.Region}: {c.Error}")).ToList();
        if (errors.Count == views.Sum(v => v.Readings.Count()) + control.Count)
            throw new OpsException($"nothing could be read ({errors[0]}); check your AWS credentials and network");

        var serving = Serving(p, q);
        var servingView = views.FirstOrDefault(v => v.Stack.Stack == serving.Stack);
        var facts = new StatusFacts
        {
            Primary = p.Stack, Secondary = q.Stack, PrimaryGate = p.Gate.Value, SecondaryGate = q.Gate.Value,
            Replicas = [.. control.Where(c => c.Error is null).Select(c => (c.Region, c.Value.Control))],
            Serving = servingView?.Stack, ServingService = servingView?.Service.Value,
            Runs = [.. views.SelectMany(v => v.Runs.Value ?? []).Select(r => r.Execution)], Now = now,
        };
        var contradictions = Contradictions.Find(facts);
        session.Output.Line($"Traffic: {serving.Sentence}");
        foreach (var read in control)
        {
            var where = replicas.Strong ? $"Control table ({read.Region}, strongly consistent)" : $"Control table replica in {read.Region}";
            if (read.Error is not null)
            {
                session.Output.Line($"{where}: unknown ({read.Error})");
                continue;
            }
            var (item, flag) = read.Value;
            session.Output.Line($"{where}: " + (item.State is { } st
                ? $"active region {st.ActiveRegion ?? "?"}, epoch {st.Epoch?.ToString() ?? "?"}, last transition {(st.LastTransitionAt is { } t ? Attr.Iso(t) : "never")}"
                : "no transition recorded yet"));
            session.Output.Line($"  lock: {Lock(item.Lock, now)}");
            session.Output.Line($"  flag override: {Override(flag, now)}");
        }
        if (!replicas.Strong && control.Count(c => c.Error is null) == 2 && control[0].Value != control[1].Value)
            session.Output.Warn("the two replicas differ (replication lag, or one region was cut off): each region's functions act on their own replica");
        if (contradictions.Count > 0)
        {
            session.Output.Line();
            session.Output.Line("Contradictions (readings that cannot all be true; check before acting on either):");
            foreach (var contradiction in contradictions) session.Output.Line($"  - {contradiction}");
        }
        session.Output.Line();
        session.Output.Table(["", $"{p.Stack.Stack} ({p.Stack.Region})", $"{q.Stack.Stack} ({q.Stack.Region})"],
        [
            ["gate", Gate(p), Gate(q)],
            ["endpoint check", p.Endpoint.Show(x => x), q.Endpoint.Show(x => x)],
            ["health alarms", p.Alarms.Show(Alarms), q.Alarms.Show(Alarms)],
            ["tasks running/desired", p.Service.Show(Tasks), q.Service.Show(Tasks)],
            ["flag in force", Effective(control, p.Stack, now), Effective(control, q.Stack, now)],
            ["dns failover", p.Stack.DnsFailover, q.Stack.DnsFailover],
            ["workflow runs", string.Join(", ", p.Stack.WorkflowActions), string.Join(", ", q.Stack.WorkflowActions)],
        ]);
        if (views.Any(v => v.Stack.Gate.IsMetric))
            session.Output.Line("  (a metric gate is read from its alarm, which can lag the gate's metric by up to a minute: one alarm period)");
        if (Contradictions.GateMayLag(facts) is var (moved, until))
            session.Output.Line($"  (run {moved.Name} moved traffic and ended at {Attr.Iso(moved.StopDate!.Value)}: until {Attr.Iso(until)} {p.Stack.Stack}'s gate " +
                "may still read where it was, so it is not checked against the control table)");
        session.Output.Line();
        session.Output.Line("Recent runs and their decisions:");
        session.Output.Table(["region", "started", "status", "decision", "why", "run"], views.SelectMany(v => v.Runs.Value ?? []).Select(r =>
            (IReadOnlyList<string>)[RegionOf(r.Execution.Arn), r.Execution.StartDate is { } a ? Attr.Iso(a) : "", r.Execution.Status,
                Text(r.Decision?["decision"]) ?? "", Cut(Text(r.Decision?["reason"]), 70), r.Execution.Name]));
        foreach (var v in views.Where(v => !v.Runs.Ok)) session.Output.Line($"  {v.Stack.Region}: unknown ({v.Runs.Error})");
        foreach (var e in errors) session.Output.Warn($"could not read {e}");

        session.Output.Result(new JsonObject
        {
            ["ok"] = true,
            ["partial"] = errors.Count > 0,
            ["errors"] = new JsonArray([.. errors.Select(e => (JsonNode)e)]),
            ["contradictions"] = new JsonArray([.. contradictions.Select(c => (JsonNode)c)]),
            ["serving"] = serving.Sentence,
            ["servingStack"] = serving.Stack,
            ["controlTable"] = new JsonObject
            {
                ["name"] = replicas.Table, ["consistency"] = replicas.Strong ? "strong" : "eventual",
                ["replicas"] = new JsonArray([.. control.Select(c => (JsonNode)new JsonObject
                {
                    ["region"] = c.Region, ["error"] = c.Error,
                    ["activeRegion"] = c.Value.Control?.State?.ActiveRegion, ["epoch"] = c.Value.Control?.State?.Epoch,
                    ["lastTransitionAt"] = c.Value.Control?.State?.LastTransitionAt is { } lt ? Attr.Iso(lt) : null,
                    ["lock"] = c.Value.Control?.Lock is { } l ? new JsonObject
                    {
                        ["owner"] = l.Owner, ["leaseExpiresAt"] = l.LeaseExpiresAt is { } le ? Attr.Iso(le) : null, ["held"] = !l.Unreadable && l.LeaseExpiresAt > now,
                    } : null,
                    ["flagOverride"] = c.Value.Flag is { } f ? new JsonObject
                    {
                        ["mode"] = f.Mode, ["setBy"] = f.SetBy, ["reason"] = f.Reason, ["expiresAt"] = f.ExpiresAt is { } fx ? Attr.Iso(fx) : null,
                    } : null,
                })]),
            },
            ["regions"] = new JsonArray([.. views.Select(v => (JsonNode)new JsonObject
            {
                ["stack"] = v.Stack.Stack, ["role"] = v.Stack.Role, ["region"] = v.Stack.Region,
                ["gateOpen"] = v.Gate.Ok ? !v.Gate.Value!.Closed : null,
                ["gate"] = new JsonObject
                {
                    ["kind"] = v.Stack.Gate.Kind, ["switchRegion"] = v.Stack.Gate.SwitchRegion, ["alarmName"] = v.Stack.Gate.AlarmName,
                    ["healthCheckId"] = v.Stack.Gate.HealthCheckId, ["routingControlArn"] = v.Stack.Gate.RoutingControlArn, ["position"] = v.Gate.Value?.Closed switch { true => "closed", false => "open", null => null },
                    ["neverMoved"] = v.Gate.Value?.NeverMoved, ["error"] = v.Gate.Error,
                }, ["endpointCheck"] = v.Endpoint.Value,
                ["alarmsInAlarm"] = v.Alarms.Ok ? new JsonArray([.. v.Alarms.Value!.Where(a => a.State == "ALARM").Select(a => (JsonNode)a.Name)]) : null,
                ["desiredCount"] = v.Service.Value?.DesiredCount, ["runningCount"] = v.Service.Value?.RunningCount,
                ["flag"] = Effective(control, v.Stack, now), ["dnsFailover"] = v.Stack.DnsFailover,
                ["executions"] = v.Runs.Ok ? new JsonArray([.. v.Runs.Value!.Select(r => (JsonNode)new JsonObject
                {
                    ["name"] = r.Execution.Name, ["status"] = r.Execution.Status,
                    ["startDate"] = r.Execution.StartDate is { } a ? Attr.Iso(a) : null, ["stopDate"] = r.Execution.StopDate is { } b ? Attr.Iso(b) : null,
                    ["decision"] = Text(r.Decision?["decision"]), ["reason"] = Text(r.Decision?["reason"]),
                })]) : null,
            })]),
        });
        return ExitCodes.Ok;
    }

    private static async Task<RegionView> ViewAsync(Session session, DeployedStack stack, CancellationToken ct)
    {
        var gate = ReadAsync(() => session.Aws.Gate().ReadAsync(stack.Gate.Ref, ct));
        var endpoint = ReadAsync(async () => Checkers(await session.Aws.Route53().GetHealthCheckStatusAsync(stack.EndpointHealthCheckId, ct)));
        var alarms = ReadAsync(() => session.Aws.CloudWatch(stack.Region).DescribeAlarmsAsync(stack.AlarmNames, ct));
        var service = ReadAsync(() => session.Aws.Ecs(stack.Region).DescribeServiceAsync(stack.ClusterName, stack.ServiceName, ct));
        var runs = ReadAsync(() => RunsAsync(session, stack, ct));
        return new RegionView(stack, await gate, await endpoint, await alarms, await service, await runs);
    }

    /// The last runs, each with the decision `decide` made for it (the run's output carries it).
    private static async Task<IReadOnlyList<Run>> RunsAsync(Session session, DeployedStack stack, CancellationToken ct)
    {
        var runs = await session.Aws.StepFunctions(stack.Region).ListExecutionsAsync(stack.StateMachineArn, RecentRuns, ct);
        var described = await Task.WhenAll(runs.Select(r => session.Aws.StepFunctions(stack.Region).DescribeExecutionAsync(r.Arn, ct)));
        return [.. described.Select(d => new Run(d, Object(d.Output)?["decision"] as JsonObject))];
    }

    /// Which record Route 53 answers with. The gates alone decide in gated mode; in the other modes Route 53 also moves traffic
    /// when the primary's endpoint check fails, which is all this tool can see of the record's guard.
    private static (string Sentence, string? Stack) Serving(RegionView primary, RegionView secondary)
    {
        var (p, q) = (primary.Stack, secondary.Stack);
        if (!primary.Gate.Ok) return ($"unknown: {p.Stack}'s gate could not be read ({primary.Gate.Error})", null);
        if (primary.Gate.Value!.Closed)
        {
            if (!secondary.Gate.Ok) return ($"unknown: {p.Stack}'s gate is closed, and {q.Stack}'s could not be read ({secondary.Gate.Error})", null);
            return secondary.Gate.Value!.Closed
                ? ($"{p.Stack} ({p.Region}): both gates are closed, and Route 53 then answers with the primary record", p.Stack)
                : ($"{q.Stack} ({q.Region}) serves: {p.Stack}'s gate is closed (failed over)", q.Stack);
        }
        if (p.DnsFailover == "gated") return ($"{p.Stack} ({p.Region}) serves: its gate is open", p.Stack);
        if (!primary.Endpoint.Ok) return ($"unknown: {p.Stack}'s gate is open, but with dnsFailover {p.DnsFailover} its endpoint check decides too and could not be read", null);
        return primary.Endpoint.Value!.StartsWith("healthy", StringComparison.Ordinal)
            ? ($"{p.Stack} ({p.Region}) serves: its gate is open and its endpoint check healthy (dnsFailover {p.DnsFailover})", p.Stack)
            : ($"{q.Stack} ({q.Region}) probably serves: {p.Stack}'s endpoint check is unhealthy and dnsFailover {p.DnsFailover} lets Route 53 move traffic by itself", q.Stack);
    }

    /// `closed (metric, switched in us-west-2)`, `open, never moved (metric, switched in us-west-2)`, `closed (route53-api, inverted)`,
    /// `closed (arc, routing control Off)`.
    private static string Gate(RegionView v) =>
        v.Gate.Show(g => $"{g.Word} ({v.Stack.Gate.Where}{(g.Closed ? v.Stack.Gate.ClosedAs : "")})");

    private static string Tasks(EcsClient.Service x) => $"{x.RunningCount}/{x.DesiredCount} ({x.PrimaryRolloutState ?? "no rollout state"})";

    private static string Alarms(IReadOnlyList<CloudWatchClient.Alarm> alarms)
    {
        var firing = alarms.Where(a => a.State == "ALARM").Select(a => a.Name).ToList();
        return firing.Count > 0 ? $"{firing.Count} in ALARM: {string.Join(", ", firing)}" : $"{alarms.Count} OK or no data";
    }

    private static string Lock(LockHolder? holder, DateTimeOffset now) => holder switch
    {
        null => "free",
        { Unreadable: true } => "unreadable (the next run takes it over)",
        _ when holder.LeaseExpiresAt <= now => $"expired (was {holder.Owner})",
        _ => $"held by {holder.Owner} until {Attr.Iso(holder.LeaseExpiresAt!.Value)} (in {Durations.Human(holder.LeaseExpiresAt!.Value - now)})",
    };

    private static string Override(FlagOverride? flag, DateTimeOffset now) => flag is null ? "none"
        : $"{flag.Mode} by {flag.SetBy ?? "?"}" + (flag.ExpiresAt is { } e ? e > now ? $", until {Attr.Iso(e)}" : $", expired {Attr.Iso(e)}" : ", no expiry")
          + $" ({flag.Reason ?? "no reason"})";

    /// The flag the stack's functions would use: from the replica they read (their own region's, or the one strongly consistent table).
    private static string Effective(IReadOnlyList<ReplicaRead<(ControlItem Control, FlagOverride? Flag)>> control, DeployedStack stack, DateTimeOffset now)
    {
        var read = control.Count == 1 ? control[0] : control.FirstOrDefault(c => c.Region == stack.Region);
        if (read is null || read.Error is not null) return $"unknown (default {stack.DefaultFlag})";
        var resolved = FlagResolver.Resolve(read.Value.Flag, Wire.ParseFlag(stack.DefaultFlag) ?? FlagMode.Auto, now);
        return $"{Wire.Of(resolved.Mode)} ({(resolved.FromOverride ? "override" : "default")})";
    }

    /// Route 53 counts an endpoint healthy when more than 18% of its checkers see it healthy (Route 53 Developer Guide, "How
    /// Amazon Route 53 determines whether a health check is healthy").
    private static string Checkers(IReadOnlyList<string> reports)
    {
        if (reports.Count == 0) return "no reports yet";
        var ok = reports.Count(r => r.StartsWith("Success", StringComparison.OrdinalIgnoreCase));
        return $"{(ok > reports.Count * 0.18 ? "healthy" : "unhealthy")} ({ok}/{reports.Count} checkers)";
    }



    private static string RegionOf(string arn) => arn.Split(':') is { Length: > 3 } parts ? parts[3] : "";

    private static string Cut(string? text, int max) => text is null ? "" : text.Length <= max ? text : text[..(max - 1)] + "…";
}
