namespace Failover.Functions.Runtime;

/// Repeats a caller's value or a message back with a bounded length: an error path must not copy megabytes.
public static class BoundedText
{
    /// The value quoted, cut to `max` chars with its full length when longer: `'aaaa…' (3145728 chars)`; null as `null`.
    public static string Of(string? value, int max = 64)
    {
        if (value is null) return "null";
        if (value.Length <= max) return $"'{value}'";
        return $"'{Head(value, max)}…' ({value.Length} chars)";
    }

    /// A message kept whole when it fits, else cut so that, with `… (N chars)` appended, it is at most `max` chars.
    public static string Cut(string message, int max)
    {
        if (message.Length <= max) return message;
        var suffix = $"… ({message.Length} chars)";
        return string.Concat(Head(message, Math.Max(0, max - suffix.Length)), suffix);
    }

    // A slice, not a copy of the whole; never ending on half a surrogate pair, which JSON writers refuse.
    private static ReadOnlySpan<char> Head(string value, int length) =>
        length > 0 && char.IsHighSurrogate(value[length - 1]) ? value.AsSpan(0, length - 1) : value.AsSpan(0, length);
}
