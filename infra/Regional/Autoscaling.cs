using Failover.Infra.Config;
using Failover.Infra.Yaml;

namespace Failover.Infra.Regional;

/// Service Auto Scaling on the ECS service's desired count, with a CPU target-tracking policy.
public sealed record Autoscaling
{
    public required Resource Target { get; init; }

    /// `service/CLUSTER/SERVICE`: the scalable target's id, which the workflow updates.
    public Value ResourceId => Target.Out("resourceId");

    public static Autoscaling Create(PulumiProgram program, StackConfig config, EcsService ecs)
    {
        var capacity = config.Capacity;
        // The standby's floor is its standby count, or target tracking would scale it past what standby should cost.
        var min = config.Role == Role.Primary ? capacity.AutoscalingMin : capacity.StandbyCount;
        var target = program.Add(new Resource
        {
            Name = "scalable-target",
            Type = "aws:appautoscaling/target:Target",
            Properties = Map.Of(
                ("serviceNamespace", "ecs"),
                ("scalableDimension", "ecs:service:DesiredCount"),
                ("resourceId", Value.Format($"service/{ecs.Cluster.Out("name")}/{ecs.Service.Out("name")}")),
                ("minCapacity", min),
                ("maxCapacity", capacity.AutoscalingMax),
                ("tags", Map.Of(config.TagsNamed($"{config.NamePrefix}-scaling")))),
            // The workflow raises the minimum during a failover; a later `pulumi up` must not lower it under load.
            Options = new ResourceOptions { IgnoreChanges = ["minCapacity"] },
        });
        program.Add(new Resource
        {
            Name = "cpu-scaling-policy",
            Type = "aws:appautoscaling/policy:Policy",
            Properties = Map.Of(
                ("name", $"{config.NamePrefix}-cpu"),
                ("policyType", "TargetTrackingScaling"),
                ("serviceNamespace", target.Out("serviceNamespace")),
                ("scalableDimension", target.Out("scalableDimension")),
                ("resourceId", target.Out("resourceId")),
                ("targetTrackingScalingPolicyConfiguration", Map.Of(
                    ("predefinedMetricSpecification", Map.Of(("predefinedMetricType", "ECSServiceAverageCPUUtilization"))),
                    ("targetValue", capacity.CpuTargetPercent),
                    // Out fast, in slowly: a region that just took over traffic must not shed tasks on a lull.
                    ("scaleOutCooldown", 60),
                    ("scaleInCooldown", 300)))),
        });
        return new Autoscaling { Target = target };
    }
}
