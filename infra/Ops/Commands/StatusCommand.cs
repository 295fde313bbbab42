using System.CommandLine;
using System.Text.Json.Nodes;
using Failover.Functions.Aws;
using Failover.Functions.Handlers;
using Failover.Functions.Runtime;
using Failover.Ops.Cli;
using Failover.Ops.Pulumi;

namespace Failover.Ops.Commands;

/// `failoverctl status`: both regions side by side. Every part is read on its own, so a region that does not answer (the one
/// that is down) shows as unreachable instead of hiding what the other region knows.
public static class StatusCommand
{
    public static Command Build(OpsContext context)
    {
        var status = new Command("status", "Show both regions side by side: which serves, gates, health checks, task counts, the flag, the lock, recent decisions and runs");
        status.SetAction((parse, ct) => RunAsync(new Session(context, parse), ct));
        return status;
    }

    /// One region's readings; a reading that failed holds the reason instead.
    private sealed record RegionView(DeployedStack Stack, Reading<bool> GateInverted, Reading<string> Endpoint, Reading<string> Calculated,
        Reading<EcsClient.Service> Service, Reading<IReadOnlyList<Aws.Execution>> Runs);

    private sealed record Reading<T>(T? Value, string? Error)
    {
        public string Show(Func<T, string> format) => Error is not null ? $"unreachable ({Error})" : format(Value!);
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
    }

    private static async Task<int> RunAsync(Session s, CancellationToken ct)
    {
        var primary = await s.PrimaryAsync(ct);
        var secondary = await s.SecondaryAsync(ct);
        var now = s.Now;
        var views = new List<RegionView>();
        foreach (var stack in new[] { primary, secondary })
        {
            views.Add(new RegionView(stack,
                await ReadAsync(async () => (await s.Aws.Route53.GetHealthCheckAsync(stack.GateHealthCheckId, ct)).Inverted),
                await ReadAsync(async () => Checkers(await s.Aws.Route53.GetHealthCheckStatusAsync(stack.EndpointHealthCheckId, ct))),
                await ReadAsync(async () => Checkers(await s.Aws.Route53.GetHealthCheckStatusAsync(stack.CalculatedHealthCheckId, ct))),
                await ReadAsync(() => s.Aws.Ecs(stack.Region).DescribeServiceAsync(stack.ClusterName, stack.ServiceName, ct)),
                await ReadAsync(() => s.Aws.StepFunctions(stack.Region).ListExecutionsAsync(stack.StateMachineArn, 3, ct))));
        }

        // The control table: the primary's replica, else the secondary's.
        var (control, flag, decisions, readFrom) = await ControlAsync(s, primary, secondary, now, ct);

        var p = views[0];
        var q = views[1];
        var serving = Serving(p, q);
        s.Output.Line($"Traffic: {serving}");
        s.Output.Line($"Control table ({readFrom.Value ?? "unreachable"}): " + control.Show(c => c.State is { } st
            ? $"active region {st.ActiveRegion ?? "?"}, epoch {st.Epoch?.ToString() ?? "?"}, last transition {(st.LastTransitionAt is { } t ? Attr.Iso(t) : "never")}"
            : "no transition recorded yet"));
        s.Output.Line("Lock: " + control.Show(c => c.Lock is null ? "free"
            : c.Lock.Unreadable ? "unreadable (the next run takes it over)"
            : c.Lock.LeaseExpiresAt <= now ? $"expired (was {c.Lock.Owner})"
            : $"held by {c.Lock.Owner} until {Attr.Iso(c.Lock.LeaseExpiresAt!.Value)} (in {Durations.Human(c.Lock.LeaseExpiresAt!.Value - now)})"));
        s.Output.Line("Flag override: " + flag.Show(f => f is null ? "none" : $"{f.Mode} by {f.SetBy ?? "?"}" +
            (f.ExpiresAt is { } e ? e > now ? $", until {Attr.Iso(e)}" : $", expired {Attr.Iso(e)}" : ", no expiry") + $" ({f.Reason ?? "no reason"})"));
        s.Output.Line();
        s.Output.Table(["", $"{p.Stack.Stack} ({p.Stack.Region})", $"{q.Stack.Stack} ({q.Stack.Region})"],
        [
            ["gate", Gate(p), Gate(q)],
            ["endpoint check", p.Endpoint.Show(x => x), q.Endpoint.Show(x => x)],
            ["region check", p.Calculated.Show(x => x), q.Calculated.Show(x => x)],
            ["tasks running/desired", p.Service.Show(x => $"{x.RunningCount}/{x.DesiredCount} ({x.PrimaryRolloutState ?? "no rollout state"})"),
                q.Service.Show(x => $"{x.RunningCount}/{x.DesiredCount} ({x.PrimaryRolloutState ?? "no rollout state"})")],
            ["flag in force", Effective(flag, p.Stack, now), Effective(flag, q.Stack, now)],
            ["dns failover", p.Stack.DnsFailover, q.Stack.DnsFailover],
            ["workflow runs", string.Join(", ", p.Stack.WorkflowActions), string.Join(", ", q.Stack.WorkflowActions)],
        ]);
        s.Output.Line();
        s.Output.Line("Recent runs:");
        s.Output.Table(["region", "name", "status", "started", "ended"], views.SelectMany(v => v.Runs.Value ?? []).Select(r =>
            (IReadOnlyList<string>)[RegionOf(r.Arn), r.Name, r.Status, r.StartDate is { } a ? Attr.Iso(a) : "", r.StopDate is { } b ? Attr.Iso(b) : ""]));
        foreach (var v in views.Where(v => v.Runs.Error is not null)) s.Output.Line($"  {v.Stack.Region}: runs unreachable ({v.Runs.Error})");
        s.Output.Line();
        s.Output.Line("Recent decisions:");
        s.Output.Table(["decided at", "decision", "action", "flag", "health", "source", "reason"], (decisions.Value ?? []).Select(d =>
            (IReadOnlyList<string>)[Attr.Text(d, "decidedAt") ?? "", Attr.Text(d, "decision") ?? "", Attr.Text(d, "action") ?? "", Attr.Text(d, "flag") ?? "",
                Attr.Text(d, "health") ?? "", Cut(Attr.Text(d, "source"), 40), Cut(Attr.Text(d, "reason"), 80)]));
        if (decisions.Error is not null) s.Output.Line($"  unreachable ({decisions.Error})");

        s.Output.Result(new JsonObject
        {
            ["ok"] = true,
            ["serving"] = serving,
            ["controlTable"] = new JsonObject
            {
                ["readFrom"] = readFrom.Value, ["error"] = control.Error,
                ["activeRegion"] = control.Value?.State?.ActiveRegion, ["epoch"] = control.Value?.State?.Epoch,
                ["lastTransitionAt"] = control.Value?.State?.LastTransitionAt is { } lt ? Attr.Iso(lt) : null,
                ["lock"] = control.Value?.Lock is { } l ? new JsonObject
                {
                    ["owner"] = l.Owner, ["leaseExpiresAt"] = l.LeaseExpiresAt is { } le ? Attr.Iso(le) : null, ["held"] = !l.Unreadable && l.LeaseExpiresAt > now,
                } : null,
            },
            ["flagOverride"] = flag.Value is { } f2 ? new JsonObject
            {
                ["mode"] = f2.Mode, ["setBy"] = f2.SetBy, ["reason"] = f2.Reason, ["expiresAt"] = f2.ExpiresAt is { } fx ? Attr.Iso(fx) : null,
            } : null,
            ["regions"] = new JsonArray([.. views.Select(v => (JsonNode)new JsonObject
            {
                ["stack"] = v.Stack.Stack, ["role"] = v.Stack.Role, ["region"] = v.Stack.Region,
                ["gateOpen"] = v.GateInverted.Error is null ? !v.GateInverted.Value : null, ["gateError"] = v.GateInverted.Error,
                ["endpointCheck"] = v.Endpoint.Value, ["regionCheck"] = v.Calculated.Value,
                ["desiredCount"] = v.Service.Value?.DesiredCount, ["runningCount"] = v.Service.Value?.RunningCount, ["serviceError"] = v.Service.Error,
                ["flag"] = Effective(flag, v.Stack, now), ["dnsFailover"] = v.Stack.DnsFailover,
                ["executions"] = new JsonArray([.. (v.Runs.Value ?? []).Select(r => (JsonNode)new JsonObject
                {
                    ["name"] = r.Name, ["status"] = r.Status, ["startDate"] = r.StartDate is { } a ? Attr.Iso(a) : null, ["stopDate"] = r.StopDate is { } b ? Attr.Iso(b) : null,
                })]),
            })]),
            ["decisions"] = new JsonArray([.. (decisions.Value ?? []).Select(d => (JsonNode)new JsonObject
            {
                ["decidedAt"] = Attr.Text(d, "decidedAt"), ["decision"] = Attr.Text(d, "decision"), ["action"] = Attr.Text(d, "action"),
                ["flag"] = Attr.Text(d, "flag"), ["health"] = Attr.Text(d, "health"), ["source"] = Attr.Text(d, "source"), ["reason"] = Attr.Text(d, "reason"),
            })]),
        });
        return ExitCodes.Ok;
    }

    private static async Task<(Reading<ControlItem>, Reading<FlagOverride?>, Reading<IReadOnlyList<JsonObject>>, Reading<string>)> ControlAsync(
        Session s, DeployedStack primary, DeployedStack secondary, DateTimeOffset now, CancellationToken ct)
    {
        string? lastError = null;
        foreach (var stack in new[] { primary, secondary })
        {
            var table = s.Aws.ControlTable(stack.ControlTableName, stack.Region);
            var control = await ReadAsync(() => table.GetControlAsync(now, ct));
            if (control.Error is not null)
            {
                lastError = control.Error;
                continue;
            }
            var flag = await ReadAsync(() => table.GetFlagAsync(ct));
            var decisions = await ReadAsync(() => s.Aws.ControlTable(stack.DecisionTableName, stack.Region).RecentDecisionsAsync(5, ct));
            return (control, flag, decisions, new Reading<string>(stack.Region, null));
        }
        return (new Reading<ControlItem>(null, lastError), new Reading<FlagOverride?>(null, lastError), new Reading<IReadOnlyList<JsonObject>>(null, lastError),
            new Reading<string>(null, lastError));
    }

    /// Which record Route 53 answers with, from the gates (gated mode: the gates alone decide; the other modes add checks).
    private static string Serving(RegionView primary, RegionView secondary)
    {
        if (primary.GateInverted.Error is not null) return $"unknown: the {primary.Stack.Region} gate could not be read ({primary.GateInverted.Error})";
        if (primary.GateInverted.Value is false) return $"{primary.Stack.Stack} ({primary.Stack.Region}) serves: its gate is open";
        if (secondary.GateInverted.Value is false) return $"{secondary.Stack.Stack} ({secondary.Stack.Region}) serves: the {primary.Stack.Stack} gate is closed (failed over)";
        return "both gates are closed: Route 53 then answers with the primary record anyway (all records unhealthy)";
    }

    private static string Gate(RegionView v) => v.GateInverted.Show(inverted => inverted ? "closed (inverted)" : "open");

    private static string Effective(Reading<FlagOverride?> flag, DeployedStack stack, DateTimeOffset now)
    {
        if (flag.Error is not null) return $"unknown (default {stack.DefaultFlag})";
        var resolved = FlagResolver.Resolve(flag.Value, Wire.ParseFlag(stack.DefaultFlag) ?? FlagMode.Auto, now);
        return $"{Wire.Of(resolved.Mode)} ({(resolved.FromOverride ? "override" : "default")})";
    }

    // Route 53 asks from several checker regions; each reports "Success: ..." or "Failure: ...".
    private static string Checkers(IReadOnlyList<string> reports)
    {
        if (reports.Count == 0) return "no reports yet";
        var ok = reports.Count(r => r.StartsWith("Success", StringComparison.OrdinalIgnoreCase));
        return $"{(ok * 2 > reports.Count ? "healthy" : "unhealthy")} ({ok}/{reports.Count} checkers)";
    }

    private static string RegionOf(string arn) => arn.Split(':') is { Length: > 3 } parts ? parts[3] : "";

    private static string Cut(string? text, int max) => text is null ? "" : text.Length <= max ? text : text[..(max - 1)] + "…";
}
