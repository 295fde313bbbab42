using System.Text.Json.Nodes;

namespace Failover.Ops.Tests.Harness;

/// A `pulumi` on PATH that records its arguments and answers with recorded JSON (Harness/pulumi.py), in a folder of its own;
/// beside it a `dotnet` (Harness/dotnet.py) for deploy's build of the functions, recorded in the same list.
public sealed class FakePulumi : IDisposable
{
    public FakePulumi()
    {
        Root = Directory.CreateTempSubdirectory("fake-pulumi-").FullName;
        Bin = Path.Combine(Root, "bin");
        Directory.CreateDirectory(Bin);
        Directory.CreateDirectory(Path.Combine(Root, "answers"));
        foreach (var program in new[] { "pulumi", "dotnet" })
        {
            var script = Path.Combine(Bin, program);
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Harness", $"{program}.py"), script);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string Root { get; }

    /// Put first on PATH.
    public string Bin { get; }

    /// Answers `pulumi VERB ... --stack STACK` (verb: stack-output, config, preview, up).
    public void Answer(string verb, string stack, string stdout, int exit = 0, string stderr = "") =>
        Answer(verb, stack, new JsonObject { ["exit"] = exit, ["stdout"] = stdout, ["stderr"] = stderr });

    /// An answer with its effects (pulumi.py: setOutputs, putItem).
    public void Answer(string verb, string stack, JsonObject answer) =>
        File.WriteAllText(Path.Combine(Root, "answers", $"{verb}.{stack}.json"), answer.ToJsonString());

    /// How the fake `dotnet publish` ends.
    public void Build(int exit, string stdout, string stderr = "") =>
        File.WriteAllText(Path.Combine(Root, "answers", "dotnet.json"),
            new JsonObject { ["exit"] = exit, ["stdout"] = stdout, ["stderr"] = stderr }.ToJsonString());

    public void Outputs(string stack, JsonNode outputs) => Answer("stack-output", stack, outputs.ToJsonString());

    /// `pulumi config --json` for a stack: every key as {value, secret}.
    public void Config(string stack, params (string Key, string Value)[] values) =>
        Answer("config", stack, new JsonObject(values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)new JsonObject { ["value"] = v.Value, ["secret"] = false }))).ToJsonString());

    /// Every `pulumi` call so far, in order: its arguments.
    public IReadOnlyList<IReadOnlyList<string>> Calls =>
        [.. Recorded().Where(c => c.Program == "pulumi").Select(c => c.Argv)];

    /// Every call of either program so far, in order, as a command line: `pulumi preview --stack primary ...`.
    public IReadOnlyList<string> CommandLines => [.. Recorded().Select(c => string.Join(' ', c.Argv.Prepend(c.Program)))];

    private IEnumerable<(string Program, IReadOnlyList<string> Argv)> Recorded()
    {
        var path = Path.Combine(Root, "calls.jsonl");
        if (!File.Exists(path)) return [];
        return File.ReadAllLines(path).Select(l => JsonNode.Parse(l)).Select(c =>
            (c!["program"]!.GetValue<string>(), (IReadOnlyList<string>)[.. c["argv"]!.AsArray().Select(a => a!.GetValue<string>())]));
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
