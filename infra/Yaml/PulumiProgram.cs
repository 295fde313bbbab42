namespace Failover.Infra.Yaml;

/// A whole Pulumi YAML program: variables, resources in declaration order, and stack outputs.
public sealed class PulumiProgram(string name, string description)
{
    private readonly List<(string Name, Value Value)> _variables = [];
    private readonly List<Resource> _resources = [];
    private readonly SortedDictionary<string, Value> _outputs = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public string Description { get; } = description;

    public IReadOnlyList<(string Name, Value Value)> Variables => _variables;

    public IReadOnlyList<Resource> Resources => _resources;

    public IReadOnlyDictionary<string, Value> Outputs => _outputs;

    public Ref AddVariable(string name, Value value)
    {
        EnsureUnique(name);
        _variables.Add((name, value));
        return new Ref(name);
    }

    public Resource Add(Resource resource)
    {
        EnsureUnique(resource.Name);
        _resources.Add(resource);
        return resource;
    }

    public void Export(string name, Value value)
    {
        if (!_outputs.TryAdd(name, value)) throw new InvalidOperationException($"Output '{name}' is exported twice.");
    }

    private void EnsureUnique(string name)
    {
        if (_variables.Any(v => v.Name == name) || _resources.Any(r => r.Name == name))
            throw new InvalidOperationException($"'{name}' is declared twice in the program.");
    }
}
