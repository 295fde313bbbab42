using Failover.Infra.Config;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Health;

/// A region's endpoint health check as decide reads it (what Route 53's checkers see of its load balancer), and the URL decide
/// probes itself: the same whether this stack built the check (RegionHealth) or reads it from the primary's outputs.
public sealed record EndpointCheck
{
    /// Whose check: the grant's Sid names it.
    public required Role Owner { get; init; }
    public required Value Id { get; init; }
    public required Value Arn { get; init; }
    /// `http(s)://ALB:PORT/PATH`: what the check probes.
    public required Value ProbeUrl { get; init; }

    /// Read what Route 53's checkers see of this one check.
    public void GrantReadStatus(IamRole role) =>
        role.Grant(p => p.Allow($"Read{Owner}EndpointHealth", Actions.Route53.ReadHealthCheckStatus, Arn));
}
