using System.Text.Json.Nodes;

namespace Failover.Ops.Tests.Harness;

/// A `pulumi` on PATH that records its arguments and answers with recorded JSON (Harness/pulumi.py), in a folder of its own.
public sealed class FakePulumi : IDisposable
{
    public FakePulumi()
    {
        Root = Directory.CreateTempSubdirectory("fake-pulumi-").FullName;
        Bin = Path.Combine(Root, "bin");
        Directory.CreateDirectory(Bin);
        Directory.CreateDirectory(Path.Combine(Root, "answers"));
        var script = Path.Combine(Bin, "pulumi");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Harness", "pulumi.py"), script);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Root { get; }

    /// Put first on PATH.
    public string Bin { get; }

    /// Answers `pulumi VERB ... --stack STACK` (verb: stack-output, config, preview, up).
    public void Answer(string verb, string stack, string stdout, int exit = 0, string stderr = "") =>
        File.WriteAllText(Path.Combine(Root, "answers", $"{verb}.{stack}.json"),
            new JsonObject { ["exit"] = exit, ["stdout"] = stdout, ["stderr"] = stderr }.ToJsonString());

    public void Outputs(string stack, JsonNode outputs) => Answer("stack-output", stack, outputs.ToJsonString());

    /// `pulumi config --json` for a stack: every key as {value, secret}.
    public void Config(string stack, params (string Key, string Value)[] values) =>
        Answer("config", stack, new JsonObject(values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)new JsonObject { ["value"] = v.Value, ["secret"] = false }))).ToJsonString());

    /// Every call so far, in order: its arguments.
    public IReadOnlyList<IReadOnlyList<string>> Calls
    {
        get
        {
            var path = Path.Combine(Root, "calls.jsonl");
            if (!File.Exists(path)) return [];
            return [.. File.ReadAllLines(path).Select(l => (IReadOnlyList<string>)[.. JsonNode.Parse(l)!["argv"]!.AsArray().Select(a => a!.GetValue<string>())])];
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
