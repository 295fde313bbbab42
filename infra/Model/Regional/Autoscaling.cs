using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Regional;

/// What service autoscaling needs to know.
public sealed record AutoscalingProps
{
    public required Naming Naming { get; init; }
    public required EcsService Ecs { get; init; }
    /// The minimum (the role decides: the autoscaling minimum in the primary, the standby count in the secondary).
    public required int Floor { get; init; }
    public required int Max { get; init; }
    public required int CpuTargetPercent { get; init; }
}

/// Service Auto Scaling on the ECS service's desired count, with a CPU target-tracking policy.
public sealed record Autoscaling
{
    public required Resource Target { get; init; }

    /// `service/CLUSTER/SERVICE`: the scalable target's id, which the workflow updates.
    public Value ResourceId => Target.Out("resourceId");

    /// scale-service moves this one target's floor; reading the bounds has no resource type (unscoped allowlist).
    public void GrantSetFloor(IamRole role) => role.Grant(p => p
        .Allow("SetScalingFloor", Actions.ApplicationAutoScaling.RegisterScalableTarget, Target.Out("arn"))
        .AllowUnscoped("ReadScalingBounds", Actions.ApplicationAutoScaling.DescribeScalableTargets));

    public static Autoscaling Create(PulumiProgram program, AutoscalingProps props)
    {
        var target = program.Add(new Resource
        {
            Name = "scalable-target",
            Type = "aws:appautoscaling/target:Target",
            Properties = Map.Of(
                ("serviceNamespace", "ecs"),
                ("scalableDimension", "ecs:service:DesiredCount"),
                ("resourceId", Value.Format($"service/{props.Ecs.Cluster.Out("name")}/{props.Ecs.Service.Out("name")}")),
                ("minCapacity", props.Floor),
                ("maxCapacity", props.Max),
                ("tags", props.Naming.TagsNamed("scaling"))),
            // The workflow raises the minimum during a failover; a later `pulumi up` must not lower it under load.
            Options = new ResourceOptions { IgnoreChanges = ["minCapacity"] },
        });
        program.Add(new Resource
        {
            Name = "cpu-scaling-policy",
            Type = "aws:appautoscaling/policy:Policy",
            Properties = Map.Of(
                // Named on purpose: unique per scalable target only, and a replaced target has a new resource id.
                ("name", props.Naming.Named("cpu")),
                ("policyType", "TargetTrackingScaling"),
                ("serviceNamespace", target.Out("serviceNamespace")),
                ("scalableDimension", target.Out("scalableDimension")),
                ("resourceId", target.Out("resourceId")),
                ("targetTrackingScalingPolicyConfiguration", Map.Of(
                    ("predefinedMetricSpecification", Map.Of(("predefinedMetricType", "ECSServiceAverageCPUUtilization"))),
                    ("targetValue", props.CpuTargetPercent),
                    // Out fast, in slowly: a region that just took over traffic must not shed tasks on a lull.
                    ("scaleOutCooldown", 60),
                    ("scaleInCooldown", 300)))),
        });
        return new Autoscaling { Target = target };
    }
}
