namespace Failover.Infra.Config;

/// How far apart two spellings are, for the "did you mean" of a mistyped key, namespace or region.
internal static class Spelling
{
    /// Levenshtein distance: the single-character insertions, deletions and substitutions that turn one word into the other.
    public static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// Close enough to be a slip of the keyboard, ignoring case: one edit in a quarter of the word's letters, at least one and at
    /// most two (three would take `us-iso-east-1` for `us-gov-east-1`).
    public static bool IsSlipOf(string typed, string word) => Within(typed, word, Math.Clamp(word.Length / 4, 1, 2));

    /// Close enough to refuse, not only to hint at: the same quarter of the letters without the floor of one edit, so a name
    /// under four letters is slipped only by case (a project named `app` leaves a third party's `api:` namespace alone).
    public static bool IsSurelySlipOf(string typed, string word) => Within(typed, word, Math.Min(word.Length / 4, 2));

    private static bool Within(string typed, string word, int edits) =>
        Distance(typed.ToLowerInvariant(), word.ToLowerInvariant()) <= edits;

    /// The word the typed one is a slip of, when exactly one is nearest; null when none is close or two are equally close.
    public static string? Nearest(string typed, IEnumerable<string> words)
    {
        var close = words.Where(w => IsSlipOf(typed, w)).GroupBy(w => Distance(typed.ToLowerInvariant(), w.ToLowerInvariant()))
            .OrderBy(g => g.Key).FirstOrDefault()?.ToList();
        return close is [var only] ? only : null;
    }
}
