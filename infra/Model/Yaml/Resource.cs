namespace Failover.Infra.Yaml;

/// One resource of the program: a stable logical name, a provider type token, its inputs and options.
public sealed record Resource
{
    /// Kebab-case logical name; renaming it replaces the resource in production.
    public required string Name { get; init; }

    /// Provider type token, e.g. `aws:ecs/service:Service`, or `pulumi:providers:aws` for an explicit provider.
    public required string Type { get; init; }

    public required Map Properties { get; init; }

    public ResourceOptions Options { get; init; } = ResourceOptions.None;

    /// `${name.property}`: an output other resources may reference.
    public Ref Out(string property) => new(Name, property);

    /// `${name}`: the resource itself (dependsOn, provider, or its id where a provider accepts it).
    public Ref Self => new(Name);

    /// The package whose plugin serves the type (`aws`, `aws-native`; `pulumi` for built-ins such as StackReference).
    public string Package => PackageOf(Type);

    internal static string PackageOf(string token) =>
        token.StartsWith("pulumi:providers:", StringComparison.Ordinal) ? token["pulumi:providers:".Length..] : token[..token.IndexOf(':')];
}

/// Another name this resource had, so a rename or a move does not replace it.
public sealed record Alias
{
    public string? Name { get; init; }
    public string? Type { get; init; }
    /// The full URN it had, when name and type are not enough (another stack or project).
    public string? Urn { get; init; }
}

/// The resource options the program uses (Pulumi YAML `options`).
public sealed record ResourceOptions
{
    public static readonly ResourceOptions None = new();

    public IReadOnlyList<Resource> DependsOn { get; init; } = [];

    /// Properties that something other than Pulumi changes on purpose (autoscaling, the failover workflow).
    public IReadOnlyList<string> IgnoreChanges { get; init; } = [];

    /// An explicit provider (`pulumi:providers:aws` in another region) instead of the stack's default one.
    public Resource? Provider { get; init; }

    /// Pulumi refuses to delete it (state that cannot be rebuilt, such as the control table).
    public bool Protect { get; init; }

    /// `pulumi destroy` or a removal leaves the cloud resource in place.
    public bool RetainOnDelete { get; init; }

    /// A replacement deletes the old resource before creating the new one: for a fixed name that the replacing change keeps.
    public bool DeleteBeforeReplace { get; init; }

    public IReadOnlyList<Alias> Aliases { get; init; } = [];

    /// The provider plugin version; the writer pins it for every resource from the program's pins when unset.
    public string? Version { get; init; }
}
