using Failover.Functions.Aws;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// `scale-service`: sets this region's service to its active size (failover, drill) or back to standby (failback).
public sealed class ScaleServiceHandler(Func<string, string?> env, AwsClients clients)
{
    public async Task<ScaleServiceResponse> HandleAsync(ActionRequest request, InvocationContext context, CancellationToken cancellationToken)
    {
        var action = Vocabulary.ParseAction(request.Action);
        var s = new Settings(env, HandlerNames.ScaleService);
        var cluster = s.Required(EnvNames.ClusterName);
        var service = s.Required(EnvNames.ServiceName);
        var activeCount = s.Int(EnvNames.ActiveDesiredCount, min: 1);
        var activeMin = s.Int(EnvNames.ActiveMinCapacity, min: 1);
        var standbyCount = s.Int(EnvNames.StandbyDesiredCount);
        var standbyMin = s.Int(EnvNames.StandbyMinCapacity);
        s.ThrowIfInvalid();

        var (desired, min) = action == FailoverAction.Failback ? (standbyCount, standbyMin) : (activeCount, activeMin);
        var resourceId = $"service/{cluster}/{service}";
        var aws = clients.Until(context.StopBy);
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
        context.Log.Info("scaled", ("action", Wire.Of(action)), ("desiredCount", desired), ("minCapacity", min), ("changed", changed));
        return new ScaleServiceResponse
        {
            Action = Wire.Of(action),
            DesiredCount = desired,
            MinCapacity = min,
            PreviousDesiredCount = current.DesiredCount,
            PreviousMinCapacity = target.MinCapacity,
            Changed = changed,
        };
    }
}
