using Failover.Infra.Yaml;

namespace Failover.Infra.Iam;

/// Trust policies that let one AWS service assume a role, only on behalf of this account.
public static class TrustPolicy
{
    /// aws:SourceAccount stops another account's use of the service from borrowing the role (confused deputy).
    public static Value ForService(string servicePrincipal, Value accountId) => new ToJson(Map.Of(
        ("Version", "2012-10-17"),
        ("Statement", Value.List(Map.Of(
            ("Effect", "Allow"),
            ("Principal", Map.Of(("Service", servicePrincipal))),
            ("Action", "sts:AssumeRole"),
            ("Condition", Map.Of(("StringEquals", Map.Of(("aws:SourceAccount", accountId))))))))));
}
