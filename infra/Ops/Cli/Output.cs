using System.Text.Json;
using System.Text.Json.Nodes;

namespace Failover.Ops.Cli;

/// Where a command's words go: results to stdout (text, or one JSON document with --output json), progress and warnings to stderr.
public sealed class Output(OpsContext context, bool json)
{
    // Indented, and apostrophes and quotes in reasons kept readable (the default escapes them as \u0027 for HTML).
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public bool Json => json;

    /// A result line for people; nothing in --output json mode, where the result is one document.
    public void Line(string text = "")
    {
        if (!json) context.Out.WriteLine(text);
    }

    /// What is happening now, for people watching a long operation (stderr in both modes).
    public void Progress(string text) => context.Err.WriteLine(text);

    public void Warn(string text) => context.Err.WriteLine($"warning: {text}");

    /// The machine-readable result: written only with --output json.
    public void Result(JsonNode result)
    {
        if (json) context.Out.WriteLine(result.ToJsonString(Indented));
    }

    /// Columns padded to their widest cell, for things people compare side by side.
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        if (json) return;
        var all = new List<IReadOnlyList<string>> { headers };
        all.AddRange(rows);
        if (all.Count == 1)
        {
            context.Out.WriteLine("  (none)");
            return;
        }
        var widths = Enumerable.Range(0, headers.Count).Select(c => all.Max(r => c < r.Count ? r[c].Length : 0)).ToArray();
        foreach (var row in all)
            context.Out.WriteLine(string.Join("  ", row.Select((cell, c) => c == row.Count - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
    }
}
