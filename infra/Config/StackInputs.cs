using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Failover.Infra.Config;

/// The raw inputs of one compile: project, stack and flat config (`ns:key` → string), and where they came from.
public sealed record StackInputs(string Project, string Stack, string Organization, IReadOnlyDictionary<string, string> Values, string Origin)
{
    /// Pulumi's protocol: PULUMI_STACK, PULUMI_PROJECT, PULUMI_ORGANIZATION and PULUMI_CONFIG (a JSON object of strings).
    public static StackInputs FromEnvironment(Func<string, string?> env)
    {
        var stack = env("PULUMI_STACK") ?? throw new InputException("PULUMI_STACK is not set.");
        var project = env("PULUMI_PROJECT") ?? throw new InputException("PULUMI_PROJECT is not set.");
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var json = env("PULUMI_CONFIG");
        if (!string.IsNullOrWhiteSpace(json))
        {
            JsonObject config;
            try { config = JsonNode.Parse(json) as JsonObject ?? throw new InputException("PULUMI_CONFIG is not a JSON object."); }
            catch (JsonException e) { throw new InputException($"PULUMI_CONFIG is not valid JSON: {e.Message}"); }
            foreach (var (key, value) in config)
                values[key] = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "";
        }
        return new StackInputs(project, stack, env("PULUMI_ORGANIZATION") ?? "organization", values, $"the config of stack '{stack}'");
    }

    /// Offline: Pulumi.yaml (project name and project-level config) and Pulumi.STACK.yaml, as Pulumi would pass them.
    public static StackInputs FromFiles(string directory, string stack, string organization = "organization")
    {
        var projectFile = Path.Combine(directory, "Pulumi.yaml");
        var stackFileName = $"Pulumi.{stack}.yaml";
        var stackFile = Path.Combine(directory, stackFileName);
        if (!File.Exists(projectFile)) throw new InputException($"{projectFile} not found: run from the project directory.");
        if (!File.Exists(stackFile)) throw new InputException($"{stackFile} not found: is '{stack}' a stack of this project?");

        var project = Load(projectFile);
        var name = Scalar(project, "name") ?? throw new InputException($"{projectFile} has no 'name'.");
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);

        // Project-level config: `key: {default: v}` or `key: {value: v}`; a key without namespace belongs to the project.
        if (Child(project, "config") is YamlMappingNode projectConfig)
        {
            foreach (var (k, v) in projectConfig.Children)
            {
                var key = ((YamlScalarNode)k).Value!;
                var fullKey = key.Contains(':') ? key : $"{name}:{key}";
                var value = v is YamlMappingNode m ? Child(m, "value") ?? Child(m, "default") : v;
                if (value is not null) values[fullKey] = Flatten(value, fullKey, projectFile);
            }
        }

        if (Child(Load(stackFile), "config") is YamlMappingNode stackConfig)
        {
            foreach (var (k, v) in stackConfig.Children)
            {
                var key = ((YamlScalarNode)k).Value!;
                values[key] = Flatten(v, key, stackFileName);
            }
        }
        return new StackInputs(name, stack, organization, values, stackFileName);
    }

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e) { throw new InputException($"{path} is not valid YAML: {e.Message}"); }
        return stream.Documents.FirstOrDefault()?.RootNode as YamlMappingNode ?? new YamlMappingNode();
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    // Pulumi passes structured config values as JSON strings; do the same so both paths compile alike.
    private static string Flatten(YamlNode node, string key, string file) => node switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlMappingNode m when Child(m, "secure") is not null =>
            throw new InputException($"{key} in {file} is a secret; the offline compiler cannot decrypt it (use `pulumi preview`)."),
        _ => ToJson(node)?.ToJsonString() ?? "",
    };

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s when s.Value is "true" or "false" => JsonValue.Create(s.Value == "true"),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s when long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s when double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        YamlScalarNode s => JsonValue.Create(s.Value ?? ""),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlMappingNode map => new JsonObject(map.Children.Select(e => KeyValuePair.Create(((YamlScalarNode)e.Key).Value!, ToJson(e.Value)))),
        _ => null,
    };
}

/// The inputs could not be read at all (missing file, bad JSON); reported on stderr.
public sealed class InputException(string message) : Exception(message);
