using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Failover.Infra.Tests.Golden;

/// A state machine definition both ways: the body of its `fn::toJSON` in the program's YAML, and the pretty-printed JSON
/// the golden keeps. The JSON is the definition as Step Functions reads it once Pulumi has interpolated the strings:
/// `$.source` where the YAML must write `$$.source`; a reference stays `${partition}`.
///
/// The YAML is written here, not by the compiler's YamlWriter, on purpose: a golden rebuilt with the writer under test
/// would follow a change in how it writes definitions and let that change pass unseen.
internal static partial class DefinitionJson
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Words YAML 1.1 readers turn into booleans or null when unquoted.
    private static readonly HashSet<string> ReservedWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    };

    /// The JSON of a `fn::toJSON` body (its lines, unindented); refuses a body the JSON would not give back exactly.
    public static string FromYaml(IReadOnlyList<string> lines, string what)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(string.Join('\n', lines)));
        var json = Json(stream.Documents[0].RootNode).ToJsonString(Pretty) + "\n";
        if (!ToYaml(json).SequenceEqual(lines))
            throw new InvalidDataException($"{what} does not read back from JSON as written:\n{LineDiff.Describe(string.Join('\n', lines), string.Join('\n', ToYaml(json)))}");
        return json;
    }

    /// The body's lines, unindented, as the compiler writes them: block style, every string double-quoted.
    public static IReadOnlyList<string> ToYaml(string json) =>
        Block(JsonNode.Parse(json) ?? throw new InvalidDataException("A definition is not null.")).ToList();

    private static JsonNode Json(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(e => KeyValuePair.Create(Uninterpolated(((YamlScalarNode)e.Key).Value!), (JsonNode?)Json(e.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Json)]),
        YamlScalarNode { Style: ScalarStyle.DoubleQuoted } text => JsonValue.Create(Uninterpolated(text.Value!)),
        YamlScalarNode { Value: "true" or "false" } flag => JsonValue.Create(flag.Value == "true"),
        YamlScalarNode number => JsonNode.Parse(number.Value!) is JsonValue { } n && n.GetValueKind() == JsonValueKind.Number
            ? n : throw new InvalidDataException($"`{number.Value}` is neither a quoted string, a boolean nor a number."),
        _ => throw new InvalidDataException($"A definition holds no {node.NodeType}."),
    };

    private static IEnumerable<string> Block(JsonNode node) => node switch
    {
        JsonObject map when map.Count > 0 => map.SelectMany(e => Entry(e.Key, e.Value!)),
        JsonArray list when list.Count > 0 => list.SelectMany(item => Item(item!)),
        _ => [Scalar(node)],
    };

    private static IEnumerable<string> Entry(string key, JsonNode value) => IsScalar(value)
        ? [$"{Key(key)}: {Scalar(value)}"]
        : new[] { $"{Key(key)}:" }.Concat(Block(value).Select(l => "  " + l));

    private static IEnumerable<string> Item(JsonNode item)
    {
        if (IsScalar(item)) return [$"- {Scalar(item)}"];
        var lines = Block(item).ToList();
        return lines.Take(1).Select(l => "- " + l).Concat(lines.Skip(1).Select(l => "  " + l));
    }

    private static bool IsScalar(JsonNode node) => node is JsonValue || node is JsonObject { Count: 0 } || node is JsonArray { Count: 0 };

    private static string Scalar(JsonNode node) => node switch
    {
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue text when text.GetValueKind() == JsonValueKind.String => Quote(Interpolated(text.GetValue<string>())),
        JsonValue other => other.ToJsonString(),
        _ => throw new InvalidDataException("A definition holds no null."),
    };

    private static string Key(string key)
    {
        var interpolated = Interpolated(key);
        return PlainKey().IsMatch(interpolated) && !ReservedWords.Contains(interpolated) ? interpolated : Quote(interpolated);
    }

    /// Pulumi YAML reads `$$` as `$` and `${...}` as a reference in every string, so a literal `$` is written `$$`.
    private static string Interpolated(string text) => LiteralDollar().Replace(text, m => m.Value.Length > 1 ? m.Value : "$$");

    private static string Uninterpolated(string text) => EscapedDollar().Replace(text, m => m.Value == "$$" ? "$" : m.Value);

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

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.:/-]*$")]
    private static partial Regex PlainKey();

    /// A reference, or a literal `$` of the JSON.
    [GeneratedRegex(@"\$\{[^}]*\}|\$")]
    private static partial Regex LiteralDollar();

    /// A reference, or a `$$` of the YAML.
    [GeneratedRegex(@"\$\{[^}]*\}|\$\$")]
    private static partial Regex EscapedDollar();
}
