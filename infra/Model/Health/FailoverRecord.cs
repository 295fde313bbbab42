using Failover.Infra.Config;
using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra.Health;

/// What the failover record needs to know.
public sealed record FailoverRecordProps
{
    public required Naming Naming { get; init; }
    public required DnsSettings Dns { get; init; }
    /// PRIMARY or SECONDARY (the role decides).
    public required string RecordType { get; init; }
    public required LoadBalancer LoadBalancer { get; init; }
    public required RegionHealth Health { get; init; }
}

/// The Route 53 failover alias record for the application name, and the health check that decides whether Route 53
/// may answer with it: the gate alone (gated), gate and endpoint (endpoint), or gate and every signal (automatic).
public sealed record FailoverRecord
{
    /// An alias record has no TTL of its own: Route 53 answers an alias to an ELB load balancer with the load balancer's fixed
    /// 60 s (Route 53 FAQ on DNS failover; ELB guide, "Delete an Application Load Balancer": wait at least 60 s for an alias).
    public const int AliasTtlSeconds = 60;

    public required Resource Record { get; init; }
    /// The check Route 53 evaluates for this record.
    public required Resource Guard { get; init; }

    public static FailoverRecord Create(PulumiProgram program, FailoverRecordProps props)
    {
        var health = props.Health;
        // Gate AND the mode's signal: the workflow's gate can always close a record, whatever else is healthy.
        Resource GateAnd(Resource signal) => program.Add(new Resource
        {
            Name = "health-record",
            Type = "aws:route53/healthCheck:HealthCheck",
            Properties = Map.Of(
                ("type", "CALCULATED"),
                ("childHealthchecks", Value.List(signal.Out("id"), health.Gate.Check.Out("id"))),
                ("childHealthThreshold", 2),
                ("tags", props.Naming.TagsNamed("record"))),
        });
        var guard = props.Dns.Failover switch
        {
            DnsFailover.Gated => health.Gate.Check,
            DnsFailover.Endpoint => GateAnd(health.Endpoint),
            DnsFailover.Automatic => GateAnd(health.Calculated),
            _ => throw new ArgumentOutOfRangeException(nameof(props), props.Dns.Failover, "unknown dnsFailover mode"),
        };
        var record = program.Add(new Resource
        {
            Name = "failover-record",
            Type = "aws:route53/record:Record",
            Properties = Map.Of(
                ("zoneId", props.Dns.HostedZoneId),
                ("name", props.Dns.DomainName),
                ("type", "A"),
                // Both stacks' records share the name; the identifier tells them apart.
                ("setIdentifier", props.Naming.Prefix),
                ("failoverRoutingPolicies", Value.List(Map.Of(("type", props.RecordType)))),
                ("aliases", Value.List(Map.Of(
                    ("name", props.LoadBalancer.Alb.Out("dnsName")),
                    ("zoneId", props.LoadBalancer.Alb.Out("zoneId")),
                    // Target health moves traffic by itself when the ALB has no healthy target: only where the mode allows it.
                    ("evaluateTargetHealth", props.Dns.Failover != DnsFailover.Gated)))),
                ("healthCheckId", guard.Out("id"))),
        });
        return new FailoverRecord { Record = record, Guard = guard };
    }
}
