using System.Text.RegularExpressions;

namespace Failover.Infra.Config;

/// Forms more than one section checks.
internal static partial class ConfigPatterns
{
    /// The longest name of an item a list setting names (an extra alarm, a recovery task): it becomes part of physical names.
    public const int MaxItemName = 40;

    /// Lowercase letters, digits and dashes: the names physical names are built from.
    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    public static partial Regex Name();
}
