using Failover.Contract;
using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// A function's environment, keyed by the contract the functions read (functions/Contract): only variables its handler
/// declares, and every one it requires, or the compile fails here instead of the function at its first invocation.
public sealed class FunctionEnvironment(string handler)
{
    private readonly HandlerEnvironment _contract = FunctionContract.Environment.TryGetValue(handler, out var contract)
        ? contract
        : throw new ArgumentException($"'{handler}' is not a handler of the functions ({string.Join(", ", HandlerNames.All)}).", nameof(handler));
    private readonly SortedDictionary<string, Value> _variables = new(StringComparer.Ordinal);

    public string Handler { get; } = handler;

    public FunctionEnvironment Set(string name, Value value)
    {
        if (!_contract.Declares(name))
            throw new ArgumentException($"{Handler} does not read {name}; it reads {string.Join(", ", _contract.Required.Concat(_contract.Optional))}.", nameof(name));
        _variables[name] = value;
        return this;
    }

    /// `{variables: {...}}`, the shape of a Lambda function's `environment`.
    public Map Build()
    {
        var missing = _contract.Required.Where(n => !_variables.ContainsKey(n)).ToList();
        if (missing.Count > 0) throw new InvalidOperationException($"{Handler} cannot run without {string.Join(", ", missing)}.");
        return Map.Of(("variables", new Map(_variables)));
    }
}
