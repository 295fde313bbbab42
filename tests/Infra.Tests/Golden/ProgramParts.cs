using System.Text.RegularExpressions;

namespace Failover.Infra.Tests.Golden;

/// A compiled program as the goldens keep it: the YAML with each state machine definition replaced by the name of its own
/// file, `fn::toJSON: "<primary.workflow.json>"`, and that file holding the definition as pretty-printed JSON, so a reviewer
/// reads the ASL as ASL and the YAML without 800 lines of it. Joining the parts gives back the program byte for byte.
internal sealed partial class ProgramParts
{
    public const string Yaml = ".yaml";

    private const string StateMachine = "    type: \"aws:sfn/stateMachine:StateMachine\"";

    public ProgramParts(string stack, IEnumerable<KeyValuePair<string, string>> files)
    {
        Stack = stack;
        Files = new SortedDictionary<string, string>(files.ToDictionary(), YamlFirst.Instance);
    }

    /// The name the files start with: `primary` for primary.yaml and primary.workflow.json.
    public string Stack { get; }

    /// File name after the stack (`.yaml`, `.workflow.json`) → its text; the YAML first, then the definitions by name.
    public IReadOnlyDictionary<string, string> Files { get; }

    public IEnumerable<string> FileNames => Files.Keys.Select(suffix => Stack + suffix);

    /// A compiled program in parts named after `stack`; a variant is split with its base's name so its parts pair with the base's.
    public static ProgramParts Split(string program, string stack)
    {
        var lines = program.Split('\n');
        var yaml = new List<string>();
        var files = new Dictionary<string, string>();
        var (inResources, resource, isStateMachine) = (false, "", false);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length > 0 && line[0] != ' ') inResources = line == "resources:";
            else if (inResources && ResourceKey().Match(line) is { Success: true } key)
                (resource, isStateMachine) = (key.Groups["name"].Value, i + 1 < lines.Length && lines[i + 1] == StateMachine);

            var toJson = i + 1 < lines.Length && isStateMachine && line == "      definition:" ? ToJsonKey().Match(lines[i + 1]) : Match.Empty;
            yaml.Add(line);
            if (!toJson.Success) continue;

            var indent = toJson.Groups["indent"].Value + "  ";
            var end = i + 2;
            while (end < lines.Length && lines[end].StartsWith(indent, StringComparison.Ordinal)) end++;
            var suffix = $".{resource}.json";
            files[suffix] = DefinitionJson.FromYaml(lines[(i + 2)..end].Select(l => l[indent.Length..]).ToList(), $"the definition of {resource}");
            yaml.Add($"{toJson.Groups["indent"].Value}fn::toJSON: \"<{stack}{suffix}>\"");
            i = end - 1;
        }
        files[Yaml] = string.Join('\n', yaml);

        var parts = new ProgramParts(stack, files);
        if (parts.Join() != program) throw new InvalidDataException($"The program of {stack} does not survive being split into golden parts and joined again.");
        return parts;
    }

    /// The program: the YAML with each definition written back in place of its file name.
    public string Join()
    {
        var lines = new List<string>();
        foreach (var line in Files[Yaml].Split('\n'))
        {
            var reference = Reference().Match(line);
            if (!reference.Success) { lines.Add(line); continue; }
            var file = reference.Groups["file"].Value;
            var indent = reference.Groups["indent"].Value;
            if (!file.StartsWith(Stack + ".", StringComparison.Ordinal) || !Files.TryGetValue(file[Stack.Length..], out var json))
                throw new InvalidDataException($"{Stack}{Yaml} names {file}, which is not one of its golden files. Regenerate: {GoldenProgramTests.Regenerate}");
            lines.Add($"{indent}fn::toJSON:");
            lines.AddRange(DefinitionJson.ToYaml(json).Select(l => $"{indent}  {l}"));
        }
        return string.Join('\n', lines);
    }

    /// The parts in a folder: `{stack}.yaml` and the definition files it names.
    public static ProgramParts Load(string folder, string stack)
    {
        var yaml = File.ReadAllText(Path.Combine(folder, stack + Yaml));
        var files = new Dictionary<string, string> { [Yaml] = yaml };
        foreach (Match reference in Reference().Matches(yaml))
        {
            var file = reference.Groups["file"].Value;
            var path = Path.Combine(folder, file);
            if (file.StartsWith(stack + ".", StringComparison.Ordinal) && File.Exists(path)) files[file[stack.Length..]] = File.ReadAllText(path);
        }
        return new ProgramParts(stack, files);
    }

    /// Writes the parts and removes the definition files of this stack that no longer exist.
    public void Save(string folder)
    {
        foreach (var stale in Directory.GetFiles(folder, $"{Stack}.*.json").Where(f => !Files.ContainsKey(Path.GetFileName(f)[Stack.Length..])))
            File.Delete(stale);
        foreach (var (suffix, text) in Files) File.WriteAllText(Path.Combine(folder, Stack + suffix), text);
    }

    private sealed class YamlFirst : IComparer<string>
    {
        public static readonly YamlFirst Instance = new();

        public int Compare(string? x, string? y) => (x == Yaml, y == Yaml) switch
        {
            (true, false) => -1,
            (false, true) => 1,
            _ => string.CompareOrdinal(x, y),
        };
    }

    [GeneratedRegex("^  (?<name>[a-z0-9][a-z0-9-]*):$")]
    private static partial Regex ResourceKey();

    [GeneratedRegex("^(?<indent> +)fn::toJSON:$")]
    private static partial Regex ToJsonKey();

    [GeneratedRegex("^(?<indent> *)fn::toJSON: \"<(?<file>[^\"<>]+\\.json)>\"$", RegexOptions.Multiline)]
    private static partial Regex Reference();
}
