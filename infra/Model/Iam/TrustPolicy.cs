using Failover.Infra.Yaml;

namespace Failover.Infra.Iam;

/// Trust policies that let one AWS service assume a role, only on behalf of this account and, where the service
/// supports it, only for the named source resources (the confused-deputy guard AWS recommends).
public static class TrustPolicy
{
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
    public static PolicyDocument ForService(string servicePrincipal, Value accountId, Value? sourceArn = null) =>
        ForService(servicePrincipal, accountId, sourceArn is null ? [] : [sourceArn]);

    /// Principals of this account whose own identity policy lets them assume the role (sts:AssumeRole on its ARN): who may is
    /// decided where the account's people are managed, not here.
    public static PolicyDocument ForAccount(Ref partition, Ref accountId) => new PolicyDocument().Add(new Statement
    {
        Sid = "TrustedAccount",
        Effect = Effect.Allow,
        Principal = Principal.Aws(Value.Format($"arn:{partition}:iam::{accountId}:root")),
        Actions = Actions.Sts.AssumeRole,
    });

    /// `sourceArns`: any of these resources (a service acting for several of the stack's resources, as Step Functions for its two
    /// entry points).
    public static PolicyDocument ForService(string servicePrincipal, Value accountId, IReadOnlyList<Value> sourceArns)
    {
        var conditions = new List<Condition> { Condition.StringEquals("aws:SourceAccount", accountId) };
        if (sourceArns.Count > 0) conditions.Add(Condition.ArnLike("aws:SourceArn", [.. sourceArns]));
        return new PolicyDocument().Add(new Statement
        {
            Sid = "TrustedService",
            Effect = Effect.Allow,
            Principal = Principal.Service(servicePrincipal),
            Actions = Actions.Sts.AssumeRole,
            Conditions = conditions,
        });
    }
}
