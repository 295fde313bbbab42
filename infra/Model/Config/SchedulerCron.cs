using System.Globalization;
using System.Text.RegularExpressions;

namespace Failover.Infra.Config;

/// EventBridge Scheduler's cron grammar (Scheduler User Guide, "Schedule types", cron-based schedules: six fields, minutes
/// hours day-of-month month day-of-week year, with `, - * /` everywhere, `? L W` in day-of-month, `? L #` in day-of-week,
/// and `?` in exactly one of the two day fields), checked here so that a mistake is named at compile time, not by Scheduler
/// half-way through a deploy.
public static partial class SchedulerCron
{
    private sealed record Field(string Name, int Min, int Max, string[] Names, string Specials);

    private static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] Days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private static readonly Field[] Fields =
    [
        new("minutes", 0, 59, [], ""),
        new("hours", 0, 23, [], ""),
        new("day-of-month", 1, 31, [], "?LW"),
        new("month", 1, 12, Months, ""),
        new("day-of-week", 1, 7, Days, "?L#"),
        new("year", 1970, 2199, [], ""),
    ];

    /// Why `expression` is no Scheduler cron expression, or null when it is one. `oneMinute`: the minutes field must be one
    /// number (the schedule fires at most once an hour).
    public static string? Problem(string expression, bool oneMinute)
    {
        var match = CronPattern().Match(expression);
        if (!match.Success) return "must be cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 3 ? * MON *)";
        var parts = match.Groups["fields"].Value.Split(' ');
        if (parts.Length != Fields.Length)
            return $"must have 6 fields (minutes hours day-of-month month day-of-week year), not {parts.Length}: Scheduler's cron has a year field, e.g. cron(0 3 ? * MON *)";
        for (var i = 0; i < parts.Length; i++)
            if (FieldProblem(Fields[i], parts[i]) is { } problem) return problem;
        if ((parts[2] == "?") == (parts[4] == "?"))
            return "must have ? in exactly one of day-of-month and day-of-week (Scheduler refuses a value or * in both, and ? in both), e.g. cron(0 3 ? * MON *) or cron(0 3 1 * ? *)";
        if (oneMinute && !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            return $"must name one minute (got minutes field '{parts[0]}'): a drill scales the standby up and holds the lock for minutes, so at most one an hour";
        return null;
    }

    private static string? FieldProblem(Field field, string text)
    {
        if (text == "?") return field.Specials.Contains('?') ? null : $"uses ? in the {field.Name} field: only day-of-month and day-of-week take it";
        foreach (var item in text.Split(','))
        {
            if (item.Length == 0) return $"has a bad {field.Name} field '{text}': an empty item between commas";
            if (ItemProblem(field, item) is { } problem) return $"has a bad {field.Name} field '{text}': {problem}";
        }
        return null;
    }

    private static string? ItemProblem(Field field, string item)
    {
        if (field.Specials.Contains('L') && item == "L") return null;
        // 3W (the weekday nearest the 3rd), LW (the last weekday); 6L (the last Friday), 3#2 (the second Tuesday).
        if (field.Specials.Contains('W') && item == "LW") return null;
        if (field.Specials.Contains('W') && item.EndsWith('W')) return ValueProblem(field, item[..^1]);
        if (field.Specials.Contains('L') && item.EndsWith('L')) return ValueProblem(field, item[..^1]);
        if (field.Specials.Contains('#') && item.Split('#') is [var day, var nth])
            return ValueProblem(field, day) ?? (nth is "1" or "2" or "3" or "4" or "5" ? null : $"'{item}': the week after # must be 1-5");
        var (range, step) = item.Split('/') switch
        {
            [var r] => (r, null),
            [var r, var s] => (r, s),
            _ => (item, "bad"),
        };
        if (step is not null && (!int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1))
            return $"'{item}': the increment after / must be a whole number of at least 1";
        if (range == "*") return null;
        return range.Split('-') switch
        {
            [var one] => ValueProblem(field, one),
            [var from, var to] => ValueProblem(field, from) ?? ValueProblem(field, to),
            _ => $"'{item}' is no value, range (a-b), increment (a/b) or *",
        };
    }

    private static string? ValueProblem(Field field, string value)
    {
        if (Array.IndexOf(field.Names, value) >= 0) return null;
        var named = field.Names.Length > 0 ? $" or {field.Names[0]}-{field.Names[^1]}" : "";
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= field.Min && n <= field.Max
            ? null
            : $"'{value}' is not {field.Min}-{field.Max}{named}";
    }

    [GeneratedRegex(@"^cron\((?<fields>[^()]*)\)$")]
    private static partial Regex CronPattern();
}
