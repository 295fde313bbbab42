using System.Globalization;
using System.Text.RegularExpressions;

namespace Failover.Infra.Config;

/// What starts the secondary's workflow besides the alarms: the scheduled probe.
public sealed record TriggerSettings
{
    /// A Scheduler rate expression, or null when the probe is off (config `off`). The secondary's only: the primary ignores it.
    public string? ProbeRate { get; init; }
    /// The rate in seconds (null when off): what the probe's silence alarm waits three times for.
    public int? ProbeIntervalSeconds { get; init; }
}

/// probeRate.
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

    public static IReadOnlyList<Setting> All => [ProbeRate];

    internal static TriggerSettings Parse(ConfigReader r)
    {
        var rate = r.Text(ProbeRate).Trim();
        if (rate == "off") return new TriggerSettings { ProbeRate = null };
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
        return new TriggerSettings { ProbeRate = rate, ProbeIntervalSeconds = seconds };
    }

    [GeneratedRegex(@"^rate\((?<n>0|[1-9][0-9]{0,3}) (?<unit>minutes?|hours?|days?)\)$")]
    private static partial Regex RatePattern();
}
