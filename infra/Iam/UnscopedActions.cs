namespace Failover.Infra.Iam;

/// The only actions a policy may grant on `"*"`, each because AWS defines no resource type for it
/// (Service Authorization Reference); an independent test checks that against AWS's IAM data.
public static class UnscopedActions
{
    public static readonly IReadOnlyDictionary<string, string> Allowlist = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ecr:GetAuthorizationToken"] = "returns a registry-wide login token; the action has no resource type",
        ["application-autoscaling:DescribeScalableTargets"] = "Describe* calls of Application Auto Scaling have no resource type; it reads bounds only",
        ["elasticloadbalancing:DescribeTargetHealth"] = "ELB Describe* calls have no resource type; it reads target states only",
    };
}
