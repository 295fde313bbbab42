using System.Text.Json.Nodes;

namespace Failover.Functions.Aws;

/// The ECS calls the workflow needs: read a service's counts and deployments, set its desired count; in a given region (the
/// function's own, or the one SERVICE_REGION names).
public sealed class EcsClient(AwsHttpClient client, string region)
{
    private const string Prefix = "AmazonEC2ContainerServiceV20141113.";
    private readonly AwsService _service = new("ECS", "ecs",
        client.Environment.Endpoint("ECS", region, $"https://ecs.{region}.amazonaws.com"), region);

    public sealed record Service(int DesiredCount, int RunningCount, string? PrimaryRolloutState);

    public async Task<Service> DescribeServiceAsync(string cluster, string service, CancellationToken cancellationToken)
    {
        var response = await JsonRpc.CallAsync(client, _service, Prefix + "DescribeServices",
            new JsonObject { ["cluster"] = cluster, ["services"] = new JsonArray(service) }, cancellationToken);
        var found = (response["services"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
        if (found is null)
        {
            var reason = JsonRpc.OptionalString((response["failures"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault()?["reason"]) ?? "not found";
            throw new AwsServiceException("ECS", "ServiceNotFoundException", $"service {service} in {cluster}: {reason}", 400, null);
        }
        var deployments = (found["deployments"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var primary = deployments.FirstOrDefault(d => JsonRpc.OptionalString(d["status"]) == "PRIMARY");
        // No rollout state is a state of its own (check-service is then not ready); a missing count is not 0.
        return new Service(
            JsonRpc.Int(found["desiredCount"], _service, "DescribeServices", "desiredCount"),
            JsonRpc.Int(found["runningCount"], _service, "DescribeServices", "runningCount"),
            JsonRpc.OptionalString(primary?["rolloutState"]));
    }

    public async Task UpdateServiceAsync(string cluster, string service, int desiredCount, CancellationToken cancellationToken) =>
        await JsonRpc.CallAsync(client, _service, Prefix + "UpdateService",
            new JsonObject { ["cluster"] = cluster, ["service"] = service, ["desiredCount"] = desiredCount }, cancellationToken);
}
