using System.Globalization;
using System.Text;
using Failover.Infra.Config;

namespace Failover.Infra.Estimates;

/// The recovery time budget as people read it: the compiler prints it on stderr offline, failoverctl prints it on demand.
public static class RecoveryTimeReport
{
    private const int NameWidth = 30, NumberWidth = 8;

    /// A table of the phases (typical and worst-case seconds, and where each comes from), the totals against the objective,
    /// the failover's detection paths and the model's notes. Ends with a newline.
    public static string Text(RecoveryTimeBudget budget)
    {
        var text = new StringBuilder();
        text.AppendLine($"Recovery time budget of stack '{budget.Stack}' ({budget.Action} into {budget.Region}), a model:");
        Row(text, "phase", "typical", "bound", "from what");
        foreach (var phase in budget.Phases) Row(text, phase.Name, Seconds(phase.TypicalSeconds), Seconds(phase.BoundSeconds), phase.From);
        Row(text, "total", Seconds(budget.TypicalSeconds), Seconds(budget.BoundSeconds),
            $"{Duration(budget.TypicalSeconds)} typical, {Duration(budget.BoundSeconds)} at worst");
        var spare = budget.ObjectiveSeconds - budget.BoundSeconds;
        Row(text, "objective", "", Seconds(budget.ObjectiveSeconds),
            $"{ObjectiveKey(budget)} {budget.ObjectiveSeconds / 60}: " +
            (budget.Fits ? $"the bound fits, {Duration(spare)} to spare" : $"the bound exceeds it by {Duration(-spare)}"));
        if (budget.DetectionPaths.Count > 0)
        {
            text.AppendLine("  detection paths:");
            foreach (var path in budget.DetectionPaths)
                Row(text, $"  {path.Name}", Seconds(path.TypicalSeconds), Seconds(path.BoundSeconds),
                    $"{path.From}{(path.OutlivesPrimaryRegion ? "; outlives the primary region" : "")}");
        }
        foreach (var note in budget.Notes) text.AppendLine($"  note: {note}");
        return text.ToString();
    }

    /// The one error line of a refused compile: the objective, the bound, the phases that weigh most and what moves them.
    public static string Refusal(RecoveryTimeBudget budget, string origin)
    {
        var heaviest = budget.Phases.Where(p => p.BoundSeconds > 0).OrderByDescending(p => p.BoundSeconds).Take(3)
            .Select(p => $"{p.Name} {Seconds(p.BoundSeconds)} ({(p.Keys.Count > 0 ? string.Join(", ", p.Keys) : "AWS's own latency")})");
        return $"{ObjectiveKey(budget)} is {budget.ObjectiveSeconds / 60} min ({Seconds(budget.ObjectiveSeconds)}), but the modelled worst-case {budget.Action} " +
            $"of stack '{budget.Stack}' takes {Seconds(budget.BoundSeconds)} ({Duration(budget.BoundSeconds)}) in {origin}: the most is {string.Join(", ", heaviest)}; " +
            $"lower those or raise {ObjectiveKey(budget)} (docs/operating.md, Recovery time (RTO) budget)";
    }

    /// `20 min 10 s`, `45 s`, `30 min`.
    public static string Duration(int seconds) => seconds switch
    {
        < 60 => $"{seconds} s",
        _ when seconds % 60 == 0 => $"{seconds / 60} min",
        _ => $"{seconds / 60} min {seconds % 60} s",
    };

    private static string ObjectiveKey(RecoveryTimeBudget budget) => $"{budget.Project}:{StackSection.RtoObjectiveMinutes.Key}";

    private static string Seconds(int seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds} s");

    private static void Row(StringBuilder text, string name, string typical, string bound, string from) =>
        text.AppendLine($"  {name,-NameWidth} {typical,NumberWidth} {bound,NumberWidth}  {from}".TrimEnd());
}
