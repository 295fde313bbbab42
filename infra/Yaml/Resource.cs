namespace Failover.Infra.Yaml;

/// One resource of the program: a stable logical name, a provider type token, its inputs and options.
public sealed record Resource
{
    /// Kebab-case logical name; renaming it replaces the resource in production.
    public required string Name { get; init; }

    /// Provider type token, e.g. `aws:ecs/service:Service`.
    public required string Type { get; init; }

    public required Map Properties { get; init; }

    public ResourceOptions Options { get; init; } = ResourceOptions.None;

    /// `${name.property}`: an output other resources may reference.
    public Ref Out(string property) => new(Name, property);

    /// `${name}`: the resource itself (dependsOn, or its id where a provider accepts it).
    public Ref Self => new(Name);

    /// The package that serves the type (`aws`, `aws-native`).
    public string Package => Type[..Type.IndexOf(':')];
}

/// Resource options the program uses.
public sealed record ResourceOptions
{
    public static readonly ResourceOptions None = new();

    public IReadOnlyList<Resource> DependsOn { get; init; } = [];

    /// Properties that something other than Pulumi changes on purpose (autoscaling, the failover workflow).
    public IReadOnlyList<string> IgnoreChanges { get; init; } = [];

    public bool IsEmpty => DependsOn.Count == 0 && IgnoreChanges.Count == 0;
}
