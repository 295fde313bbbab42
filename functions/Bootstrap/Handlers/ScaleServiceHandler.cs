using Failover.Functions.Aws;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// `scale-service`: sets the service to its active size (failover, drill) or back to standby (failback), or to the `size` the
/// request names. The service is in this region, or in SERVICE_REGION: the primary's failback scales the secondary down.
public sealed class ScaleServiceHandler(Func<string, string?> env, AwsClients clients)
{
    /// ECS's own limit on a service's desired count is in the thousands; more is no count anyone read.
    public const int MaxAtLeast = 5000;

    public async Task<ScaleServiceResponse> HandleAsync(ScaleServiceRequest request, InvocationContext context, CancellationToken cancellationToken)
    {
        var action = Vocabulary.ParseAction(request.Action);
        var size = Vocabulary.ParseSize(request.Size) ?? (action == FailoverAction.Failback ? ServiceSize.Standby : ServiceSize.Active);
        if (request.AtLeast is < 0 or > MaxAtLeast)
            throw new InvalidInputException($"'atLeast' must be a whole number from 0 to {MaxAtLeast} (got {request.AtLeast}).");
        var settings = new Settings(env, FunctionContract.ScaleService);
        var tableName = settings.Required(EnvNames.ControlTableName);
        var cluster = settings.Required(EnvNames.ClusterName);
        var service = settings.Required(EnvNames.ServiceName);
        var activeCount = settings.Int(EnvNames.ActiveDesiredCount, min: 1);
        var activeMin = settings.Int(EnvNames.ActiveMinCapacity, min: 1);
        var standbyCount = settings.Int(EnvNames.StandbyDesiredCount);
        var standbyMin = settings.Int(EnvNames.StandbyMinCapacity);
        var serviceRegion = settings.Region(EnvNames.ServiceRegion);
        settings.ThrowIfInvalid();

        var (desired, min) = size == ServiceSize.Standby ? (standbyCount, standbyMin) : (activeCount, activeMin);
        var resourceId = $"service/{cluster}/{service}";
        var aws = clients.Until(context.StopBy);
        // The lock lives in this function's own region's replica, where the run that holds it took it (even for scale-standby).
        await LockGuard.RequireAsync(aws, tableName, request.LockId, action, HandlerNames.ScaleService, cancellationToken);
        var ecs = aws.Ecs(serviceRegion);
        var autoScaling = aws.AutoScaling(serviceRegion);
        var current = await ecs.DescribeServiceAsync(cluster, service, cancellationToken);
        var target = await autoScaling.DescribeScalableTargetAsync(resourceId, cancellationToken);
        // The primary's load, when known: a failover into activeCount tasks where the primary ran more would start overloaded.
        // The operator's maximum for this region still holds; autoscaling takes over from the floor once traffic arrives.
        if (size == ServiceSize.Active && request.AtLeast is > 0 and var atLeast)
            desired = Math.Max(desired, Math.Min(atLeast, target.MaxCapacity));
        // Scaling up never scales down: a region an operator sized above the target (or one serving already) keeps its count.
        if (size == ServiceSize.Active) desired = Math.Max(desired, current.DesiredCount);

        // The floor moves first: target tracking would otherwise scale a raised count back in (or a lowered one back out).
        var changed = false;
        if (target.MinCapacity != min)
        {
            await autoScaling.RegisterScalableTargetAsync(resourceId, min, Math.Max(target.MaxCapacity, Math.Max(min, desired)), cancellationToken);
            changed = true;
        }
        if (current.DesiredCount != desired)
        {
            await ecs.UpdateServiceAsync(cluster, service, desired, cancellationToken);
            changed = true;
        }
        context.Log.Info("scaled", ("action", Wire.Of(action)), ("size", Wire.Of(size)), ("region", serviceRegion ?? aws.Environment.Region),
            ("desiredCount", desired), ("minCapacity", min), ("atLeast", request.AtLeast), ("changed", changed));
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
