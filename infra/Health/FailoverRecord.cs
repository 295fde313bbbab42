using Failover.Infra.Config;
using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra.Health;

/// The Route 53 failover alias record for the application name: PRIMARY or SECONDARY, guarded by the region's calculated check.
public static class FailoverRecord
{
    public static Resource Create(PulumiProgram program, StackConfig config, LoadBalancer loadBalancer, RegionHealth health) =>
        program.Add(new Resource
        {
            Name = "failover-record",
            Type = "aws:route53/record:Record",
            Properties = Map.Of(
                ("zoneId", config.Dns.HostedZoneId),
                ("name", config.Dns.DomainName),
                ("type", "A"),
                ("setIdentifier", config.NamePrefix),
                ("failoverRoutingPolicies", Value.List(Map.Of(("type", config.Role == Role.Primary ? "PRIMARY" : "SECONDARY")))),
                ("aliases", Value.List(Map.Of(
                    ("name", loadBalancer.Alb.Out("dnsName")),
                    ("zoneId", loadBalancer.Alb.Out("zoneId")),
                    ("evaluateTargetHealth", true)))),
                ("healthCheckId", health.Calculated.Out("id"))),
        });
}
