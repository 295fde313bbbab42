using System.Text.Json.Nodes;

namespace Failover.Functions.Aws;

/// The one Systems Manager call the readiness checks make: whether a parameter exists, in a given region. DescribeParameters
/// answers with metadata only, where GetParameter would hand over the value (decrypted or not) the check has no use for.
public sealed class SsmClient(AwsHttpClient client, string region)
{
    private readonly AwsService _service = new("SSM", "ssm", client.Environment.Endpoint("SSM", region, $"https://ssm.{region}.amazonaws.com"), region);

    /// The names of the parameters named exactly `name` (one, or none).
    public async Task<IReadOnlyList<string>> DescribeParametersAsync(string name, CancellationToken cancellationToken)
    {
        var filter = new JsonObject { ["Key"] = "Name", ["Option"] = "Equals", ["Values"] = new JsonArray(name) };
        var response = await JsonRpc.CallAsync(client, _service, "AmazonSSM.DescribeParameters",
            new JsonObject { ["ParameterFilters"] = new JsonArray(filter) }, cancellationToken);
        return [.. (response["Parameters"] as JsonArray)?.OfType<JsonObject>().Select(p => JsonRpc.OptionalString(p["Name"])).OfType<string>() ?? []];
    }
}
