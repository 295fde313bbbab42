using System.Text.RegularExpressions;

namespace Failover.Infra.Config;

/// Forms more than one section checks.
internal static partial class ConfigPatterns
{
    /// Lowercase letters, digits and dashes: the names physical names are built from.
    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    public static partial Regex Name();
}
