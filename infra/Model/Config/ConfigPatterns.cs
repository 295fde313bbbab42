using System.Text.RegularExpressions;

namespace Failover.Infra.Config;

/// Forms more than one section checks.
internal static partial class ConfigPatterns
{
    [GeneratedRegex(@"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")]
    public static partial Regex Region();

    /// Lowercase letters, digits and dashes: the names physical names are built from.
    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    public static partial Regex Name();
}
