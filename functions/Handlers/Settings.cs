using System.Globalization;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// Reads a handler's environment and names every missing or malformed variable at once.
public sealed class Settings(Func<string, string?> env)
{
    private readonly List<string> _problems = [];

    public string Required(string name)
    {
        var value = env(name);
        if (string.IsNullOrWhiteSpace(value)) _problems.Add($"{name} is not set");
        return value ?? "";
    }

    public string? Optional(string name) => string.IsNullOrWhiteSpace(env(name)) ? null : env(name);

    public int Int(string name, int? fallback = null, int min = 0)
    {
        var raw = env(name);
        if (string.IsNullOrWhiteSpace(raw))
        {
            if (fallback is null) _problems.Add($"{name} is not set");
            return fallback ?? 0;
        }
        if (!int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min)
        {
            _problems.Add($"{name} must be a whole number >= {min} (got '{raw}')");
            return fallback ?? 0;
        }
        return value;
    }

    public IReadOnlyList<string> List(string name) =>
        (env(name) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public FlagMode Flag(string name)
    {
        var raw = env(name);
        if (string.IsNullOrWhiteSpace(raw)) { _problems.Add($"{name} is not set"); return FlagMode.Block; }
        if (Vocabulary.ParseFlag(raw) is { } mode) return mode;
        _problems.Add($"{name} must be auto, block or force (got '{raw}')");
        return FlagMode.Block;
    }

    public void Problem(string message) => _problems.Add(message);

    /// Throws before any AWS call when anything was missing.
    public void ThrowIfInvalid(string handler)
    {
        if (_problems.Count > 0) throw new ConfigurationException($"{handler} cannot run: {string.Join("; ", _problems)}.");
    }
}
