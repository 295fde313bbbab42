namespace Failover.Infra.Config;

/// The alarms that say "this region cannot serve", each backing a Route 53 health check.
public sealed record AlarmSettings
{
    public required int PeriodSeconds { get; init; }
    public required int EvaluationPeriods { get; init; }
    public required int MinHealthyHosts { get; init; }
    public required int Target5xxThreshold { get; init; }
    public required int MinRunningTasks { get; init; }
    public required IReadOnlyList<ExtraAlarm> Extra { get; init; }
}

/// The health alarms' period, evaluation periods and thresholds.
public static class AlarmSection
{
    public static readonly IntSetting PeriodSeconds = new()
    {
        Key = "alarmPeriodSeconds",
        Default = 60,
        Min = 10,
        Max = 86400,
        Rule = "a multiple of 60 (Route 53 accepts only standard-resolution alarms)",
        Description = "the period of the health alarms",
        Why = "60 s: the shortest standard-resolution period, the finest Route 53 accepts",
    };

    public static readonly IntSetting EvaluationPeriods = new()
    {
        Key = "alarmEvaluationPeriods",
        Default = 2,
        Min = 1,
        Max = 100,
        Rule = "times alarmPeriodSeconds <= 86400 s (CloudWatch's limit)",
        Description = "periods the health alarms evaluate (they fire on N of N, as their Route 53 checks do)",
        Why = "2 periods: one bad minute is noise, two are an incident (~2 min to detect)",
    };

    public static readonly IntSetting MinHealthyHosts = new()
    {
        Key = "minHealthyHosts",
        Default = 1,
        Min = 1,
        Max = 1000,
        Rule = "<= activeCount, and <= standbyCount for a warm standby",
        Description = "alarm when healthy ALB targets fall below this",
        Why = "1: a region without a single healthy target cannot serve",
    };

    public static readonly IntSetting Target5xxThreshold = new()
    {
        Key = "target5xxThreshold",
        Default = 10,
        Min = 1,
        Description = "alarm at this many target 5XX responses per period",
        Why = "10 per period: a few errors are the application's business, a burst is the region's",
    };

    public static readonly IntSetting MinRunningTasks = new()
    {
        Key = "minRunningTasks",
        Default = 1,
        Min = 1,
        Max = 1000,
        Rule = "<= activeCount, and <= standbyCount for a warm standby",
        Description = "alarm when running tasks (Container Insights) fall below this",
        Why = "1: a service without a running task cannot serve",
    };

    public static IReadOnlyList<Setting> All => [PeriodSeconds, EvaluationPeriods, MinHealthyHosts, Target5xxThreshold, MinRunningTasks];

    internal static AlarmSettings Parse(ConfigReader r)
    {
        var period = r.Int(PeriodSeconds);
        if (StandardResolutionProblem(period) is { } problem) r.Fail(PeriodSeconds, problem);
        var evaluation = r.Int(EvaluationPeriods);
        if ((long)period * evaluation > 86400) r.Fail(EvaluationPeriods, $"times alarmPeriodSeconds must be <= 86400 s, CloudWatch's limit (got {period * (long)evaluation})");

        return new AlarmSettings
        {
            PeriodSeconds = period,
            EvaluationPeriods = evaluation,
            MinHealthyHosts = r.Int(MinHealthyHosts),
            Target5xxThreshold = r.Int(Target5xxThreshold),
            MinRunningTasks = r.Int(MinRunningTasks),
            Extra = ExtraAlarmSection.Parse(r, period, evaluation),
        };
    }

    // Route 53 accepts only standard-resolution alarms: https://docs.aws.amazon.com/Route53/latest/APIReference/API_AlarmIdentifier.html
    internal static string? StandardResolutionProblem(int period) => period < 60 || period % 60 != 0
        ? $"must be a multiple of 60 s: Route 53 health checks accept only standard-resolution alarms (got {period})"
        : null;
}
