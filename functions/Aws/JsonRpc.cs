using System.Text;
using System.Text.Json.Nodes;

namespace Failover.Functions.Aws;

/// The awsJson1.1 protocol: POST / with X-Amz-Target and a JSON body (ECS, Application Auto Scaling).
internal static class JsonRpc
{
    public static async Task<JsonObject> CallAsync(AwsHttpClient client, AwsService service, string target, JsonObject request, CancellationToken cancellationToken)
    {
        var text = await client.SendAsync(service, HttpMethod.Post, "/", Encoding.UTF8.GetBytes(request.ToJsonString()),
            "application/x-amz-json-1.1", new Dictionary<string, string> { ["X-Amz-Target"] = target }, cancellationToken);
        return JsonNode.Parse(text) as JsonObject ?? new JsonObject();
    }
}

/// The Query protocol: a form-encoded POST answered with XML (ELBv2, CloudWatch).
internal static class QueryApi
{
    public static Task<string> CallAsync(AwsHttpClient client, AwsService service, IEnumerable<(string Key, string Value)> parameters, CancellationToken cancellationToken)
    {
        var body = string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        return client.SendAsync(service, HttpMethod.Post, "/", Encoding.UTF8.GetBytes(body), "application/x-www-form-urlencoded; charset=utf-8", null, cancellationToken);
    }
}
