using System.Text.Json;

namespace Failover.Functions.Runtime;

/// What an event must be before typed deserialization: one JSON object in which no object names a key twice, in any case.
/// The deserializer matches keys ignoring case and keeps the last of a repeated one, so `{"action":"drill","ACTION":"failover"}`
/// would quietly become a failover; refusing the event is the only reading that cannot be wrong.
internal static class DuplicateKeyGuard
{
    /// An open object or array; Name (or Index, in an array) is where it sits in its parent, for the error's path.
    private sealed class Container(string? name, int index, bool isObject)
    {
        public string? Name { get; } = name;
        public int Index { get; } = index;
        public HashSet<string>? Keys { get; } = isObject ? new(StringComparer.OrdinalIgnoreCase) : null;
        /// In an object, the key just read: the name of the value that follows.
        public string? LastKey { get; set; }
        /// In an array, the values read so far: the index of the next one.
        public int Values { get; set; }
    }

    /// Throws InvalidInputException for a repeated key or a non-object event, JsonException for malformed JSON.
    public static void Check(ReadOnlySpan<byte> utf8)
    {
        // Default reader options are the deserializer's: no comments, no trailing commas, depth 64, one value only.
        var reader = new Utf8JsonReader(utf8);
        var open = new List<Container>();
        while (reader.Read())
        {
            var parent = open.Count > 0 ? open[^1] : null;
            if (parent is null && reader.TokenType != JsonTokenType.StartObject)
                throw new InvalidInputException($"The event must be a JSON object, not {Describe(reader.TokenType)}.");
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    var key = reader.GetString()!;
                    if (!parent!.Keys!.Add(key)) throw Repeated(open, key);
                    parent.LastKey = key;
                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    var inArray = parent is { Keys: null };
                    open.Add(new Container(inArray ? null : parent?.LastKey, inArray ? parent!.Values++ : 0, reader.TokenType == JsonTokenType.StartObject));
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    open.RemoveAt(open.Count - 1);
                    break;
                default:
                    if (parent!.Keys is null) parent.Values++;
                    break;
            }
        }
    }

    private static InvalidInputException Repeated(List<Container> open, string key)
    {
        open[^1].Keys!.TryGetValue(key, out var first);
        var path = Path(open);
        return first == key
            ? new InvalidInputException($"The event is ambiguous: the object at {path} has the key {BoundedText.Of(key)} twice.")
            : new InvalidInputException($"The event is ambiguous: the object at {path} has the keys {BoundedText.Of(first)} and {BoundedText.Of(key)}, which are one key (keys match whatever their case).");
    }

    // Built only for an error: `$`, `.name` for a plain member, `['odd name']` otherwise, `[i]` in an array.
    private static string Path(List<Container> open)
    {
        var path = new System.Text.StringBuilder("$");
        foreach (var container in open.Skip(1))
        {
            if (container.Name is null) path.Append('[').Append(container.Index).Append(']');
            else if (container.Name.Length is > 0 and <= 64 && container.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) path.Append('.').Append(container.Name);
            else path.Append('[').Append(BoundedText.Of(container.Name)).Append(']');
        }
        return path.ToString();
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        _ => "null",
    };
}
