using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// Strict parsing of what callers send: a request naming no action, or an unknown one, is refused before anything is done.
public static class Vocabulary
{
    public static FailoverAction ParseAction(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new InvalidInputException($"'action' is required: {Expected}.")
            : Wire.ParseAction(value) ?? throw new InvalidInputException($"Unknown action {Echo.Of(value)}: expected {Expected}.");

    private static string Expected => string.Join(", ", Wire.ActionSpellings.Keys);
}
