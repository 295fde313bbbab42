using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Failover.Infra.Yaml;

/// Writes a program as Pulumi YAML: block style, every string double-quoted, mapping keys sorted.
public static partial class YamlWriter
{
    public static string Write(PulumiProgram program)
    {
        var lines = new List<string>
        {
            $"name: {Quote(program.Name)}",
            "runtime: yaml",
            $"description: {Quote(program.Description)}",
        };
        if (program.Variables.Count > 0)
        {
            lines.Add("variables:");
            foreach (var (name, value) in program.Variables) lines.AddRange(Entry(name, value).Select(Indent));
        }
        lines.Add("resources:");
        foreach (var resource in program.Resources) lines.AddRange(Entry(resource.Name, ResourceBody(resource)).Select(Indent));
        if (program.Outputs.Count > 0)
        {
            lines.Add("outputs:");
            foreach (var (name, value) in program.Outputs) lines.AddRange(Entry(name, value).Select(Indent));
        }
        return string.Join('\n', lines) + "\n";
    }

    // type, properties, options in that order: the order Pulumi's documentation uses.
    private static OrderedBody ResourceBody(Resource resource)
    {
        var entries = new List<(string, Value)> { ("type", new Str(resource.Type)) };
        if (resource.Properties.Entries.Count > 0) entries.Add(("properties", resource.Properties));
        if (!resource.Options.IsEmpty) entries.Add(("options", Options(resource.Options)));
        return new OrderedBody(entries);
    }

    private static Map Options(ResourceOptions options) => Map.Of(
        ("dependsOn", options.DependsOn.Count == 0 ? null : Value.List(options.DependsOn.Select(r => (Value)r.Self))),
        ("ignoreChanges", options.IgnoreChanges.Count == 0 ? null : Value.Strings(options.IgnoreChanges)));

    private static IEnumerable<string> Entry(string key, Value value)
    {
        var k = Key(key);
        if (IsInline(value)) return [$"{k}: {Scalar(value)}"];
        return new[] { $"{k}:" }.Concat(Block(value).Select(Indent));
    }

    private static IEnumerable<string> Block(Value value) => value switch
    {
        OrderedBody body => body.Entries.SelectMany(e => Entry(e.Key, e.Value)),
        Map map => map.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).SelectMany(e => Entry(e.Key, e.Value)),
        Seq seq => seq.Items.SelectMany(Item),
        ToJson json => Entry("fn::toJSON", json.Body),
        Invoke invoke => Entry("fn::invoke", new OrderedBody(
            new List<(string, Value)> { ("function", new Str(invoke.Function)), ("arguments", invoke.Arguments) }
                .Concat(invoke.Return is null ? [] : [("return", new Str(invoke.Return))]).ToList())),
        _ => throw new InvalidOperationException($"{value.GetType().Name} is not a block value."),
    };

    private static IEnumerable<string> Item(Value item)
    {
        if (IsInline(item)) return [$"- {Scalar(item)}"];
        var lines = Block(item).ToList();
        return lines.Take(1).Select(l => "- " + l).Concat(lines.Skip(1).Select(Indent));
    }

    private static bool IsInline(Value value) => value switch
    {
        Map map => map.Entries.Count == 0,
        Seq seq => seq.Items.Count == 0,
        OrderedBody or ToJson or Invoke => false,
        _ => true,
    };

    private static string Scalar(Value value) => value switch
    {
        Str s => Quote(Escape(s.Text)),
        Num n => n.Number.ToString(n.Number == Math.Floor(n.Number) ? "0" : "R", CultureInfo.InvariantCulture),
        Bool b => b.Flag ? "true" : "false",
        Ref r => Quote($"${{{r.Expression}}}"),
        Interpolation i => Quote(string.Concat(i.Parts.Select(Part))),
        Map => "{}",
        Seq => "[]",
        _ => throw new InvalidOperationException($"{value.GetType().Name} is not a scalar."),
    };

    private static string Part(Value part) => part switch
    {
        Str s => Escape(s.Text),
        Ref r => $"${{{r.Expression}}}",
        _ => throw new InvalidOperationException($"An interpolation cannot hold a {part.GetType().Name}."),
    };

    /// A literal `${` must be written `$${` or Pulumi reads it as a reference.
    private static string Escape(string text) => text.Replace("${", "$${", StringComparison.Ordinal);

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

    /// A mapping written in the order given (the program's own structure), not sorted.
    private sealed record OrderedBody(IReadOnlyList<(string Key, Value Value)> Entries) : Value;
}
