using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Failover.Infra.Tests.Oracles;

/// A compiled Pulumi YAML program read back as plain data (maps, lists, strings), the way pulumi-yaml reads it: `$$` is a
/// literal `$`, `${resource.property}` a reference. Oracles read the artifact Pulumi runs, not the compiler's model of it.
internal sealed partial class CompiledProgram
{
    public required string Role { get; init; }
    public required string Region { get; init; }
    public required IReadOnlyDictionary<string, CompiledResource> Resources { get; init; }
    public required IReadOnlyDictionary<string, object?> Outputs { get; init; }
    /// The program `pulumi:pulumi:StackReference` outputs and the peer's fixed names resolve through (compiled in the same run).
    public CompiledProgram? Peer { get; set; }

    public static CompiledProgram Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (Dictionary<string, object?>)Plain(stream.Documents[0].RootNode)!;
        var outputs = root.GetValueOrDefault("outputs") as Dictionary<string, object?> ?? [];
        var resources = (root.GetValueOrDefault("resources") as Dictionary<string, object?> ?? []).ToDictionary(
            r => r.Key,
            r =>
            {
                var body = (Dictionary<string, object?>)r.Value!;
                return new CompiledResource(r.Key, (string)body["type"]!,
                    body.GetValueOrDefault("properties") as Dictionary<string, object?> ?? [],
                    body.GetValueOrDefault("options") as Dictionary<string, object?> ?? []);
            });
        return new CompiledProgram
        {
            Role = outputs.GetValueOrDefault("role") as string ?? throw new InvalidOperationException("the program has no `role` output"),
            Region = outputs.GetValueOrDefault("region") as string ?? throw new InvalidOperationException("the program has no `region` output"),
            Resources = resources,
            Outputs = outputs,
        };
    }

    /// Pairs a primary and a secondary compiled in the same run: each resolves the other's names, the secondary its stack reference.
    public static (CompiledProgram Primary, CompiledProgram Secondary) Pair(string primaryYaml, string secondaryYaml)
    {
        var primary = Parse(primaryYaml);
        var secondary = Parse(secondaryYaml);
        primary.Peer = secondary;
        secondary.Peer = primary;
        return (primary, secondary);
    }

    public IEnumerable<CompiledResource> OfType(string type) => Resources.Values.Where(r => r.Type == type);

    public CompiledResource Resource(string name) =>
        Resources.GetValueOrDefault(name) ?? throw new Xunit.Sdk.XunitException($"no resource '{name}' in the compiled {Role} program");

    /// The region a resource is deployed in: its provider's, or the stack's.
    public string RegionOf(CompiledResource resource)
    {
        if (resource.Options.GetValueOrDefault("provider") is not string provider) return Region;
        var name = WholeReference(provider) ?? throw new InvalidOperationException($"{resource.Name}'s provider is not a reference: {provider}");
        return Resource(name).Properties.GetValueOrDefault("region") as string
            ?? throw new InvalidOperationException($"the provider {name} of {resource.Name} names no region");
    }

    /// What a string value designates: a property of a resource of this program or (through a stack reference) the peer's,
    /// or literal text with `${partition}` and `${account-id}` read as `aws` and the test account.
    public Designation Designate(string raw)
    {
        if (WholeReference(raw) is { } reference)
        {
            var dot = reference.IndexOf('.', StringComparison.Ordinal);
            var head = dot < 0 ? reference : reference[..dot];
            var property = dot < 0 ? "" : reference[(dot + 1)..];
            var output = OutputReference().Match(property);
            if (output.Success && Resources.GetValueOrDefault(head)?.Type == "pulumi:pulumi:StackReference")
            {
                if (Peer is null) return new Designation.Unknown($"${{{reference}}}: no peer program to read it from");
                return Peer.Outputs.GetValueOrDefault(output.Groups[1].Value) is string value
                    ? Peer.Designate(value)
                    : new Designation.Unknown($"${{{reference}}}: the {Peer.Role} program has no such string output");
            }
            return Resources.GetValueOrDefault(head) is { } resource
                ? new Designation.Property(this, resource, property)
                : new Designation.Unknown($"${{{reference}}}: no resource {head} in the {Role} program");
        }
        var text = Literal(raw);
        return text is null ? new Designation.Unknown($"{raw}: references other than the partition and the account") : new Designation.Text(text);
    }

    /// The text a literal string stands for, or null when it holds references other than the partition and the account.
    public static string? Literal(string raw)
    {
        var text = Pieces().Replace(raw, m => m.Value switch
        {
            "$$" => "$",
            "${partition}" => "aws",
            "${account-id}" => Account,
            _ => "\u0000",
        });
        return text.Contains('\u0000', StringComparison.Ordinal) ? null : text;
    }

    /// `${a.b}` as the whole string: `a.b`; otherwise null.
    public static string? WholeReference(string raw)
    {
        var match = Pieces().Match(raw);
        return match.Success && match.Index == 0 && match.Length == raw.Length && match.Groups[1].Success ? match.Groups[1].Value : null;
    }

    public const string Account = "123456789012";

    /// The value a resource's fixed-name property would have once deployed (name, or an ARN built from it), or null.
    public string? Deployed(CompiledResource resource, string property)
    {
        var name = resource.Properties.GetValueOrDefault("name") as string is { } n ? Literal(n) : null;
        if (name is null) return null;
        return (resource.Type, property) switch
        {
            (_, "name") => name,
            ("aws:sfn/stateMachine:StateMachine", "arn") => $"arn:aws:states:{RegionOf(resource)}:{Account}:stateMachine:{name}",
            ("aws:sns/topic:Topic", "arn") => $"arn:aws:sns:{RegionOf(resource)}:{Account}:{name}",
            ("aws:cloudwatch/metricAlarm:MetricAlarm", "arn") => $"arn:aws:cloudwatch:{RegionOf(resource)}:{Account}:alarm:{name}",
            _ => null,
        };
    }

    private static object? Plain(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => Plain(c.Value)),
        YamlSequenceNode list => list.Children.Select(Plain).ToList(),
        YamlScalarNode scalar => scalar.Value,
        _ => null,
    };

    [GeneratedRegex(@"\$\$|\$\{([^}]*)\}")]
    private static partial Regex Pieces();

    [GeneratedRegex(@"^outputs\[""([^""]+)""\]$")]
    private static partial Regex OutputReference();
}

internal sealed record CompiledResource(string Name, string Type, Dictionary<string, object?> Properties, Dictionary<string, object?> Options)
{
    /// `target.input`, `dashboardBody.fn::toJSON.widgets`: a property by path of map keys.
    public object? Prop(string path)
    {
        object? current = Properties;
        foreach (var key in path.Split('.'))
            current = current is Dictionary<string, object?> map ? map.GetValueOrDefault(key) : null;
        return current;
    }
}

/// What a value in a compiled program designates.
internal abstract record Designation
{
    public sealed record Property(CompiledProgram Program, CompiledResource Resource, string Name) : Designation;
    public sealed record Text(string Value) : Designation;
    public sealed record Unknown(string Why) : Designation;
}

internal static class ProblemList
{
    /// Fails with every problem listed, one a line (a collection assertion would show only the first).
    public static void ShouldBeNone(this IEnumerable<string> problems, string because)
    {
        var all = problems.ToList();
        if (all.Count > 0) throw new Xunit.Sdk.XunitException($"{because}; {all.Count} found:\n  {string.Join("\n  ", all)}");
    }
}
