using System.CommandLine;
using System.Text.Json.Nodes;
using Failover.Contract.Readiness;
using Failover.Functions.Aws.Readiness;
using Failover.Ops.Aws;
using Failover.Ops.Cli;
using Failover.Ops.Pulumi;

namespace Failover.Ops.Commands;

/// `failoverctl report`: the last runs as each measured itself, phase by phase beside the recovery-time model its stack was
/// deployed with, so that a model that is wrong shows in numbers. A run's total is RecoveryTimeEstimate's, as the
/// drill-recovery-time check judges it.
public static class ReportCommand
{
    public static Command Build(OpsContext context)
    {
        var last = new Option<int>("--last", "-n")
        {
            Description = $"How many runs to show, newest first (1 to {RunRecords.Kept}: the decision log keeps that many)",
            DefaultValueFactory = _ => 10,
        };
        last.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > RunRecords.Kept)
                r.AddError($"--last takes a number of runs from 1 to {RunRecords.Kept} (got {r.GetValueOrDefault<int>()})");
        });
        var report = CommandHelp.Attach(new Command("report",
            "Show the last failovers, failbacks and drills as measured, each phase beside the recovery-time model's typical figure and bound, flagging a phase over its bound and a run whose measured phases, with the model's bound for the rest, exceed failover:rtoObjectiveMinutes")
        {
            last,
        }, [
            "failoverctl report",
            "failoverctl report --last 3",
            "failoverctl report --output json | jq '.runs[] | select(.overObjective or .phasesOverBound != [])'",
        ],
            // A history is not a gate: a run over its bound months ago would fail every pipeline since. `readiness` is the gate (its
            // drill checks fail on the newest drill), so the report reads and exits 0.
            (ExitCodes.Ok, "read (a phase over its bound or a run over the objective is flagged, not an error: `failoverctl readiness` is the check that fails on it)"),
            (ExitCodes.Failed, "the decision log could not be read, or the stacks' outputs could not be had"));
        report.SetAction((parse, ct) => RunAsync(new Session(context, parse), parse.GetValue(last), ct));
        return report;
    }

    /// One phase of a run: measured (null when not), and the model's figures (null when the model has no such phase).
    private sealed record PhaseRow(string Phase, double? Measured, int? Typical, int? Bound)
    {
        public bool OverBound => Measured is { } m && Bound is { } b && m > b;
    }

    private static async Task<int> RunAsync(Session session, int last, CancellationToken ct)
    {
        var primary = await session.PrimaryAsync(ct);
        var secondary = await session.SecondaryAsync(ct);
        var items = new ReadinessItems(session.Aws);
        var planReads = items.PlansAsync(session.Project, primary, secondary, ct);
        // The primary owns the decision log and the secondary names it; should they differ (a secondary deployed against an older
        // primary), both are read.
        var replicas = new[] { secondary.DecisionLog, primary.DecisionLog }.Distinct()
            .SelectMany(table => new[] { secondary.Region, primary.Region }.Select(region => (table, region))).ToList();
        var runs = (await items.RunsAsync(replicas, session.Output, ct)).Take(last).ToList();
        var (secondaryPlan, primaryPlan) = await planReads;
        IReadOnlyList<PlanRead> plans = [secondaryPlan, primaryPlan];
        foreach (var missing in plans.Where(p => p.Plan is null))
            session.Output.Warn($"{missing.Missing}; its runs are shown without the model");

        var shown = new JsonArray();
        if (runs.Count == 0) session.Output.Line("No run has been measured yet: a failover, failback or drill records itself when it ends (`failoverctl start drill`).");
        foreach (var run in runs)
            shown.Add(Show(session.Output, run, ModelOf(run, plans, session.Project)));
        session.Output.Result(new JsonObject { ["ok"] = true, ["exitCode"] = ExitCodes.Ok, ["runs"] = shown });
        return ExitCodes.Ok;
    }

    /// One run, phase by phase beside its model, as text; returns it as JSON.
    private static JsonObject Show(Output output, RunRecord run, RecoveryModel? model)
    {
        var rows = RecoveryPhases.All.Select(phase => (Phase: phase, Model: model?.Phases.FirstOrDefault(p => p.Phase == phase)))
            .Where(x => x.Model is not null || run.Phases.GetValueOrDefault(x.Phase) is not null)
            .Select(x => new PhaseRow(x.Phase, run.Phases.GetValueOrDefault(x.Phase), x.Model?.TypicalSeconds, x.Model?.BoundSeconds)).ToList();
        var measuredTotal = rows.Sum(r => r.Measured ?? 0);
        var unmeasured = rows.Where(r => r.Measured is null).Select(r => r.Phase).ToList();
        // With a model, the total is the drill-recovery-time check's: the model's bound stands in for each phase not measured.
        var estimate = model is null ? null : RecoveryTimeEstimate.Of(run, model);

        output.Line($"{run.Action} {run.Outcome}, started {run.StartedAt} by {run.Source} ({run.Stack}; {run.Execution})");
        output.Table(["  phase", "measured", "typical", "bound", ""],
            rows.Select(r => (IReadOnlyList<string>)[$"  {r.Phase}", Seconds(r.Measured), Seconds(r.Typical), Seconds(r.Bound), r.OverBound ? "OVER BOUND" : ""])
                .Append([$"  total", Seconds(estimate?.TotalSeconds ?? measuredTotal), Seconds(model?.Phases.Sum(p => p.TypicalSeconds)),
                    model is null ? "-" : $"{Seconds(model.ObjectiveSeconds)} objective", estimate?.OverObjective == true ? "OVER OBJECTIVE" : ""]));
        if (estimate is { Modelled.Count: > 0 })
            output.Line($"  total = {Seconds(estimate.MeasuredSeconds)} measured + {Seconds(estimate.ModelledSeconds)} modelled: the bound of " +
                        $"{string.Join(", ", RecoveryPhases.All.Where(estimate.Modelled.ContainsKey))}, not measured in this run");
        else if (estimate is null && unmeasured.Count > 0)
            output.Line($"  not measured in this run: {string.Join(", ", unmeasured)} (no model: the total leaves them out)");
        output.Line();
        return new JsonObject
        {
            ["execution"] = run.Execution, ["action"] = run.Action, ["stack"] = run.Stack, ["outcome"] = run.Outcome, ["source"] = run.Source,
            ["startedAt"] = run.StartedAt, ["finishedAt"] = run.FinishedAt,
            ["phases"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
            {
                ["phase"] = r.Phase, ["measuredSeconds"] = r.Measured, ["typicalSeconds"] = r.Typical, ["boundSeconds"] = r.Bound, ["overBound"] = r.OverBound,
            })]),
            ["phasesOverBound"] = new JsonArray([.. rows.Where(r => r.OverBound).Select(r => (JsonNode)r.Phase)]),
            ["measuredSeconds"] = measuredTotal,
            ["modelledPhases"] = new JsonArray([.. RecoveryPhases.All.Where(p => estimate?.Modelled.ContainsKey(p) == true).Select(p => (JsonNode)p)]),
            ["modelledSeconds"] = estimate?.ModelledSeconds, ["totalSeconds"] = estimate?.TotalSeconds ?? measuredTotal,
            ["objectiveSeconds"] = model?.ObjectiveSeconds, ["overObjective"] = estimate?.OverObjective == true,
        };
    }

    /// The model of the stack whose workflow ran: by the stack the record names (its prefix, or its Pulumi name), else by its action
    /// (a failback is the primary's move, a failover or drill the secondary's).
    private static RecoveryModel? ModelOf(RunRecord run, IReadOnlyList<PlanRead> plans, Project project)
    {
        var named = plans.FirstOrDefault(p => p.Stack == run.Stack || p.Stack == project.NamePrefix(run.Stack))?.Plan;
        var role = run.Action == "failback" ? "primary" : "secondary";
        return (named ?? plans.FirstOrDefault(p => p.Plan?.Role == role)?.Plan)?.Model;
    }

    private static string Seconds(double? seconds) => seconds is { } s ? Durations.Human(TimeSpan.FromSeconds(s)) : "-";
}
