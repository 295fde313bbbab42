using System.Text.Json.Nodes;

namespace Failover.Functions.Aws;

/// The ECS calls the workflow needs: read a service's counts and deployments, set its desired count.
public sealed class EcsClient(AwsHttpClient client)
{
    private const string Prefix = "AmazonEC2ContainerServiceV20141113.";
    private readonly AwsService _service = new("ECS", "ecs",
        client.Environment.Endpoint("ECS", $"https://ecs.{client.Environment.Region}.amazonaws.com"), client.Environment.Region);

    public sealed record Service(int DesiredCount, int RunningCount, string? PrimaryRolloutState);

    public async Task<Service> DescribeServiceAsync(string cluster, string service, CancellationToken cancellationToken)
    {
        var response = await JsonRpc.CallAsync(client, _service, Prefix + "DescribeServices",
            new JsonObject { ["cluster"] = cluster, ["services"] = new JsonArray(service) }, cancellationToken);
        var found = response["services"]?.AsArray().OfType<JsonObject>().FirstOrDefault();
        if (found is null)
        {
            var reason = response["failures"]?.AsArray().OfType<JsonObject>().FirstOrDefault()?["reason"]?.GetValue<string>() ?? "not found";
            throw new AwsServiceException("ECS", "ServiceNotFoundException", $"service {service} in {cluster}: {reason}", 400, null);
        }
        var deployments = found["deployments"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
        var primary = deployments.FirstOrDefault(d => d["status"]?.GetValue<string>() == "PRIMARY");
        // No rollout state is a state of its own (check-service is then not ready); a missing count is not 0.
        return new Service(
            found["desiredCount"]?.GetValue<int>() ?? throw new AwsMalformedResponseException("ECS", "DescribeServices", "desiredCount"),
            found["runningCount"]?.GetValue<int>() ?? throw new AwsMalformedResponseException("ECS", "DescribeServices", "runningCount"),
            primary?["rolloutState"]?.GetValue<string>());
    }

    public async Task UpdateServiceAsync(string cluster, string service, int desiredCount, CancellationToken cancellationToken) =>
        await JsonRpc.CallAsync(client, _service, Prefix + "UpdateService",
            new JsonObject { ["cluster"] = cluster, ["service"] = service, ["desiredCount"] = desiredCount }, cancellationToken);
}
