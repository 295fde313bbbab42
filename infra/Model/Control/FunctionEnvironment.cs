using Failover.Contract;
using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// A function's environment, keyed by its handler's descriptor (functions/Contract): only variables its handler declares, and
/// every one it requires, or the compile fails here instead of the function at its first invocation.
public sealed class FunctionEnvironment(HandlerDescriptor handler)
{
    private readonly HandlerEnvironment _contract = handler.Environment;
    private readonly SortedDictionary<string, Value> _variables = new(StringComparer.Ordinal);

    public HandlerDescriptor Handler { get; } = handler;

    /// Variables the .NET runtime reads, not the handler, with the reason for each value.
    public static readonly IReadOnlyDictionary<string, (string Value, string Why)> RuntimeVariables =
        new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            // Hex, as the runtime reads it: 0x200000 = 2 MiB. A warm function's RSS otherwise grows with every invocation
            // (measured ~80 MiB after 500 invocations, ~21 MiB with this; functions/bench/bench.py).
            ["DOTNET_GCgen0size"] = ("200000", "a 2 MiB gen-0 budget keeps a warm function's memory flat"),
        };

    public FunctionEnvironment Set(string name, Value value)
    {
        if (!_contract.Declares(name))
            throw new ArgumentException($"{Handler.Name} does not read {name}; it reads {string.Join(", ", _contract.Required.Concat(_contract.Optional))}.", nameof(name));
        _variables[name] = value;
        return this;
    }

    /// `{variables: {...}}`, the shape of a Lambda function's `environment`.
    public Map Build()
    {
        var missing = _contract.Required.Where(n => !_variables.ContainsKey(n)).ToList();
        if (missing.Count > 0) throw new InvalidOperationException($"{Handler.Name} cannot run without {string.Join(", ", missing)}.");
        var variables = new SortedDictionary<string, Value>(_variables, StringComparer.Ordinal);
        foreach (var (name, (value, _)) in RuntimeVariables) variables[name] = value;
        return Map.Of(("variables", new Map(variables)));
    }
}
