using System.Text.Json;
using System.Text.Json.Nodes;

namespace Failover.Infra.Config;

/// A user-defined single-metric alarm that also backs a Route 53 health check.
public sealed record ExtraAlarm
{
    public required string Name { get; init; }
    public required string Namespace { get; init; }
    public required string MetricName { get; init; }
    public required string Statistic { get; init; }
    public required IReadOnlyDictionary<string, string> Dimensions { get; init; }
    public required double Threshold { get; init; }
    public required string ComparisonOperator { get; init; }
    public required int PeriodSeconds { get; init; }
    public required int EvaluationPeriods { get; init; }
    public required string TreatMissingData { get; init; }
    /// What its Route 53 check reports without data; defaults to what treatMissingData says no data means.
    public required string InsufficientDataHealthStatus { get; init; }

    /// breaching → Unhealthy, notBreaching → Healthy, ignore/missing → LastKnownStatus: Route 53 reads the metric, not
    /// the alarm state, so its check must say of missing data what the alarm says.
    public static string InsufficientDataHealthStatusFor(string treatMissingData) => treatMissingData switch
    {
        "breaching" => "Unhealthy",
        "notBreaching" => "Healthy",
        _ => "LastKnownStatus",
    };
}

/// extraAlarms: the user's own single-metric alarms, each also backing a Route 53 health check.
public static class ExtraAlarmSection
{
    /// Statistics a Route 53 CLOUDWATCH_METRIC health check accepts (no extended statistics; API_AlarmIdentifier).
    public static readonly IReadOnlyList<string> Route53Statistics = ["Average", "Minimum", "Maximum", "Sum", "SampleCount"];

    private static readonly string[] ComparisonOperators =
        ["GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"];

    private static readonly string[] MissingDataTreatments = ["breaching", "notBreaching", "ignore", "missing"];

    /// The forwarding rule's pattern lists every trigger alarm's ARN (up to ~145 characters each with the longest names): three
    /// health alarms, two Route 53 ones and eight of these stay within EventBridge's 2048-character pattern.
    public const int MaxExtraAlarms = 8;

    private static readonly HashSet<string> ExtraAlarmFields =
        ["name", "namespace", "metricName", "statistic", "dimensions", "threshold", "comparisonOperator", "period", "evaluationPeriods", "treatMissingData",
            "insufficientDataHealthStatus"];

    private static readonly string[] InsufficientDataStatuses = ["Healthy", "Unhealthy", "LastKnownStatus"];

    public static readonly StructuredSetting Alarms = new()
    {
        Key = "extraAlarms",
        Empty = "[]",
        Form = $"at most {MaxExtraAlarms} of {{name, namespace, metricName, statistic, dimensions?, threshold, comparisonOperator, period?, evaluationPeriods?, " +
            $"treatMissingData?, insufficientDataHealthStatus?}}; each name lowercase letters, digits and dashes, at most {ConfigPatterns.MaxItemName}, " +
            $"unique; statistic one of {string.Join(", ", Route53Statistics)}; period a multiple of 60; evaluationPeriods >= 1; no metric math, " +
            "extended statistics or other accounts' metrics",
        Description = "more health signals: single-metric alarms that each back a Route 53 health check",
        Why = "none: the built-in alarms cover what every service shares",
    };

    public static IReadOnlyList<Setting> All => [Alarms];

    internal static IReadOnlyList<ExtraAlarm> Parse(ConfigReader r, int defaultPeriod, int defaultEvaluation)
    {
        var key = Alarms;
        var list = r.Array(key);
        if (list is null) return [];
        if (list.Count > MaxExtraAlarms)
            r.Fail(key, $"has {list.Count} alarms; at most {MaxExtraAlarms}: the forwarding rule names each trigger alarm by ARN, and an " +
                "EventBridge event pattern holds 2048 characters");
        var alarms = new List<ExtraAlarm>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject item) { r.Fail(key, $"[{i}] must be an object"); continue; }
            var at = $"[{i}]";
            void Bad(string why) => r.Fail(key, $"{at} {why}");

            if (item.ContainsKey("metrics") || item.ContainsKey("expression"))
                Bad("uses metric math; a Route 53 health check needs an alarm on a single metric");
            if (item.ContainsKey("extendedStatistic"))
                Bad($"uses an extended statistic; Route 53 accepts only {string.Join(", ", Route53Statistics)}");
            if (item.ContainsKey("accountId"))
                Bad("names an account; Route 53 needs the alarm's metric in this stack's own account");
            foreach (var field in item.Select(e => e.Key).Where(f => !ExtraAlarmFields.Contains(f) && f is not ("metrics" or "expression" or "extendedStatistic" or "accountId")))
                Bad($"has unknown field '{field}' (known: {string.Join(", ", ExtraAlarmFields)})");

            string Text(string field, bool required = true)
            {
                var value = item[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
                if (value is null && required) Bad($"needs '{field}' (a string)");
                return value ?? "";
            }
            int Whole(string field, int fallback)
            {
                if (item[field] is null) return fallback;
                if (item[field] is JsonValue v && v.TryGetValue<int>(out var n)) return n;
                Bad($"'{field}' must be a whole number");
                return fallback;
            }

            var name = Text("name");
            if (name.Length > 0 && (!ConfigPatterns.Name().IsMatch(name) || name.Length > ConfigPatterns.MaxItemName))
                Bad($"name must be lowercase letters, digits and dashes, at most {ConfigPatterns.MaxItemName} (got '{name}')");
            else if (name.Length > 0 && !names.Add(name)) Bad($"name '{name}' is used twice");
            var statistic = Text("statistic");
            if (statistic.Length > 0 && !Route53Statistics.Contains(statistic))
                Bad($"statistic must be one of {string.Join(", ", Route53Statistics)}, the ones Route 53 accepts (got '{statistic}')");
            var comparison = Text("comparisonOperator");
            if (comparison.Length > 0 && !ComparisonOperators.Contains(comparison))
                Bad($"comparisonOperator must be one of {string.Join(", ", ComparisonOperators)} (got '{comparison}')");
            var missing = item["treatMissingData"] is null ? "missing" : Text("treatMissingData");
            if (!MissingDataTreatments.Contains(missing)) Bad($"treatMissingData must be one of {string.Join(", ", MissingDataTreatments)} (got '{missing}')");
            var insufficient = item["insufficientDataHealthStatus"] is null ? ExtraAlarm.InsufficientDataHealthStatusFor(missing) : Text("insufficientDataHealthStatus");
            if (!InsufficientDataStatuses.Contains(insufficient))
                Bad($"insufficientDataHealthStatus must be one of {string.Join(", ", InsufficientDataStatuses)} (got '{insufficient}')");
            var period = Whole("period", defaultPeriod);
            if (AlarmSection.StandardResolutionProblem(period) is { } problem) Bad($"period {problem}");
            var evaluation = Whole("evaluationPeriods", defaultEvaluation);
            if (evaluation < 1) Bad($"evaluationPeriods must be >= 1 (got {evaluation})");
            double threshold = 0;
            if (item["threshold"] is JsonValue t && t.GetValueKind() == JsonValueKind.Number) threshold = t.GetValue<double>();
            else Bad("needs 'threshold' (a number)");

            var dimensions = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (item["dimensions"] is JsonObject dims)
                foreach (var (k, v) in dims)
                    if (v is JsonValue dv && dv.TryGetValue<string>(out var s)) dimensions[k] = s;
                    else Bad($"dimension '{k}' must be a string");
            else if (item["dimensions"] is not null) Bad("'dimensions' must be an object of strings");

            alarms.Add(new ExtraAlarm
            {
                Name = name,
                Namespace = Text("namespace"),
                MetricName = Text("metricName"),
                Statistic = statistic,
                Dimensions = dimensions,
                Threshold = threshold,
                ComparisonOperator = comparison,
                PeriodSeconds = period,
                EvaluationPeriods = evaluation,
                TreatMissingData = missing,
                InsufficientDataHealthStatus = insufficient,
            });
        }
        return alarms;
    }
}
