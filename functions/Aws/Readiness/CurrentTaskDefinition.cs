using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// The task definition a service runs now: the one its DescribeServices names, as the workload checks compare it.
public static class CurrentTaskDefinition
{
    public static async Task<EcsClient.TaskDefinition> ReadAsync(AwsHttpClient aws, ServiceRef service, CancellationToken ct)
    {
        var ecs = new EcsClient(aws, service.Region);
        var current = await ecs.DescribeServiceAsync(service.Cluster, service.Service, ct);
        return await ecs.DescribeTaskDefinitionAsync(
            current.TaskDefinition ?? throw new AwsMalformedResponseException("ECS", "DescribeServices", "taskDefinition"), ct);
    }

    /// `family:revision`, from the ARN: how the sentences name a task definition.
    public static string Revision(EcsClient.TaskDefinition definition) => definition.Arn[(definition.Arn.LastIndexOf('/') + 1)..];
}
