using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Failover.Contract.Readiness;
using Failover.Functions.Aws.Readiness;
using Failover.Ops.Aws;
using Failover.Ops.Cli;
using Failover.Ops.Pulumi;

namespace Failover.Ops.Commands;

/// `failoverctl readiness`: the readiness checks each stack's scheduled function runs, run now with the caller's credentials
/// against both stacks' deployed plans, so that an operator sees before an outage what would stop the move.
public static class ReadinessCommand
{
    /// Each check's own time: a check reads a handful of AWS answers; one that hangs answers unknown instead of holding the table.
    public static readonly TimeSpan PerCheck = TimeSpan.FromSeconds(20);

    public static Command Build(OpsContext context)
    {
        var only = new Option<string?>("--stack")
        {
            Description = "Run only this stack's checks (its name: primary or secondary unless --primary-stack/--secondary-stack say otherwise)",
            HelpName = "stack",
        };
        var readiness = CommandHelp.Attach(new Command("readiness",
            "Run the readiness checks now for both stacks (the same the scheduled readiness function runs) and show each one's result and why")
        {
            only,
        }, [
            "failoverctl readiness",
            "failoverctl readiness --stack secondary",
            "failoverctl readiness --output json | jq -r '.stacks[] | .stack as $s | .results[] | select(.status != \"pass\") | \"\\($s) \\(.check): \\(.why)\"'",
        ],
            (ExitCodes.Ok, "every check passes"),
            (ExitCodes.Failed, "a check fails (the table says which and why), or the stacks' outputs could not be read"),
            (ExitCodes.Unknown, "no check fails, but some could not read what they compare (unknown): readiness is not proven"));
        readiness.SetAction((parse, ct) => RunAsync(new Session(context, parse), parse.GetValue(only), ct));
        return readiness;
    }

    /// One stack's results, as the stack's readiness function reports them (`Report.Stack`: the stack's prefix).
    private sealed record StackResults(DeployedStack Stack, ReadinessReport Report)
    {
        public IReadOnlyList<CheckResult> Results => Report.Results;
    }

    private static async Task<int> RunAsync(Session session, string? only, CancellationToken ct)
    {
        if (only is not null && !session.Project.Stacks.Contains(only))
            throw OpsException.Usage($"--stack takes {session.Project.SecondaryStack} or {session.Project.PrimaryStack} (got '{Arguments.Cut(only)}')");
        var primary = await session.PrimaryAsync(ct);
        var secondary = await session.SecondaryAsync(ct);
        await session.Aws.RequireCredentialsAsync(secondary.Region, ct);

        // Both plans are read whichever stack is asked for: each stack's checks compare it with its peer.
        var (secondaryPlan, primaryPlan) = await new ReadinessItems(session.Aws).PlansAsync(session.Project, primary, secondary, ct);

        // The secondary first: its checks are the failover's.
        var runs = new[] { (secondary, secondaryPlan, primaryPlan), (primary, primaryPlan, secondaryPlan) }
            .Where(x => only is null || x.Item1.Stack == only)
            .Select(x => RunStackAsync(session, x.Item1, x.Item2, x.Item3, ct));
        var results = await Task.WhenAll(runs);
        var all = results.SelectMany(r => r.Results.Select(c => (r.Stack, Check: c))).ToList();

        session.Output.Table(["stack", "check", "result", "why"], all.Select(x => (IReadOnlyList<string>)[x.Stack.Stack, x.Check.Check, Word(x.Check.Status), x.Check.Why]));
        var failing = all.Where(x => x.Check.Status == CheckStatus.Fail).ToList();
        var unknown = all.Where(x => x.Check.Status == CheckStatus.Unknown).ToList();
        var exit = failing.Count > 0 ? ExitCodes.Failed : unknown.Count > 0 ? ExitCodes.Unknown : ExitCodes.Ok;
        var message = failing.Count > 0 ? $"{Count(failing.Count)} fail{(failing.Count == 1 ? "s" : "")}: {Names(failing)}"
            : unknown.Count > 0 ? $"no check fails, but {Count(unknown.Count)} could not read what {(unknown.Count == 1 ? "it compares" : "they compare")}: {Names(unknown)}"
            : null;
        if (message is not null) session.Context.Err.WriteLine($"{(exit == ExitCodes.Failed ? "error" : "warning")}: {message}");
        else session.Output.Line($"{Count(all.Count)} pass.");
        // Each stack's part is the readiness function's own result (ReadinessReport), with where it ran.
        session.Output.Result(new JsonObject
        {
            ["ok"] = exit == ExitCodes.Ok, ["exitCode"] = exit, ["message"] = message,
            ["stacks"] = new JsonArray([.. results.Select(r =>
            {
                var report = JsonSerializer.SerializeToNode(r.Report, ReadinessJson.Default.ReadinessReport)!.AsObject();
                report["pulumiStack"] = r.Stack.Stack;
                report["region"] = r.Stack.Region;
                return (JsonNode)report;
            })]),
        });
        return exit;
    }

    private static async Task<StackResults> RunStackAsync(Session session, DeployedStack stack, PlanRead plan, PlanRead peer, CancellationToken ct)
    {
        if (plan.Plan is null)
            return new StackResults(stack, ReadinessReport.Of(plan.Stack,
                [.. CheckNames.All.Select(name => new CheckResult { Check = name, Status = CheckStatus.Unknown, Why = plan.Missing! })]));
        var context = new ReadinessContext
        {
            Plan = plan.Plan, Peer = peer.Plan, PeerMissing = peer.Missing,
            // The runner bounds each check; the client's own deadline only has to outlast it.
            Aws = session.Aws.Signed(PerCheck + TimeSpan.FromSeconds(5)), Time = session.Context.Time,
        };
        return new StackResults(stack, ReadinessReport.Of(plan.Stack, await ReadinessChecks.RunAsync(context, PerCheck, ct)));
    }

    private static string Word(CheckStatus status) => status switch
    {
        CheckStatus.Pass => "pass",
        CheckStatus.Fail => "fail",
        _ => "unknown",
    };

    private static string Count(int n) => n == 1 ? "1 check" : $"{n} checks";

    private static string Names(IEnumerable<(DeployedStack Stack, CheckResult Check)> checks) =>
        string.Join(", ", checks.Select(x => $"{x.Stack.Stack} {x.Check.Check}"));
}
