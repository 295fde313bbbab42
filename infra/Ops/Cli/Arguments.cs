using Failover.Functions.Handlers;

namespace Failover.Ops.Cli;

/// Checks of the free text people type, shared by the commands that store or send it.
public static class Arguments
{
    /// A reason as `decide` will keep it: one line, at most InputLimits.Reason characters; null when none was given.
    public static string? Reason(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var reason = text.Trim();
        if (reason.Length > InputLimits.Reason)
            throw OpsException.Usage($"--reason is at most {InputLimits.Reason} characters (got {reason.Length})");
        if (reason.Any(char.IsControl))
            throw OpsException.Usage("--reason must be one line of plain text (no newlines or control characters): it is repeated in notifications and logs");
        return reason;
    }

    /// A value repeated in an error message, cut so that a pasted page does not become the message.
    public static string Cut(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
