namespace Failover.Infra.Tests.Golden;

/// A line diff: the shortest edit script between two texts (Myers' O(ND) algorithm, the one git and GNU diff use), shown in
/// a test failure or stored as a unified diff (ProgramDelta).
internal static class LineDiff
{
    /// Past this many changed lines the rest of the change shows as replaced: such a change is read in git, not in a test
    /// failure, and the search would cost time and memory quadratic in it.
    private const int MaxSearch = 2000;

    public enum Kind
    {
        Same,
        Removed,
        Added,
    }

    /// One line of the script; Old and New are its 0-based positions (for an added line, Old is where it goes in the old
    /// text; for a removed one, New is where it was in the new text).
    public readonly record struct Edit(Kind Kind, string Line, int Old, int New);

    /// Removed and added lines with their line numbers, enough to read a golden change in a test failure.
    public static string Describe(string expected, string actual, int maxLines = 60)
    {
        var lines = Edits(expected.Split('\n'), actual.Split('\n'))
            .Where(e => e.Kind != Kind.Same)
            .Select(e => e.Kind == Kind.Removed ? $"-{e.Old + 1,5}: {e.Line}" : $"+{e.New + 1,5}: {e.Line}")
            .ToList();
        var shown = lines.Take(maxLines).ToList();
        if (lines.Count > maxLines) shown.Add($"… and {lines.Count - maxLines} more changed lines");
        return string.Join('\n', shown);
    }

    /// Every line of both texts in order; within a change the removed lines come before the added ones, as `diff -u` shows
    /// them (Myers' search takes a change's removals before its additions).
    public static IReadOnlyList<Edit> Edits(IReadOnlyList<string> old, IReadOnlyList<string> @new)
    {
        var prefix = 0;
        while (prefix < old.Count && prefix < @new.Count && old[prefix] == @new[prefix]) prefix++;
        var suffix = 0;
        while (suffix < old.Count - prefix && suffix < @new.Count - prefix && old[old.Count - 1 - suffix] == @new[@new.Count - 1 - suffix]) suffix++;

        var edits = new List<Edit>();
        for (var i = 0; i < prefix; i++) edits.Add(new Edit(Kind.Same, old[i], i, i));
        edits.AddRange(Middle(old, @new, prefix, old.Count - suffix, @new.Count - suffix));
        for (var i = suffix; i > 0; i--) edits.Add(new Edit(Kind.Same, old[old.Count - i], old.Count - i, @new.Count - i));
        return edits;
    }

    // Myers' greedy search over old[start..oldEnd) and new[start..newEnd), keeping each round's frontier to walk back the path.
    private static List<Edit> Middle(IReadOnlyList<string> old, IReadOnlyList<string> @new, int start, int oldEnd, int newEnd)
    {
        int n = oldEnd - start, m = newEnd - start, max = n + m;
        var v = new int[2 * max + 3];
        var trace = new List<int[]>();
        for (var d = 0; d <= Math.Min(max, MaxSearch); d++)
        {
            // The diagonals -d-1..d+1 are all that walking back from round d reads.
            trace.Add(v[(max + 1 - d - 1)..(max + 1 + d + 2)]);
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[max + 1 + k - 1] < v[max + 1 + k + 1]) ? v[max + 1 + k + 1] : v[max + 1 + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && old[start + x] == @new[start + y]) { x++; y++; }
                v[max + 1 + k] = x;
                if (x >= n && y >= m) return Path(trace, old, @new, start, n, m);
            }
        }
        return [
            .. Enumerable.Range(start, n).Select(i => new Edit(Kind.Removed, old[i], i, start)),
            .. Enumerable.Range(start, m).Select(j => new Edit(Kind.Added, @new[j], oldEnd, j)),
        ];
    }

    private static List<Edit> Path(List<int[]> trace, IReadOnlyList<string> old, IReadOnlyList<string> @new, int start, int n, int m)
    {
        var edits = new List<Edit>();
        int x = n, y = m;
        for (var d = trace.Count - 1; d >= 0; d--)
        {
            var frontier = trace[d];
            int At(int k) => frontier[k + d + 1];
            var k = x - y;
            var previous = k == -d || (k != d && At(k - 1) < At(k + 1)) ? k + 1 : k - 1;
            var previousX = d == 0 ? 0 : At(previous);
            var previousY = d == 0 ? 0 : previousX - previous;
            while (x > previousX && y > previousY) { x--; y--; edits.Add(new Edit(Kind.Same, old[start + x], start + x, start + y)); }
            if (d == 0) break;
            if (x == previousX) edits.Add(new Edit(Kind.Added, @new[start + y - 1], start + x, start + y - 1));
            else edits.Add(new Edit(Kind.Removed, old[start + x - 1], start + x - 1, start + y));
            (x, y) = (previousX, previousY);
        }
        edits.Reverse();
        return edits;
    }
}
