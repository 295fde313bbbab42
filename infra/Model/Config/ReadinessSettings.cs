using System.Globalization;
using System.Text.RegularExpressions;

namespace Failover.Infra.Config;

/// The scheduled readiness checks of each stack.
public sealed record ReadinessSettings
{
    /// A Scheduler rate expression, or null when the scheduled checks are off (config `off`).
    public string? Rate { get; init; }
    /// The rate in seconds (null when off): the readiness alarm's period.
    public int? IntervalSeconds { get; init; }
    /// The drill-age check fails once the last successful drill is older than this.
    public required int DrillMaxAgeDays { get; init; }
}

/// readinessRate, drillMaxAgeDays.
public static partial class ReadinessSection
{
    /// Bounds of readinessRate. At most 12 hours: the readiness alarm looks at two periods, and CloudWatch caps an alarm's
    /// periods times evaluations at one day.
    public const int MinIntervalSeconds = 300, MaxIntervalSeconds = 43200;

    public static readonly TextSetting ReadinessRate = new()
    {
        Key = "readinessRate",
        Default = "rate(15 minutes)",
        Form = "rate(N minutes) or rate(N hours), from 5 minutes to 12 hours; or off",
        Description = "how often each stack's scheduled readiness checks run, or off",
        Why = "every 15 minutes: drift is found within half an hour (the alarm needs two failing runs), and ARC Region switch " +
            "evaluates its plans every 30; about 3,000 short invocations a month",
    };

    public static readonly IntSetting DrillMaxAgeDays = new()
    {
        Key = "drillMaxAgeDays",
        Default = 30,
        Min = 1,
        Max = 365,
        Description = "the drill-age readiness check fails once the last successful drill is older than this (days)",
        Why = "30 days: a monthly drill proves the move with this month's image, quotas and permissions",
    };

    public static IReadOnlyList<Setting> All => [ReadinessRate, DrillMaxAgeDays];

    internal static ReadinessSettings Parse(ConfigReader r)
    {
        var drillMaxAge = r.Int(DrillMaxAgeDays);
        var rate = r.Text(ReadinessRate).Trim();
        if (rate == "off") return new ReadinessSettings { Rate = null, DrillMaxAgeDays = drillMaxAge };
        var match = RatePattern().Match(rate);
        if (!match.Success)
        {
            r.Fail(ReadinessRate, $"must be 'off' or a rate like rate(15 minutes): a whole number and minute(s) or hour(s) (got '{rate}')");
            return new ReadinessSettings { Rate = null, DrillMaxAgeDays = drillMaxAge };
        }
        var n = int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
        var unit = match.Groups["unit"].Value;
        var seconds = n * (unit.StartsWith("minute", StringComparison.Ordinal) ? 60 : 3600);
        if ((n == 1) == unit.EndsWith('s'))
            r.Fail(ReadinessRate, $"must use the singular unit for 1 and the plural otherwise, as Scheduler requires (got '{rate}')");
        else if (seconds is < MinIntervalSeconds or > MaxIntervalSeconds)
            r.Fail(ReadinessRate, $"must be from 5 minutes to 12 hours: the readiness alarm looks at two runs, and CloudWatch caps an alarm at a day (got '{rate}')");
        return new ReadinessSettings { Rate = rate, IntervalSeconds = seconds, DrillMaxAgeDays = drillMaxAge };
    }

    [GeneratedRegex(@"^rate\((?<n>[1-9][0-9]{0,3}) (?<unit>minutes?|hours?)\)$")]
    private static partial Regex RatePattern();
}
