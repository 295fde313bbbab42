using System.Text.Json.Nodes;

namespace Failover.Functions.Aws;

/// Application Auto Scaling for one ECS service's desired count, in the service's region: read and set the scalable target's bounds.
public sealed class ApplicationAutoScalingClient(AwsHttpClient client, string region)
{
    private const string Prefix = "AnyScaleFrontendService.";
    private readonly AwsService _service = new("Application Auto Scaling", "application-autoscaling",
        client.Environment.Endpoint("Application Auto Scaling", region, $"https://application-autoscaling.{region}.amazonaws.com"), region);

    public sealed record ScalableTarget(string ResourceId, int MinCapacity, int MaxCapacity);

    public async Task<ScalableTarget> DescribeScalableTargetAsync(string resourceId, CancellationToken cancellationToken)
    {
        var response = await JsonRpc.CallAsync(client, _service, Prefix + "DescribeScalableTargets", new JsonObject
        {
            ["ServiceNamespace"] = "ecs",
            ["ScalableDimension"] = "ecs:service:DesiredCount",
            ["ResourceIds"] = new JsonArray(resourceId),
        }, cancellationToken);
        var target = (response["ScalableTargets"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault()
            ?? throw new AwsServiceException("Application Auto Scaling", "ObjectNotFoundException", $"no scalable target {resourceId}", 400, null);
        return new ScalableTarget(resourceId,
            JsonRpc.Int(target["MinCapacity"], _service, "DescribeScalableTargets", "MinCapacity"),
            JsonRpc.Int(target["MaxCapacity"], _service, "DescribeScalableTargets", "MaxCapacity"));
    }

    /// Updates the bounds of an existing target (RegisterScalableTarget is the documented update call).
    public async Task RegisterScalableTargetAsync(string resourceId, int minCapacity, int maxCapacity, CancellationToken cancellationToken) =>
        await JsonRpc.CallAsync(client, _service, Prefix + "RegisterScalableTarget", new JsonObject
        {
            ["ServiceNamespace"] = "ecs",
            ["ScalableDimension"] = "ecs:service:DesiredCount",
            ["ResourceId"] = resourceId,
            ["MinCapacity"] = minCapacity,
            ["MaxCapacity"] = maxCapacity,
        }, cancellationToken);
}
