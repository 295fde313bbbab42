namespace Failover.Infra.Yaml;

/// A whole Pulumi YAML program: variables, resources in declaration order, stack outputs, and the provider plugin versions it pins.
public sealed class PulumiProgram(string name, string description, IReadOnlyDictionary<string, string> pinnedVersions)
{
    private readonly List<(string Name, Value Value)> _variables = [];
    private readonly List<Resource> _resources = [];
    private readonly SortedDictionary<string, Value> _outputs = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public string Description { get; } = description;

    /// Package → plugin version; every resource and invoke of a package other than `pulumi` must have one.
    public IReadOnlyDictionary<string, string> PinnedVersions { get; } = pinnedVersions;

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

    /// The version to pin for a package; `pulumi` (StackReference and other built-ins) has no plugin.
    public string? VersionOf(string package)
    {
        if (package == "pulumi") return null;
        return PinnedVersions.TryGetValue(package, out var version) ? version
            : throw new InvalidOperationException($"No pinned plugin version for package '{package}': add it to ProviderVersions.");
    }

    private void EnsureUnique(string name)
    {
        if (_variables.Any(v => v.Name == name) || _resources.Any(r => r.Name == name))
            throw new InvalidOperationException($"'{name}' is declared twice in the program.");
    }
}
