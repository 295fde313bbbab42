using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// Strict parsing of what callers send: a request naming no action, or an unknown one, is refused before anything is done.
public static class Vocabulary
{
    public static FailoverAction ParseAction(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new InvalidInputException($"'action' is required: {Expected}.")
            : Wire.ParseAction(value) ?? throw new InvalidInputException($"Unknown action {BoundedText.Of(value)}: expected {Expected}.");

    /// An optional size: null when absent; present but neither `active` nor `standby` (an empty string too) is refused.
    public static ServiceSize? ParseSize(string? value) =>
        value is null
            ? null
            : Wire.ParseSize(value) ?? throw new InvalidInputException(
                $"'size' must be {string.Join(" or ", Wire.SizeSpellings.Keys)} (got {BoundedText.Of(value)}); leave it out to size by the action.");

    private static string Expected => string.Join(", ", Wire.ActionSpellings.Keys);
}
