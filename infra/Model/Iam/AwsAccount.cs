using Failover.Infra.Yaml;

namespace Failover.Infra.Iam;

/// The account, partition and region a stack deploys into, for building exact ARNs.
public sealed record AwsAccount(Ref Partition, Ref AccountId, string Region)
{
    /// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, with this stack's region unless given (empty for global services).
    public Value Arn(string service, Value resource, string? region = null) => resource switch
    {
        Ref r => Value.Format($"arn:{Partition}:{service}:{region ?? Region}:{AccountId}:{r}"),
        Str s => Value.Format($"arn:{Partition}:{service}:{region ?? Region}:{AccountId}:{s.Text}"),
        _ => throw new ArgumentException("An ARN's resource part is a literal or a reference.", nameof(resource)),
    };

    /// An ECS service named before it exists (the stacks' fixed names): `service/CLUSTER/SERVICE` in `region`.
    public Value EcsServiceArn(string region, string cluster, string service) => Arn("ecs", new Str($"service/{cluster}/{service}"), region);

    /// Route 53 health checks are global and their ARNs carry neither region nor account.
    public Value HealthCheckArn(Ref healthCheckId) => Value.Format($"arn:{Partition}:route53:::healthcheck/{healthCheckId}");
}
