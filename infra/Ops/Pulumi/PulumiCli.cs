using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Failover.Ops.Cli;

namespace Failover.Ops.Pulumi;

/// What a preview or an update would do or did, by operation ("create": 3, "same": 40).
public sealed record ChangeSummary(IReadOnlyDictionary<string, int> Counts)
{
    public int Changing => Counts.Where(c => c.Key != "same").Sum(c => c.Value);

    public override string ToString() =>
        Counts.Count == 0 ? "no resources" : string.Join(", ", Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value} {c.Key}"));
}

/// Drives the Pulumi CLI the way Pulumi's Automation API does: one stack per call (`--stack`), never a prompt
/// (`--non-interactive`), and answers read as JSON (`--json`).
public sealed class PulumiCli(ProcessRunner runner, string projectDirectory)
{
    private const string Install = "install the Pulumi CLI 3.x (README.md, Deploying both stacks)";

    /// `pulumi stack output --json`: every output, by name.
    public async Task<JsonObject> StackOutputsAsync(string stack, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["stack", "output", "--json", "--stack", stack], null, cancellationToken);
        if (result.ExitCode != 0) throw Failure(stack, "stack output", result);
        return ParseObject(result.Stdout, stack, "stack output");
    }

    /// `pulumi config --json`: the stack's configuration (project defaults included), by key.
    public async Task<JsonObject> ConfigAsync(string stack, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["config", "--json", "--stack", stack], null, cancellationToken);
        if (result.ExitCode != 0) throw Failure(stack, "config", result);
        return ParseObject(result.Stdout, stack, "config");
    }

    /// `pulumi preview --refresh --json`: one JSON document at the end, with the steps and a change summary.
    public async Task<ChangeSummary> PreviewAsync(string stack, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["preview", "--stack", stack, "--refresh", "--json"], null, cancellationToken);
        var document = TryParseObject(result.Stdout);
        if (result.ExitCode != 0) throw Failure(stack, "preview", result, document);
        if (document is null) throw new OpsException($"pulumi preview of stack {stack} answered no JSON document; is this Pulumi CLI 3.x?");
        return Summary(document["changeSummary"]);
    }

    /// `pulumi up --refresh --json`: a stream of engine events, one per line; each resource step is reported as it starts.
    public async Task<ChangeSummary> UpAsync(string stack, Action<string> progress, CancellationToken cancellationToken)
    {
        JsonObject? summary = null;
        var errors = new List<string>();
        void OnLine(string line)
        {
            if (TryParseObject(line) is not { } e) return;
            if (e["resourcePreEvent"]?["metadata"] is JsonObject step && Text(step["op"]) is { } op && op != "same")
                progress($"  {stack}: {op} {Text(step["type"])} {Name(Text(step["urn"]))}");
            if (e["diagnosticEvent"] is JsonObject diagnostic && Text(diagnostic["severity"]) == "error" && Text(diagnostic["message"]) is { } message)
                errors.Add(message);
            if (e["summaryEvent"] is JsonObject s) summary = s;
        }
        var result = await RunAsync(["up", "--stack", stack, "--yes", "--skip-preview", "--refresh", "--json"], OnLine, cancellationToken);
        if (result.ExitCode != 0)
            throw new OpsException($"pulumi up failed for stack {stack}: {FirstSentence(errors.FirstOrDefault() ?? LastLine(result.Stderr) ?? $"exit code {result.ExitCode}")}");
        return Summary(summary?["resourceChanges"]);
    }

    private Task<ProcessResult> RunAsync(IReadOnlyList<string> args, Action<string>? onLine, CancellationToken cancellationToken) =>
        runner.RunAsync("pulumi", Install, [.. args, "--non-interactive"], projectDirectory, onLine, cancellationToken);

    private static ChangeSummary Summary(JsonNode? counts) =>
        new(counts is JsonObject o
            ? o.Where(p => p.Value is JsonValue v && v.TryGetValue<int>(out _)).ToDictionary(p => p.Key, p => p.Value!.GetValue<int>())
            : new Dictionary<string, int>());

    private static OpsException Failure(string stack, string command, ProcessResult result, JsonObject? document = null)
    {
        var diagnostic = (document?["diagnostics"] as JsonArray)?.OfType<JsonObject>()
            .Where(d => Text(d["severity"]) == "error").Select(d => Text(d["message"])).FirstOrDefault(m => m is not null);
        return new OpsException($"pulumi {command} failed for stack {stack}: {FirstSentence(diagnostic ?? LastLine(result.Stderr) ?? $"exit code {result.ExitCode}")}");
    }

    private static JsonObject ParseObject(string text, string stack, string command) =>
        TryParseObject(text) ?? throw new OpsException($"pulumi {command} of stack {stack} did not answer a JSON object; is this Pulumi CLI 3.x?");

    private static JsonObject? TryParseObject(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    // A URN ends with the resource's logical name: urn:pulumi:STACK::PROJECT::TYPE::NAME.
    private static string Name(string? urn) => urn is null ? "" : urn[(urn.LastIndexOf("::", StringComparison.Ordinal) + 2)..];

    private static string? LastLine(string text) =>
        text.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);

    // Pulumi's messages run over lines (and carry ANSI colour codes): the user gets the first line that says something.
    private static string FirstSentence(string message)
    {
        var plain = System.Text.RegularExpressions.Regex.Replace(message, "\u001b\\[[0-9;]*m|<\\{%[^%]*%\\}>", "");
        var line = plain.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && l != "error:") ?? plain.Trim();
        return line.Length > 400 ? line[..400] + "…" : line;
    }
}
