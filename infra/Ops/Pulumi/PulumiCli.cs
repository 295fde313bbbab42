using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Failover.Ops.Cli;
using static Failover.Ops.Cli.JsonText;

namespace Failover.Ops.Pulumi;

/// What a preview or an update would do or did, by operation ("create": 3, "same": 40).
public sealed record ChangeSummary(IReadOnlyDictionary<string, int> Counts)
{
    public override string ToString() =>
        Counts.Count == 0 ? "no resources" : string.Join(", ", Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value} {c.Key}"));

    public JsonObject ToJson() => new(Counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value)));
}

/// One resource step a preview plans: the operation, and the resource by type and logical name.
public sealed record PlannedStep(string Op, string Type, string Name, string Urn)
{
    /// The steps a reviewer must see: a replacement or a deletion can take a region's service down while it runs.
    public bool Destructive => Op is "replace" or "delete" or "delete-replaced" or "discard";
}

/// What `pulumi preview` says an update would do.
public sealed record PreviewResult(ChangeSummary Summary, IReadOnlyList<PlannedStep> Steps)
{
    // The halves of a replacement (create-replacement, delete-replaced) repeat its `replace`; reads and refreshes change nothing.
    private static readonly HashSet<string> Quiet = ["same", "read", "refresh", "create-replacement", "delete-replaced"];

    /// The steps that change something, one per resource.
    public IEnumerable<PlannedStep> Changes => Steps.Where(s => !Quiet.Contains(s.Op));
}

/// Drives the Pulumi CLI the way Pulumi's Automation API does: one stack per call (`--stack`), never a prompt
/// (`--non-interactive`), and answers read as JSON (`--json`). A read (outputs, config) gives up after `readTimeout`
/// (ReadTimeout unless given).
public sealed partial class PulumiCli(ProcessRunner runner, string projectDirectory, TimeSpan? readTimeout = null)
{
    private const string Install = "install the Pulumi CLI 3.x (docs/deploying.md)";

    /// `pulumi stack output --json`: every output, by name.
    public async Task<JsonObject> StackOutputsAsync(string stack, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["stack", "output", "--json", "--stack", stack], stack, null, cancellationToken, readTimeout ?? ReadTimeout);
        if (result.ExitCode != 0) throw Failure(stack, "stack output", result);
        return ParseObject(result.Stdout, stack, "stack output");
    }

    /// `pulumi config --json`: the stack's configuration (project defaults included), by key.
    public async Task<JsonObject> ConfigAsync(string stack, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["config", "--json", "--stack", stack], stack, null, cancellationToken, readTimeout ?? ReadTimeout);
        if (result.ExitCode != 0) throw Failure(stack, "config", result);
        return ParseObject(result.Stdout, stack, "config");
    }

    /// `pulumi preview --refresh --json`: one JSON document at the end (Pulumi's PreviewDigest), with the steps and a change
    /// summary, and on failure the diagnostics.
    public async Task<PreviewResult> PreviewAsync(string stack, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["preview", "--stack", stack, "--refresh", "--json"], stack, null, cancellationToken);
        var document = Object(result.Stdout);
        if (result.ExitCode != 0) throw Failure(stack, "preview", result, document);
        if (document is null) throw new OpsException($"pulumi preview of stack {stack} answered no JSON document; is this Pulumi CLI 3.x?");
        var steps = (document["steps"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(step => (Op: Text(step["op"]), Urn: Text(step["urn"])))
            .Where(step => step.Op is not null && step.Urn is not null)
            .Select(step => new PlannedStep(step.Op!, TypeOf(step.Urn!), Name(step.Urn), step.Urn!));
        return new PreviewResult(Summary(document["changeSummary"]), [.. steps]);
    }

    /// `pulumi up --refresh --json`: a stream of engine events, one per line; each resource step is reported as it starts.
    public async Task<ChangeSummary> UpAsync(string stack, Action<string> progress, CancellationToken cancellationToken)
    {
        JsonObject? summary = null;
        var errors = new List<string>();
        void OnLine(string line)
        {
            if (Object(line) is not { } e) return;
            // Refresh steps (one per resource, from --refresh) and unchanged resources are not news.
            if (e["resourcePreEvent"]?["metadata"] is JsonObject step && Text(step["op"]) is { } op && op is not ("same" or "refresh" or "read"))
                progress($"  {stack}: {op} {Text(step["type"])} {Name(Text(step["urn"]))}");
            if (e["diagnosticEvent"] is JsonObject diagnostic && Text(diagnostic["severity"]) == "error" && Text(diagnostic["message"]) is { } message)
                errors.Add(Located(Text(diagnostic["urn"]), FirstSentence(message)));
            if (e["summaryEvent"] is JsonObject s) summary = s;
        }
        var result = await RunAsync(["up", "--stack", stack, "--yes", "--skip-preview", "--refresh", "--json"], stack, OnLine, cancellationToken);
        if (result.ExitCode != 0)
            throw new OpsException($"pulumi up failed for stack {stack}: {errors.FirstOrDefault() ?? FirstSentence(LastLine(result.Stderr) ?? $"exit code {result.ExitCode}")}");
        return Summary(summary?["resourceChanges"]);
    }

    /// A read of outputs or config that takes longer is a backend not answering (and an operator waiting in an incident).
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    private async Task<ProcessResult> RunAsync(IReadOnlyList<string> args, string stack, Action<string>? onLine, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        try
        {
            // Named as people type it, without the flags every call carries: `pulumi stack output` of stack primary.
            var command = string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')));
            return await runner.RunAsync("pulumi", Install, [.. args, "--non-interactive"], projectDirectory, $"`pulumi {command}` of stack {stack}", onLine, cancellationToken, timeout);
        }
        catch (TimeoutException e)
        {
            throw new OpsException($"{e.Message}: the Pulumi state backend did not answer (`pulumi whoami -v` names it); retry, or check its network");
        }
    }

    private static ChangeSummary Summary(JsonNode? counts) =>
        new(counts is JsonObject o
            ? o.Where(p => p.Value is JsonValue v && v.TryGetValue<int>(out _)).ToDictionary(p => p.Key, p => p.Value!.GetValue<int>())
            : new Dictionary<string, int>());

    private static OpsException Failure(string stack, string command, ProcessResult result, JsonObject? document = null)
    {
        var diagnostic = (document?["diagnostics"] as JsonArray)?.OfType<JsonObject>()
            .Where(d => Text(d["severity"]) == "error" && Text(d["message"]) is not null)
            .Select(d => Located(Text(d["urn"]), FirstSentence(Text(d["message"])!))).FirstOrDefault();
        return new OpsException($"pulumi {command} failed for stack {stack}: {diagnostic ?? FirstSentence(LastLine(result.Stderr) ?? $"exit code {result.ExitCode}")}");
    }

    private static JsonObject ParseObject(string text, string stack, string command) =>
        Object(text) ?? throw new OpsException($"pulumi {command} of stack {stack} did not answer a JSON object; is this Pulumi CLI 3.x?");

    // A URN ends with the resource's logical name: urn:pulumi:STACK::PROJECT::TYPE::NAME.
    private static string Name(string? urn) => urn is null ? "" : urn[(urn.LastIndexOf("::", StringComparison.Ordinal) + 2)..];

    // The type is the part before the name; a child's carries its parents' types first, joined with `$`.
    private static string TypeOf(string urn)
    {
        var parts = urn.Split("::");
        return parts.Length >= 4 ? parts[^2][(parts[^2].LastIndexOf('$') + 1)..] : "";
    }

    // A resource's error names the resource, unless it already does; the root stack's (the program's own) needs no name.
    private static string Located(string? urn, string message) =>
        urn is null || TypeOf(urn) is "" or "pulumi:pulumi:Stack" || message.Contains($"'{Name(urn)}'", StringComparison.Ordinal)
            ? message : $"{Name(urn)} ({TypeOf(urn)}): {message}";

    private static string? LastLine(string text) =>
        text.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);

    // Pulumi's messages run over lines and carry colour codes, an `error: ` prefix, a count ("1 error occurred:"), list bullets
    // and the Go source line of the provider that raised them: the user gets the first line that says something.
    private static string FirstSentence(string message)
    {
        var plain = Regex.Replace(message, "\u001b\\[[0-9;]*m|<\\{%[^%]*%\\}>", "");
        var line = plain.Split('\n')
            .Select(l => Noise().Replace(l.Trim(), ""))
            .FirstOrDefault(l => l.Length > 0 && !Count().IsMatch(l)) ?? plain.Trim();
        return line.Length > 400 ? line[..400] + "…" : line;
    }

    [GeneratedRegex(@"^(?:(?:error:|\*)\s*|[\w./-]+\.go:\d+:\s*|sdk\.helper_schema:\s*)+")]
    private static partial Regex Noise();

    [GeneratedRegex(@"^\d+ errors? occurred:?$")]
    private static partial Regex Count();
}
