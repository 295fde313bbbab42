using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;

namespace Failover.Functions.Aws;

/// The awsJson protocols: POST / with X-Amz-Target and a JSON body (ECS and Application Auto Scaling speak 1.1, DynamoDB 1.0).
internal static class JsonRpc
{
    public static async Task<JsonObject> CallAsync(AwsHttpClient client, AwsService service, string target, JsonObject request,
        CancellationToken cancellationToken, string version = "1.1")
    {
        var text = await client.SendAsync(service, HttpMethod.Post, "/", Encoding.UTF8.GetBytes(request.ToJsonString()),
            $"application/x-amz-json-{version}", new Dictionary<string, string> { ["X-Amz-Target"] = target }, cancellationToken);
        return Parse(text, service, target[(target.LastIndexOf('.') + 1)..]);
    }

    /// A success with an unreadable body may still have been applied: AwsMalformedResponse (outcome unknown), never InvalidInput.
    public static JsonObject Parse(string text, AwsService service, string action)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        try
        {
            // A repeated key is refused while parsing, not later at the first read of the object, wherever that happens to be.
            return JsonNode.Parse(text, null, new JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject
                ?? throw new AwsMalformedResponseException(service.Name, action, "a JSON object body");
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new AwsMalformedResponseException(service.Name, action, "a JSON body (it was not JSON, or named a key twice)");
        }
    }

    /// A whole number the workflow acts on: missing or of another type is malformed, never 0.
    public static int Int(JsonNode? node, AwsService service, string action, string field) =>
        node is JsonValue value && value.TryGetValue<int>(out var n) ? n : throw new AwsMalformedResponseException(service.Name, action, field);

    public static string? OptionalString(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
}

/// The Query protocol: a form-encoded POST answered with XML (ELBv2, CloudWatch).
internal static class QueryApi
{
    public static async Task<XDocument> CallAsync(AwsHttpClient client, AwsService service, IReadOnlyList<(string Key, string Value)> parameters,
        CancellationToken cancellationToken)
    {
        var body = string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        var text = await client.SendAsync(service, HttpMethod.Post, "/", Encoding.UTF8.GetBytes(body), "application/x-www-form-urlencoded; charset=utf-8", null,
            cancellationToken);
        return Xml.Parse(text, service, parameters.FirstOrDefault(p => p.Key == "Action").Value ?? "request");
    }
}
