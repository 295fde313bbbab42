using System.Text.Json;
using System.Text.Json.Nodes;

namespace Failover.Ops.Cli;

/// Reading the JSON that Pulumi and Step Functions answer with, where a missing or mistyped field is null, not an exception.
public static class JsonText
{
    public static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// The object a text holds, or null when it holds something else or no JSON at all.
    public static JsonObject? Object(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
