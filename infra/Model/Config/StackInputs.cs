using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Failover.Infra.Config;

/// The raw inputs of one compile: project, stack and flat config (`ns:key` → string), and where they came from.
public sealed record StackInputs(string Project, string Stack, string Organization, IReadOnlyDictionary<string, string> Values, string Origin)
{
    /// The project file, whose `config:` block gives every stack its defaults.
    public const string ProjectFile = "Pulumi.yaml";

    /// Keys whose value is Pulumi.yaml's (a project default no stack file overrides): a problem with one is fixed there, not with
    /// `pulumi config set`. Known offline only: Pulumi passes both kinds alike.
    public IReadOnlySet<string> FromProjectFile { get; init; } = new HashSet<string>();

    /// Keys a file gives a list or a mapping, by which: Pulumi passes either as JSON text, which a setting that takes one value
    /// would otherwise read as that text. Known offline only (under Pulumi, its own type check refuses them first).
    public IReadOnlyDictionary<string, string> Structured { get; init; } = new Dictionary<string, string>();

    /// A setting's full key: the project's namespace unless it has its own (`aws:region`).
    public string Key(Setting setting) => setting.Key.Contains(':') ? setting.Key : $"{Project}:{setting.Key}";

    /// The file (offline) or the config (under Pulumi) a key's value comes from.
    public string OriginOf(string key) => FromProjectFile.Contains(key) ? ProjectFile : Origin;

    private static readonly string[] PulumiVariables = ["PULUMI_STACK", "PULUMI_PROJECT", "PULUMI_CONFIG"];

    /// Pulumi sets its variables for the real run only; plugin discovery runs the compiler with none of them.
    public static bool IsPulumiRun(Func<string, string?> env) => PulumiVariables.Any(v => env(v) is not null);

    /// Pulumi's protocol: PULUMI_STACK, PULUMI_PROJECT, PULUMI_ORGANIZATION and PULUMI_CONFIG (a JSON object of strings).
    /// Every missing or malformed variable is reported, in one run.
    public static StackInputs FromEnvironment(Func<string, string?> env)
    {
        var problems = new List<string>();
        string Required(string name, string what)
        {
            var value = env(name);
            if (string.IsNullOrWhiteSpace(value)) problems.Add($"{name} is not set: Pulumi passes {what}");
            return value ?? "";
        }
        var stack = Required("PULUMI_STACK", env("PULUMI_STACK") is null
            ? "the stack's name (PULUMI_PROJECT or PULUMI_CONFIG is set: if your shell exports them, unset them)"
            : "the stack's name");
        var project = Required("PULUMI_PROJECT", "the project's name");
        var json = Required("PULUMI_CONFIG", "the stack's configuration as a JSON object");

        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (json.Length > 0)
        {
            try
            {
                if (JsonNode.Parse(json) is not JsonObject config) problems.Add("PULUMI_CONFIG is not a JSON object");
                else
                    foreach (var (key, value) in config)
                    {
                        if (value is JsonValue v && v.TryGetValue<string>(out var s)) values[key] = s;
                        else problems.Add($"PULUMI_CONFIG has a non-string value for {key} (Pulumi passes every value as a string)");
                    }
            }
            catch (JsonException e) { problems.Add($"PULUMI_CONFIG is not valid JSON: {e.Message}"); }
        }
        if (problems.Count > 0) throw new InputException("Pulumi's environment", problems);
        return new StackInputs(project, stack, env("PULUMI_ORGANIZATION") ?? "organization", values, $"the config of stack '{stack}'");
    }

    /// Offline: Pulumi.yaml (project name and project-level config) and Pulumi.STACK.yaml, as Pulumi would pass them.
    public static StackInputs FromFiles(string directory, string stack, string organization = "organization")
    {
        var projectFile = Path.Combine(directory, ProjectFile);
        var stackFileName = $"Pulumi.{stack}.yaml";
        var stackFile = Path.Combine(directory, stackFileName);
        if (!File.Exists(projectFile)) throw new InputException($"{projectFile} not found: run from the project directory.");
        if (!File.Exists(stackFile)) throw new InputException($"{stackFile} not found: is '{stack}' a stack of this project?");

        var project = Load(projectFile, ProjectFile);
        var name = (Child(project, "name") as YamlScalarNode)?.Value ?? throw new InputException($"{projectFile} has no 'name'.");
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var structured = new Dictionary<string, string>(StringComparer.Ordinal);
        void Set(string key, YamlNode value, string file)
        {
            values[key] = Flatten(value, key, file);
            if (value is YamlSequenceNode or YamlMappingNode) structured[key] = Kind(value);
            else structured.Remove(key);
        }

        // Project-level config: `key: {default: v}` or `key: {value: v}`; a key without namespace belongs to the project.
        foreach (var (key, v, _) in ConfigEntries(project, ProjectFile))
        {
            var value = v is YamlMappingNode m ? Child(m, "value") ?? Child(m, "default") : v;
            if (value is not null) Set(Namespaced(key, name), value, ProjectFile);
        }
        var fromProject = new HashSet<string>(values.Keys, StringComparer.Ordinal);

        // Pulumi reads a stack file's key without namespace as the project's (`containerPort` is `failover:containerPort`); written
        // both ways, Pulumi keeps one of the two at random.
        var written = new Dictionary<string, (string Key, Mark At)>(StringComparer.Ordinal);
        foreach (var (key, v, at) in ConfigEntries(Load(stackFile, stackFileName), stackFileName))
        {
            var fullKey = Namespaced(key, name);
            if (written.TryGetValue(fullKey, out var first))
                throw new InputException($"{At(stackFileName, at)}: {key} is {fullKey}, which line {first.At.Line} sets too (as {first.Key}): keep one of the two");
            written[fullKey] = (key, at);
            Set(fullKey, v, stackFileName);
            fromProject.Remove(fullKey);
        }
        return new StackInputs(name, stack, organization, values, stackFileName) { FromProjectFile = fromProject, Structured = structured };
    }

    private static string Namespaced(string key, string project) => key.Contains(':') ? key : $"{project}:{key}";

    private static YamlMappingNode Load(string path, string file)
    {
        var stream = new YamlStream();
        var text = File.ReadAllText(path);
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e) when (Reason(e).Contains("tab", StringComparison.OrdinalIgnoreCase) && TabIndenting(text) is { } tab)
        {
            // YamlDotNet places a tab in the indentation at the start of the mapping it was reading (line 1), not where the tab is.
            throw new InputException($"{At(file, tab)}: invalid YAML: a tab indents this line; YAML indents with spaces only");
        }
        catch (YamlException e)
        {
            throw new InputException($"{At(file, e.Start)}: invalid YAML: {Reason(e)}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet 16 throws this, without a position, for some malformed input (an unclosed `[`): find where it stopped.
            throw new InputException($"{At(file, WhereScanningStops(text))}: invalid YAML: the text cannot be read from here on (an unclosed bracket or quote?)");
        }
        return stream.Documents.FirstOrDefault()?.RootNode switch
        {
            null => new YamlMappingNode(),
            YamlMappingNode root => root,
            var other => throw new InputException($"{At(file, other.Start)}: the file must be a YAML mapping (keys and values), not a {Kind(other)}"),
        };
    }

    private static IEnumerable<(string Key, YamlNode Value, Mark At)> ConfigEntries(YamlMappingNode root, string file)
    {
        switch (Child(root, "config"))
        {
            case null:
                yield break;
            case YamlMappingNode config:
                foreach (var (k, v) in config.Children) yield return (KeyOf(k, file), v, k.Start);
                break;
            case var other:
                throw new InputException($"{At(file, other.Start)}: 'config' must be a mapping of keys to values, not a {Kind(other)}");
        }
    }

    private static string KeyOf(YamlNode key, string file) => key is YamlScalarNode { Value: { Length: > 0 } text }
        ? text
        : throw new InputException($"{At(file, key.Start)}: a config key must be a plain string, not a {Kind(key)}");

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    // Pulumi passes structured config values as JSON strings; do the same so both paths compile alike.
    private static string Flatten(YamlNode node, string key, string file) => node switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlMappingNode m when Child(m, "secure") is not null =>
            throw new InputException($"{key} in {file} is a secret; the offline compiler cannot decrypt it (use `pulumi preview`)."),
        _ => ToJson(node, file)?.ToJsonString() ?? "",
    };

    private static JsonNode? ToJson(YamlNode node, string file) => node switch
    {
        YamlScalarNode { Style: ScalarStyle.Plain } s when s.Value is "true" or "false" => JsonValue.Create(s.Value == "true"),
        YamlScalarNode { Style: ScalarStyle.Plain } s when long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        YamlScalarNode { Style: ScalarStyle.Plain } s when double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        YamlScalarNode s => JsonValue.Create(s.Value ?? ""),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(c => ToJson(c, file)).ToArray()),
        YamlMappingNode map => new JsonObject(map.Children.Select(e => KeyValuePair.Create(KeyOf(e.Key, file), ToJson(e.Value, file)))),
        _ => null,
    };

    /// The first tab in a line's indentation, which YAML forbids: where a parser's complaint about tabs comes from.
    private static Mark? TabIndenting(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indent);
            if (tab >= 0 && indent < lines[i].TrimEnd('\r').Length) return new Mark(0, i + 1, tab + 1);
        }
        return null;
    }

    private static Mark WhereScanningStops(string text)
    {
        var scanner = new Scanner(new StringReader(text));
        var last = Mark.Empty;
        try
        {
            while (scanner.MoveNext()) last = scanner.Current!.Start;
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // Stopped: `last` is the start of the last token read.
        }
        return last;
    }

    private static string At(string file, Mark mark) => $"{file} line {mark.Line}, column {mark.Column}";

    private static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        YamlScalarNode { Value: null or "" } => "empty value",
        _ => "single value",
    };

    // YamlDotNet prefixes its message with the position, which At() already gives.
    private static string Reason(YamlException e)
    {
        var message = e.InnerException?.Message ?? e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message;
    }
}

/// The inputs could not be read at all (missing file, bad YAML, missing variables): every problem, reported on stderr.
public sealed class InputException(string subject, IReadOnlyList<string> problems) : Exception(string.Join("; ", problems))
{
    public InputException(string problem) : this("the inputs", [problem])
    {
    }

    /// What the problems are in (for the headline when there are several).
    public string Subject { get; } = subject;

    public IReadOnlyList<string> Problems { get; } = problems;
}
