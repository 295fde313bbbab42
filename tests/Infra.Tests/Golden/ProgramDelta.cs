using System.Text;
using System.Text.RegularExpressions;

namespace Failover.Infra.Tests.Golden;

/// A variant's golden: how its program differs from its base's, as a unified diff (the format of `diff -u` and `git diff`)
/// of each part that differs, with three lines of context. Applying it checks every context and removed line against the
/// base at the line numbers it names, so a delta made against another base is refused, not guessed at.
internal static partial class ProgramDelta
{
    private const int Context = 3;
    private const string None = "/dev/null";

    /// The delta that turns `from` into `to`; `to` is split with its base's name, so the parts pair up by file name.
    public static string Write(ProgramParts from, ProgramParts to, string variant)
    {
        var text = new StringBuilder();
        foreach (var suffix in from.Files.Keys.Union(to.Files.Keys))
        {
            var old = Lines(from.Files.GetValueOrDefault(suffix));
            var @new = Lines(to.Files.GetValueOrDefault(suffix));
            var edits = LineDiff.Edits(old, @new);
            if (edits.All(e => e.Kind == LineDiff.Kind.Same)) continue;
            text.Append("--- ").Append(from.Files.ContainsKey(suffix) ? from.Stack + suffix : None).Append('\n');
            text.Append("+++ ").Append(to.Files.ContainsKey(suffix) ? variant + suffix : None).Append('\n');
            foreach (var hunk in Hunks(edits)) Append(text, hunk);
        }
        return text.ToString();
    }

    /// The variant's parts: `from` with the delta applied.
    public static ProgramParts Apply(ProgramParts from, string delta, string variant)
    {
        var files = from.Files.ToDictionary();
        var lines = Lines(delta);
        var i = 0;
        while (i < lines.Count)
        {
            var (oldName, newName) = (Header(lines, i, "--- "), Header(lines, i + 1, "+++ "));
            var suffix = oldName != None ? Suffix(oldName, from.Stack) : Suffix(newName, variant);
            if (oldName != None && !files.ContainsKey(suffix)) throw Refused($"it changes {oldName}, which the base does not have");
            var old = Lines(files.GetValueOrDefault(suffix));
            var result = new List<string>();
            var copied = 0;
            for (i += 2; i < lines.Count && lines[i].StartsWith("@@ ", StringComparison.Ordinal);)
            {
                var range = HunkHeader().Match(lines[i]);
                if (!range.Success) throw Refused($"line {i + 1} is not a hunk header: {lines[i]}");
                var (oldStart, oldCount) = Range(range.Groups["oldStart"].Value, range.Groups["oldCount"].Value);
                var (_, newCount) = Range(range.Groups["newStart"].Value, range.Groups["newCount"].Value);
                // A hunk that removes nothing names the line after which it inserts.
                var at = oldCount == 0 ? oldStart : oldStart - 1;
                if (at < copied || at > old.Count) throw Refused($"the hunk at line {i + 1} starts at line {oldStart} of {oldName}, which has {old.Count} lines");
                result.AddRange(old.Skip(copied).Take(at - copied));
                copied = at;
                // Counting the lines the header promises is what tells a removed line from the next file's `--- ` header.
                int oldSeen = 0, newSeen = 0;
                for (i++; (oldSeen < oldCount || newSeen < newCount) && i < lines.Count && IsBody(lines[i]); i++)
                {
                    var (mark, line) = lines[i].Length == 0 ? (' ', "") : (lines[i][0], lines[i][1..]);
                    if (mark != '+')
                    {
                        if (copied >= old.Count || old[copied] != line)
                            throw Refused($"line {i + 1} expects {oldName} line {copied + 1} to be `{line}`, but it is `{(copied < old.Count ? old[copied] : "(end of file)")}`");
                        copied++;
                        oldSeen++;
                    }
                    if (mark != '-') { result.Add(line); newSeen++; }
                }
                if (oldSeen != oldCount || newSeen != newCount) throw Refused($"the hunk before line {i + 1} does not have the lines its header counts");
            }
            result.AddRange(old.Skip(copied));
            if (newName == None) files.Remove(suffix);
            else files[suffix] = string.Concat(result.Select(l => l + "\n"));
        }
        return new ProgramParts(from.Stack, files);

        static bool IsBody(string line) => line.Length == 0 || line[0] is ' ' or '-' or '+';
        static InvalidDataException Refused(string why) => new($"The delta does not apply to its base: {why}. Regenerate the goldens: {GoldenProgramTests.Regenerate}");

        static string Header(List<string> lines, int at, string prefix) =>
            at < lines.Count && lines[at].StartsWith(prefix, StringComparison.Ordinal) ? lines[at][prefix.Length..]
                : throw Refused($"line {at + 1} should start with `{prefix}`");

        static string Suffix(string file, string stack) =>
            file.StartsWith(stack + ".", StringComparison.Ordinal) ? file[stack.Length..] : throw Refused($"{file} is not a part of {stack}");

        static (int Start, int Count) Range(string start, string count) =>
            (int.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
             count.Length == 0 ? 1 : int.Parse(count, System.Globalization.CultureInfo.InvariantCulture));
    }

    // Changes closer than twice the context share one hunk, as diff -u joins them.
    private static IEnumerable<List<LineDiff.Edit>> Hunks(IReadOnlyList<LineDiff.Edit> edits)
    {
        var changed = Enumerable.Range(0, edits.Count).Where(i => edits[i].Kind != LineDiff.Kind.Same).ToList();
        var first = 0;
        for (var c = 1; c <= changed.Count; c++)
        {
            if (c < changed.Count && changed[c] - changed[c - 1] - 1 <= 2 * Context) continue;
            var start = Math.Max(0, changed[first] - Context);
            var end = Math.Min(edits.Count, changed[c - 1] + Context + 1);
            yield return edits.Skip(start).Take(end - start).ToList();
            first = c;
        }
    }

    private static void Append(StringBuilder text, List<LineDiff.Edit> hunk)
    {
        var oldCount = hunk.Count(e => e.Kind != LineDiff.Kind.Added);
        var newCount = hunk.Count(e => e.Kind != LineDiff.Kind.Removed);
        text.Append("@@ -").Append(Range(hunk[0].Old, oldCount)).Append(" +").Append(Range(hunk[0].New, newCount)).Append(" @@\n");
        foreach (var edit in hunk)
            text.Append(edit.Kind switch { LineDiff.Kind.Removed => '-', LineDiff.Kind.Added => '+', _ => ' ' }).Append(edit.Line).Append('\n');

        // diff -u's convention: 1-based, the count left out when it is 1, and an empty range named by the line before it.
        static string Range(int start, int count) => count switch
        {
            0 => $"{start},0",
            1 => $"{start + 1}",
            _ => $"{start + 1},{count}",
        };
    }

    /// A text's lines; every part ends with a newline, so there is no last, unterminated line to mark.
    private static List<string> Lines(string? text)
    {
        if (string.IsNullOrEmpty(text)) return [];
        if (!text.EndsWith('\n')) throw new ArgumentException("A golden part ends with a newline.", nameof(text));
        return [.. text[..^1].Split('\n')];
    }

    [GeneratedRegex(@"^@@ -(?<oldStart>\d+)(?:,(?<oldCount>\d+))? \+(?<newStart>\d+)(?:,(?<newCount>\d+))? @@")]
    private static partial Regex HunkHeader();
}
