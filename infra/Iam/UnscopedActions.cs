namespace Failover.Infra.Iam;

/// The only actions a policy may grant on `"*"`, each because AWS defines no resource type for it.
public static class UnscopedActions
{
    public static readonly IReadOnlyDictionary<string, string> Allowlist = new Dictionary<string, string>
    {
        ["ecr:GetAuthorizationToken"] = "returns a registry-wide token; the action has no resource type (Service Authorization Reference, Amazon ECR)",
    };
}
