using System.Globalization;
using System.Text.RegularExpressions;

namespace Failover.Infra.Config;

/// What starts the secondary's workflow besides the alarms: the scheduled probe, and scheduled drills.
public sealed record TriggerSettings
{
    /// A Scheduler cron expression (UTC), or null: no scheduled drill. The secondary's only.
    public string? DrillSchedule { get; init; }

    /// A Scheduler rate expression, or null when the probe is off (config `off`). The secondary's only: the primary ignores it.
    public string? ProbeRate { get; init; }
    /// The rate in seconds (null when off): what the probe's silence alarm waits three times for.
    public int? ProbeIntervalSeconds { get; init; }
}

/// probeRate and drillSchedule.
public static partial class TriggerSection
{
    public static readonly TextSetting ProbeRate = new()
    {
        Key = "probeRate",
        Default = "rate(1 minute)",
        OnlyRole = Role.Secondary,
        Form = "rate(N minute(s)) up to rate(1 hour), singular for 1; or off",
        Description = "the secondary's scheduled probe of the primary, or off",
        Why = "every minute: decide's own probe makes the probe the fastest detection (~60 s), from the recovery region, for ~$8 a month",
    };

    public static readonly TextSetting DrillSchedule = new()
    {
        Key = "drillSchedule",
        OnlyRole = Role.Secondary,
        Form = "a Scheduler cron expression in UTC, cron(minutes hours day-of-month month day-of-week year) with one minute, e.g. cron(0 3 ? * MON *)",
        Description = "when the secondary drills on its own (scale the standby up, check it, scale it back; no traffic moves); unset: never",
        Why = "unset: a drill costs the active count's tasks for minutes and holds the lock meanwhile, so the operators choose when (a quiet hour, weekly)",
    };

    public static IReadOnlyList<Setting> All => [ProbeRate, DrillSchedule];

    internal static TriggerSettings Parse(ConfigReader r, Role? role)
    {
        var drill = ParseDrillSchedule(r, role);
        var rate = r.Text(ProbeRate).Trim();
        if (rate == "off")
        {
            // A drill holds the lock while it runs: decide refuses a failover an alarm starts meanwhile, and only the probe would
            // start it again once the drill lets go.
            if (drill is not null)
                r.Fail(DrillSchedule, $"needs the probe, but {r.Key(ProbeRate)} is off: a scheduled drill holds the lock while it runs, so a " +
                    "failover an alarm starts meanwhile is refused and nothing starts it again. Set probeRate to a rate (the default is " +
                    $"{ProbeRate.Default}) or remove drillSchedule");
            return new TriggerSettings { ProbeRate = null, DrillSchedule = drill };
        }
        var match = RatePattern().Match(rate);
        var n = match.Success ? int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture) : 0;
        if (!match.Success)
            r.Fail(ProbeRate, $"must be 'off' or a rate like rate(5 minutes): a whole number and minute(s), hour(s) or day(s) (got '{rate}')");
        else if (n == 0) r.Fail(ProbeRate, $"must be at least 1 (got '{rate}')");
        else if ((n == 1) == match.Groups["unit"].Value.EndsWith('s'))
            r.Fail(ProbeRate, $"must use the singular unit for 1 and the plural otherwise, as Scheduler requires (got '{rate}')");
        var seconds = n * (match.Groups["unit"].Value.StartsWith("minute", StringComparison.Ordinal) ? 60
            : match.Groups["unit"].Value.StartsWith("hour", StringComparison.Ordinal) ? 3600 : 86400);
        if (match.Success && n > 0 && seconds > 3600)
            r.Fail(ProbeRate, $"must be at most 1 hour: the probe is the trigger that outlives a failed us-east-1, and a slower one leaves an outage undetected too long (got '{rate}')");
        return new TriggerSettings { ProbeRate = rate, ProbeIntervalSeconds = seconds, DrillSchedule = drill };
    }

    private static string? ParseDrillSchedule(ConfigReader r, Role? role)
    {
        var schedule = r.Raw(DrillSchedule)?.Trim();
        if (schedule is null) return null;
        // Set where nothing reads it, it would look like drills are scheduled when none are.
        if (role == Role.Primary)
        {
            r.Fail(DrillSchedule, "is the secondary's: drills run in the secondary's workflow (the primary's runs failback only); " +
                "set it in the secondary's stack and remove it here");
            return null;
        }
        if (SchedulerCron.Problem(schedule, oneMinute: true) is { } problem)
        {
            r.Fail(DrillSchedule, $"{problem} (got '{schedule}')");
            return null;
        }
        return schedule;
    }

    [GeneratedRegex(@"^rate\((?<n>0|[1-9][0-9]{0,3}) (?<unit>minutes?|hours?|days?)\)$")]
    private static partial Regex RatePattern();
}
