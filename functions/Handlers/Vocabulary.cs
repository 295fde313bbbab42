using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// What a workflow run was started to do.
public enum FailoverAction { Failover, Failback, Drill }

/// The user request flag.
public enum FlagMode { Auto, Block, Force }

/// The primary's health as the evidence shows it.
public enum Health { Healthy, Unhealthy, Unknown }

/// What `decide` tells the workflow to do.
public enum Decision { Failover, Failback, Drill, Blocked, NoAction }

/// The wire spellings of the vocabulary, and strict parsing of what callers send.
public static class Vocabulary
{
    public static FailoverAction ParseAction(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "failover" => FailoverAction.Failover,
        "failback" => FailoverAction.Failback,
        "drill" => FailoverAction.Drill,
        null or "" => throw new InvalidInputException("'action' is required: failover, failback or drill."),
        _ => throw new InvalidInputException($"Unknown action '{value}': expected failover, failback or drill."),
    };

    /// `true`/`false` are the seed values of an older flag and mean auto/block.
    public static FlagMode? ParseFlag(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "auto" or "true" => FlagMode.Auto,
        "block" or "false" => FlagMode.Block,
        "force" => FlagMode.Force,
        _ => null,
    };

    public static string Wire(this FailoverAction action) => action.ToString().ToLowerInvariant();

    public static string Wire(this FlagMode mode) => mode.ToString().ToLowerInvariant();

    public static string Wire(this Health health) => health.ToString().ToUpperInvariant();

    public static string Wire(this Decision decision) => decision switch
    {
        Decision.NoAction => "NO_ACTION",
        _ => decision.ToString().ToUpperInvariant(),
    };
}
