using System.Globalization;
using System.Text.Json.Nodes;

namespace Failover.Functions.Aws;

/// DynamoDB's item calls over the awsJson1.0 protocol, through the same signed client, retries, deadline and error types as every
/// other service (the SDK brought its own HTTP stack, retry loop and exception types). One region's replica of a table: the
/// function's own, or the peer's that decide reads in eventual mode.
public sealed class DynamoDbClient(AwsHttpClient client, string region)
{
    private const string Prefix = "DynamoDB_20120810.";
    private readonly AwsService _service = new("DynamoDB", "dynamodb",
        client.Environment.Endpoint("DynamoDB", region, $"https://dynamodb.{region}.amazonaws.com"), region);

    /// A strongly consistent read of one item; null when there is none.
    public async Task<JsonObject?> GetItemAsync(string table, JsonObject key, CancellationToken cancellationToken)
    {
        var response = await CallAsync("GetItem", new JsonObject { ["TableName"] = table, ["Key"] = key, ["ConsistentRead"] = true }, cancellationToken);
        return response["Item"] is JsonObject { Count: > 0 } item ? item : null;
    }

    /// Sends a PutItem, UpdateItem or DeleteItem; false when its ConditionExpression did not hold (and nothing was written).
    public async Task<(bool Written, JsonObject Response)> WriteAsync(string action, JsonObject request, CancellationToken cancellationToken)
    {
        try
        {
            return (true, await CallAsync(action, request, cancellationToken));
        }
        catch (AwsServiceException e) when (e.Code == "ConditionalCheckFailedException")
        {
            return (false, []);
        }
    }

    private Task<JsonObject> CallAsync(string action, JsonObject request, CancellationToken cancellationToken) =>
        JsonRpc.CallAsync(client, _service, Prefix + action, request, cancellationToken, version: "1.0");
}

/// DynamoDB's typed attribute values (`{"S": ...}`, `{"N": ...}`) as the control table writes and reads them.
public static class Attr
{
    public static JsonObject S(string value) => new() { ["S"] = value };

    public static JsonObject N(long value) => new() { ["N"] = value.ToString(CultureInfo.InvariantCulture) };

    /// The string, or null when the attribute is missing or of another type.
    public static string? Text(JsonObject? item, string name) => item?[name] is JsonObject { } v ? JsonRpc.OptionalString(v["S"]) : null;

    /// The number, or null when the attribute is missing, of another type or not a whole number.
    public static long? Number(JsonObject? item, string name) =>
        item?[name] is JsonObject { } v && JsonRpc.OptionalString(v["N"]) is { } n
        && long.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static bool Has(JsonObject? item, string name) => item?.ContainsKey(name) == true;

    /// Epoch seconds, a fraction rounded down; null when missing, of another type, or not a time (milliseconds, 1e20, negative).
    public static DateTimeOffset? Seconds(JsonObject? item, string name) =>
        item?[name] is JsonObject { } v && JsonRpc.OptionalString(v["N"]) is { } n
        && decimal.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
        && seconds >= 0 && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds((long)decimal.Floor(seconds)) : null;

    /// Operators write times as ISO-8601 strings; epoch seconds are accepted too. Null when missing or unreadable.
    public static DateTimeOffset? Time(JsonObject? item, string name) =>
        Seconds(item, name) is { } time ? time
        : DateTimeOffset.TryParse(Text(item, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null;

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
