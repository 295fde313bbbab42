using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Failover.Infra.Yaml;

/// Writes a program as Pulumi YAML: block style, every string double-quoted, mapping keys sorted,
/// and every resource and invoke pinned to its provider plugin version.
public static partial class YamlWriter
{
    public static string Write(PulumiProgram program)
    {
        var nodes = new NodeBuilder(program);
        var top = new List<(string, Node)>
        {
            ("name", Scalar.Quoted(program.Name)),
            ("runtime", new Scalar("yaml")),
            ("description", Scalar.Quoted(program.Description)),
        };
        if (program.Variables.Count > 0)
            top.Add(("variables", new Mapping(program.Variables.Select(v => (v.Name, v.Value.Accept(nodes))).ToList())));
        top.Add(("resources", new Mapping(program.Resources.Select(r => (r.Name, nodes.Resource(r))).ToList())));
        if (program.Outputs.Count > 0)
            top.Add(("outputs", new Mapping(program.Outputs.Select(o => (o.Key, o.Value.Accept(nodes))).ToList())));

        var lines = top.SelectMany(e => Entry(e.Item1, e.Item2));
        return string.Join('\n', lines) + "\n";
    }

    // The shape YAML is written from: values become nodes once, here, so rendering knows no value kinds.
    private abstract record Node;

    private sealed record Scalar(string Text) : Node
    {
        public static Scalar Quoted(string text) => new(Quote(text));
    }

    /// Keys in the order given (the builder sorts where order is free).
    private sealed record Mapping(IReadOnlyList<(string Key, Node Value)> Entries) : Node;

    private sealed record Sequence(IReadOnlyList<Node> Items) : Node;

    private sealed class NodeBuilder(PulumiProgram program) : IValueVisitor<Node>
    {
        // type, properties, options in that order: the order Pulumi's documentation uses.
        public Node Resource(Resource resource)
        {
            var entries = new List<(string, Node)> { ("type", Scalar.Quoted(resource.Type)) };
            if (resource.Properties.Entries.Count > 0) entries.Add(("properties", resource.Properties.Accept(this)));
            var options = Options(resource.Options, resource.Options.Version ?? program.VersionOf(resource.Package));
            if (options.Entries.Count > 0) entries.Add(("options", options));
            return new Mapping(entries);
        }

        private Mapping Options(ResourceOptions o, string? version) => Sorted(
            ("aliases", o.Aliases.Count == 0 ? null : new Sequence(o.Aliases.Select(Alias).ToList())),
            ("dependsOn", o.DependsOn.Count == 0 ? null : new Sequence(o.DependsOn.Select(r => r.Self.Accept(this)).ToList())),
            ("ignoreChanges", o.IgnoreChanges.Count == 0 ? null : new Sequence(o.IgnoreChanges.Select(Scalar.Quoted).ToList())),
            ("protect", o.Protect ? new Scalar("true") : null),
            ("provider", o.Provider?.Self.Accept(this)),
            ("retainOnDelete", o.RetainOnDelete ? new Scalar("true") : null),
            ("deleteBeforeReplace", o.DeleteBeforeReplace ? new Scalar("true") : null),
            ("version", version is null ? null : Scalar.Quoted(version)));

        private Node Alias(Alias alias) => alias.Urn is { } urn && alias.Name is null && alias.Type is null
            ? Scalar.Quoted(urn)
            : Sorted(("name", Quoted(alias.Name)), ("type", Quoted(alias.Type)), ("urn", Quoted(alias.Urn)));

        public Node Visit(Str value) => new Scalar(Quote(value.Interpolated));

        public Node Visit(Num value) =>
            new Scalar(value.Number.ToString(value.Number == Math.Floor(value.Number) ? "0" : "R", CultureInfo.InvariantCulture));

        public Node Visit(Bool value) => new Scalar(value.Flag ? "true" : "false");

        public Node Visit(Seq value) => value.Items.Count == 0 ? new Scalar("[]") : new Sequence(value.Items.Select(i => i.Accept(this)).ToList());

        public Node Visit(Map value) => value.Entries.Count == 0
            ? new Scalar("{}")
            // Pulumi YAML interpolates keys too (an ASL `Payload.$`), so they are escaped like any literal string.
            : new Mapping(value.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (new Str(e.Key).Interpolated, e.Value.Accept(this))).ToList());

        public Node Visit(Ref value) => new Scalar(Quote(value.Interpolated));

        public Node Visit(Interpolation value) => new Scalar(Quote(string.Concat(value.Parts.Select(p => p.Interpolated))));

        public Node Visit(ToJson value) => Builtin("fn::toJSON", value.Body.Accept(this));

        public Node Visit(Invoke value)
        {
            var entries = new List<(string, Node)> { ("function", Scalar.Quoted(value.Function)), ("arguments", value.Arguments.Accept(this)) };
            var options = Sorted(("provider", value.Provider?.Self.Accept(this)), ("version", Quoted(program.VersionOf(value.Package))));
            if (options.Entries.Count > 0) entries.Add(("options", options));
            if (value.Return is not null) entries.Add(("return", Scalar.Quoted(value.Return)));
            return Builtin("fn::invoke", new Mapping(entries));
        }

        public Node Visit(FileArchive value) => Builtin("fn::fileArchive", Scalar.Quoted(value.Path));

        public Node Visit(FileAsset value) => Builtin("fn::fileAsset", Scalar.Quoted(value.Path));

        public Node Visit(Secret value) => Builtin("fn::secret", value.Inner.Accept(this));

        // A built-in must be the only key of its mapping.
        private static Mapping Builtin(string name, Node body) => new([(name, body)]);

        private static Scalar? Quoted(string? text) => text is null ? null : Scalar.Quoted(text);

        private static Mapping Sorted(params (string Key, Node? Value)[] entries) =>
            new(entries.Where(e => e.Value is not null).OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, e.Value!)).ToList());
    }

    private static IEnumerable<string> Entry(string key, Node value) => value switch
    {
        Scalar s => [$"{Key(key)}: {s.Text}"],
        _ => new[] { $"{Key(key)}:" }.Concat(Block(value).Select(Indent)),
    };

    private static IEnumerable<string> Block(Node node) => node switch
    {
        Mapping m => m.Entries.SelectMany(e => Entry(e.Key, e.Value)),
        Sequence s => s.Items.SelectMany(Item),
        Scalar s => [s.Text],
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    private static IEnumerable<string> Item(Node item)
    {
        if (item is Scalar s) return [$"- {s.Text}"];
        var lines = Block(item).ToList();
        return lines.Take(1).Select(l => "- " + l).Concat(lines.Skip(1).Select(Indent));
    }

    private static string Key(string key) => PlainKey().IsMatch(key) && !ReservedWords.Contains(key) ? key : Quote(key);

    /// JSON escapes are valid in YAML double-quoted scalars, so every string reads back exactly.
    private static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                case '\r': sb.Append("\\r"); break;
                case < ' ': sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }

    private static string Indent(string line) => "  " + line;

    // Words YAML 1.1 readers turn into booleans or null when unquoted.
    private static readonly HashSet<string> ReservedWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.:/-]*$")]
    private static partial Regex PlainKey();
}
