using Failover.Functions.Aws;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// `scale-service`: sets this region's service to its active size (failover, drill) or back to standby (failback).
public sealed class ScaleServiceHandler(Func<string, string?> env, AwsClients aws)
{
    public async Task<ScaleServiceResponse> HandleAsync(ActionRequest request, InvocationContext context, CancellationToken cancellationToken)
    {
        var action = Vocabulary.ParseAction(request.Action);
        var s = new Settings(env);
        var cluster = s.Required("CLUSTER_NAME");
        var service = s.Required("SERVICE_NAME");
        var activeCount = s.Int("ACTIVE_DESIRED_COUNT", min: 1);
        var activeMin = s.Int("ACTIVE_MIN_CAPACITY", min: 1);
        var standbyCount = s.Int("STANDBY_DESIRED_COUNT");
        var standbyMin = s.Int("STANDBY_MIN_CAPACITY");
        s.ThrowIfInvalid("scale-service");

        var (desired, min) = action == FailoverAction.Failback ? (standbyCount, standbyMin) : (activeCount, activeMin);
        var resourceId = $"service/{cluster}/{service}";
        var current = await aws.Ecs.DescribeServiceAsync(cluster, service, cancellationToken);
        var target = await aws.AutoScaling.DescribeScalableTargetAsync(resourceId, cancellationToken);

        // The floor moves first: target tracking would otherwise scale a raised count back in (or a lowered one back out).
        var changed = false;
        if (target.MinCapacity != min)
        {
            await aws.AutoScaling.RegisterScalableTargetAsync(resourceId, min, Math.Max(target.MaxCapacity, Math.Max(min, desired)), cancellationToken);
            changed = true;
        }
        if (current.DesiredCount != desired)
        {
            await aws.Ecs.UpdateServiceAsync(cluster, service, desired, cancellationToken);
            changed = true;
        }
        context.Log.Info("scaled", ("action", action.Wire()), ("desiredCount", desired), ("minCapacity", min), ("changed", changed));
        return new ScaleServiceResponse
        {
            Action = action.Wire(),
            DesiredCount = desired,
            MinCapacity = min,
            PreviousDesiredCount = current.DesiredCount,
            PreviousMinCapacity = target.MinCapacity,
            Changed = changed,
        };
    }
}
