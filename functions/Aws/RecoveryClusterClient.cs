using System.Text;
using System.Text.Json.Nodes;

namespace Failover.Functions.Aws;

/// One of an ARC cluster's regional data-plane endpoints.
public sealed record ClusterEndpoint(string Region, Uri Url);

/// Route 53 ARC routing controls through the cluster's data plane, trying each regional endpoint in turn:
/// the data plane is built to be used when a Region is impaired, so any one healthy endpoint will do.
/// https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.update.api.html
public sealed class RecoveryClusterClient(AwsHttpClient client, IReadOnlyList<ClusterEndpoint> endpoints)
{
    private const string Prefix = "ToggleCustomerAPI.";

    public Task<string> GetRoutingControlStateAsync(string arn, CancellationToken cancellationToken) =>
        OnAnyEndpointAsync("GetRoutingControlState", new JsonObject { ["RoutingControlArn"] = arn },
            response => JsonRpc.OptionalString(response["RoutingControlState"])
                ?? throw new AwsMalformedResponseException("Route 53 ARC", "GetRoutingControlState", "RoutingControlState"), cancellationToken);

    public Task<string> UpdateRoutingControlStateAsync(string arn, string state, CancellationToken cancellationToken) =>
        OnAnyEndpointAsync("UpdateRoutingControlState", new JsonObject { ["RoutingControlArn"] = arn, ["RoutingControlState"] = state },
            _ => state, cancellationToken);

    private async Task<T> OnAnyEndpointAsync<T>(string action, JsonObject request, Func<JsonObject, T> read, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var service = new AwsService("Route 53 ARC", "route53-recovery-cluster", endpoint.Url, endpoint.Region);
            try
            {
                var text = await client.SendAsync(service, HttpMethod.Post, "/", Encoding.UTF8.GetBytes(request.ToJsonString()),
                    "application/x-amz-json-1.0", new Dictionary<string, string> { ["X-Amz-Target"] = Prefix + action }, cancellationToken);
                return read(JsonRpc.Parse(text, service, action));
            }
            catch (AwsUnreachableException e)
            {
                failures.Add($"{endpoint.Region}: {e.Message}");
            }
            catch (AwsServiceException e) when (e.Retryable || e.Code is "EndpointTemporarilyUnavailableException")
            {
                failures.Add($"{endpoint.Region}: {e.Message}");
            }
        }
        throw new AwsUnreachableException("Route 53 ARC", string.Join(", ", endpoints.Select(e => e.Url)),
            new HttpRequestException($"{action} failed on every cluster endpoint: {string.Join("; ", failures)}"));
    }
}
