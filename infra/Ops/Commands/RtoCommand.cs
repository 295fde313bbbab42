using System.CommandLine;
using System.Text.Json.Nodes;
using Failover.Ops.Cli;
using Failover.Infra.Config;
using Failover.Infra.Estimates;

namespace Failover.Ops.Commands;

/// `failoverctl rto`: the compiler's recovery-time budget of both stacks, read from their config files offline, and the standby's
/// monthly cost, warm against pilot light, with the prices used.
public static class RtoCommand
{
    public static Command Build(OpsContext context)
    {
        var rto = CommandHelp.Attach(new Command("rto", $"Show the modelled recovery time of a failover (secondary) and a failback (primary) against failover:{StackSection.RtoObjectiveMinutes.Key}, and the standby's monthly cost, warm vs pilot light"), [
            "failoverctl rto",
            "failoverctl rto --output json | jq '.budgets[] | {action, boundSeconds, objectiveSeconds}'",
        ],
            (ExitCodes.Ok, "both budgets fit the objective"),
            (ExitCodes.Failed, "a stack's configuration cannot be read (the compiler names the same problems)"),
            (ExitCodes.OverObjective, $"a budget's bound is over failover:{StackSection.RtoObjectiveMinutes.Key}: the compiler refuses the stack with the same code"));
        rto.SetAction((parse, ct) => Task.FromResult(Run(new Session(context, parse))));
        return rto;
    }

    private static int Run(Session session)
    {
        var stacks = new[] { session.Project.SecondaryStack, session.Project.PrimaryStack }.Select(stack => Config(session, stack)).ToList();
        var budgets = stacks.Select(x => RecoveryTimeBudget.For(x.Config)).ToList();
        var standby = stacks.First(x => x.Inputs.Stack == session.Project.SecondaryStack).Config;
        var cost = StandbyCost.Estimate(standby);

        foreach (var budget in budgets)
        {
            session.Output.Line(RecoveryTimeReport.Text(budget).TrimEnd());
            session.Output.Line();
        }
        session.Output.Line(StandbyCostReport.Text(cost).TrimEnd());
        // A pipeline may gate on it: the same promise the compiler enforces, in one sentence and, with --output json, one document.
        var over = budgets.FirstOrDefault(b => !b.Fits);
        var refusal = over is null ? null : RecoveryTimeReport.Refusal(over, ObjectiveOrigin(stacks.Single(x => x.Inputs.Stack == over.Stack).Inputs));
        if (refusal is not null) session.Context.Err.WriteLine($"error: {refusal}");
        session.Output.Result(new JsonObject
        {
            ["ok"] = over is null, ["exitCode"] = over is null ? ExitCodes.Ok : ExitCodes.OverObjective, ["message"] = refusal,
            ["budgets"] = new JsonArray([.. budgets.Select(b => (JsonNode)new JsonObject
            {
                ["stack"] = b.Stack, ["action"] = b.Action, ["region"] = b.Region, ["objectiveSeconds"] = b.ObjectiveSeconds,
                ["typicalSeconds"] = b.TypicalSeconds, ["boundSeconds"] = b.BoundSeconds, ["fits"] = b.Fits,
                ["phases"] = new JsonArray([.. b.Phases.Select(p => (JsonNode)new JsonObject
                {
                    ["name"] = p.Name, ["typicalSeconds"] = p.TypicalSeconds, ["boundSeconds"] = p.BoundSeconds, ["from"] = p.From,
                    ["keys"] = new JsonArray([.. p.Keys.Select(k => (JsonNode)k)]),
                })]),
                ["notes"] = new JsonArray([.. b.Notes.Select(n => (JsonNode)n)]),
            })]),
            ["standbyCost"] = new JsonObject
            {
                ["stack"] = session.Project.SecondaryStack, ["standbyCount"] = cost.StandbyCount, ["warmMonthlyUsd"] = cost.WarmMonthlyUsd,
                ["pilotLightMonthlyUsd"] = cost.PilotLightMonthlyUsd, ["differenceUsd"] = cost.DifferenceUsd,
                ["prices"] = new JsonArray([.. cost.Prices.Select(p => (JsonNode)new JsonObject { ["item"] = p.Item, ["usd"] = p.Usd, ["unit"] = p.Unit, ["source"] = p.Source })]),
            },
        });
        return over is null ? ExitCodes.Ok : ExitCodes.OverObjective;
    }

    /// The file the objective is set in, as the compiler names it: Pulumi.yaml when no stack file overrides it.
    private static string ObjectiveOrigin(StackInputs inputs) => inputs.OriginOf(inputs.Key(StackSection.RtoObjectiveMinutes));

    /// The stack's config as the compiler reads it offline (Pulumi.yaml and Pulumi.STACK.yaml); its problems named as the compiler names them.
    private static (StackConfig Config, StackInputs Inputs) Config(Session session, string stack)
    {
        try
        {
            var inputs = StackInputs.FromFiles(session.Project.Directory, stack);
            var result = ConfigParser.Parse(inputs);
            return (result.Config ?? throw new OpsException(
                $"{result.Errors.Count} problem(s) in the configuration of stack '{stack}', the first: {result.Errors.FirstOrDefault() ?? "unknown"} (`bash infra/compile.sh --stack {stack}` lists them all)"), inputs);
        }
        catch (InputException e)
        {
            throw new OpsException($"cannot read the configuration of stack '{stack}': {e.Problems.FirstOrDefault() ?? e.Message}");
        }
    }
}
