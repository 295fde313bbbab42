using Failover.Infra.Yaml;

namespace Failover.Infra.Iam;

/// Trust policies that let one AWS service assume a role, only on behalf of this account and, where the service
/// supports it, only for the named source resources (the confused-deputy guard AWS recommends).
public static class TrustPolicy
{
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
    public static PolicyDocument ForService(string servicePrincipal, Value accountId, Value? sourceArn = null)
    {
        var conditions = new List<Condition> { Condition.StringEquals("aws:SourceAccount", accountId) };
        if (sourceArn is not null) conditions.Add(Condition.ArnLike("aws:SourceArn", sourceArn));
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
