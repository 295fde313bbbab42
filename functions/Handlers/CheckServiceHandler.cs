using Failover.Functions.Aws;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// `check-service`: is this region ready for traffic? The workflow waits on it before moving any.
public sealed class CheckServiceHandler(Func<string, string?> env, AwsClients clients)
{
    public async Task<CheckServiceResponse> HandleAsync(ActionRequest request, InvocationContext context, CancellationToken cancellationToken)
    {
        var s = new Settings(env, HandlerNames.CheckService);
        var cluster = s.Required(EnvNames.ClusterName);
        var service = s.Required(EnvNames.ServiceName);
        var targetGroup = s.Required(EnvNames.TargetGroupArn);
        s.ThrowIfInvalid();

        var aws = clients.Until(context.StopBy);
        var current = await aws.Ecs.DescribeServiceAsync(cluster, service, cancellationToken);
        var healthy = (await aws.ElbV2.DescribeTargetHealthAsync(targetGroup, cancellationToken)).Count(state => state == "healthy");
        // Ready means serving at full size: every task running, the rollout finished, and the ALB sending to all of them.
        var ready = current.DesiredCount > 0
            && current.RunningCount == current.DesiredCount
            && current.PrimaryRolloutState == "COMPLETED"
            && healthy >= current.DesiredCount;
        context.Log.Info("checked", ("ready", ready), ("running", current.RunningCount), ("desired", current.DesiredCount), ("healthyTargets", healthy));
        return new CheckServiceResponse
        {
            Ready = ready,
            Running = current.RunningCount,
            Desired = current.DesiredCount,
            HealthyTargets = healthy,
            RolloutState = current.PrimaryRolloutState,
        };
    }
}
