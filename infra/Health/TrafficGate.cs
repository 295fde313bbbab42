using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Health;

/// The region's traffic gate (design §4): a calculated health check with no children and threshold 0, always healthy;
/// inverted, always unhealthy. The workflow flips the inversion to move traffic without rewriting the records Pulumi owns.
public sealed record TrafficGate
{
    public required Resource Check { get; init; }
    public required Value Arn { get; init; }

    /// shift-traffic reads the gate's version and flips its inversion: on this one health check only.
    public void GrantUpdate(IamRole role) =>
        role.Grant(p => p.Allow("FlipTrafficGate", Actions.Route53.UpdateHealthCheck, Arn));

    public static TrafficGate Create(PulumiProgram program, Naming naming, AwsAccount account)
    {
        var check = program.Add(new Resource
        {
            Name = "traffic-gate",
            Type = "aws:route53/healthCheck:HealthCheck",
            Properties = Map.Of(
                ("type", "CALCULATED"),
                ("childHealthThreshold", 0),
                ("invertHealthcheck", false),
                ("tags", naming.TagsNamed("traffic-gate"))),
            // The workflow flips the inversion at runtime; `pulumi up` must not flip it back.
            Options = new ResourceOptions { IgnoreChanges = ["invertHealthcheck"] },
        });
        return new TrafficGate { Check = check, Arn = account.HealthCheckArn(check.Out("id")) };
    }
}
