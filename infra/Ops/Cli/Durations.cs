using System.Globalization;
using System.Text.RegularExpressions;

namespace Failover.Ops.Cli;

/// Durations as people type them on a command line: `90m`, `2h`, `1d`.
public static partial class Durations
{
    /// An override that outlives this is no longer an incident decision; a standing policy belongs in `failover:defaultFlag`.
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(7);

    public static readonly TimeSpan MinTtl = TimeSpan.FromMinutes(1);

    [GeneratedRegex(@"^(?<n>[1-9][0-9]{0,5})(?<unit>[smhd])$")]
    private static partial Regex Pattern();

    /// The TTL, or a usage error saying what is accepted.
    public static TimeSpan ParseTtl(string text)
    {
        var match = Pattern().Match(text.Trim());
        if (!match.Success)
            throw OpsException.Usage($"--ttl takes a whole number and a unit s, m, h or d, such as 30m, 2h or 1d (got '{Arguments.Cut(text)}')");
        var n = int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
        var ttl = match.Groups["unit"].Value switch
        {
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
        if (ttl < MinTtl || ttl > MaxTtl)
            throw OpsException.Usage($"--ttl must be between 1m and 7d (got {text.Trim()}); for a lasting default use `pulumi config set failover:defaultFlag`");
        return ttl;
    }

    public static string Human(TimeSpan span) =>
        span.TotalSeconds < 0 ? "-" + Human(span.Negate())
        : span.TotalSeconds < 10 ? $"{span.TotalSeconds:0.0}s"
        : span.TotalMinutes < 1 ? $"{span.TotalSeconds:0}s"
        : span.TotalHours < 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s"
        : span.TotalDays < 1 ? $"{(int)span.TotalHours}h{span.Minutes:00}m"
        : $"{(int)span.TotalDays}d{span.Hours:00}h";
}
