using Failover.Contract;
using Failover.Infra.Config;
using Failover.Infra.Yaml;

namespace Failover.Infra.Health;

/// Route 53's verdict on the primary's endpoint as its DNS answers it (the contract's HealthAnswer): a failover record pair the
/// primary builds, the PRIMARY answer guarded by the endpoint check, so `decide` reads what Route 53's checkers see from the
/// zone's name servers (its data plane) instead of from GetHealthCheckStatus (its API, in us-east-1). Both stacks ask the same
/// zone; each looks its name servers up at deploy time.
public sealed record HealthAnswerRecords
{
    /// `_primary-health.DOMAIN`.
    public required string Name { get; init; }
    /// The hosted zone's name servers, from the provider at deploy time.
    public required Value NameServers { get; init; }
    /// The primary's: the guarded answer and the fallback (none in the secondary).
    public IReadOnlyList<Resource> Records { get; init; } = [];

    /// A short TTL: decide asks the authoritative servers, which never cache, but a resolver someone points at it should not
    /// keep an old verdict for long.
    public const int TtlSeconds = 10;

    public static HealthAnswerRecords Create(PulumiProgram program, Naming naming, DnsSettings dns, Role role, Resource endpointCheck)
    {
        var name = HealthAnswer.Name(dns.DomainName);
        var nameServers = program.AddVariable("hosted-zone-name-servers",
            new Invoke("aws:route53/getZone:getZone", Map.Of(("zoneId", dns.HostedZoneId)), "nameServers"));
        if (role != Role.Primary) return new HealthAnswerRecords { Name = name, NameServers = nameServers };

        Resource Answer(string logical, string type, string address, Value? healthCheckId) => program.Add(new Resource
        {
            Name = logical,
            Type = "aws:route53/record:Record",
            Properties = Map.Of(
                ("zoneId", dns.HostedZoneId),
                ("name", name),
                ("type", "A"),
                ("ttl", TtlSeconds),
                ("records", Value.List(address)),
                ("setIdentifier", naming.Named(logical)),
                ("failoverRoutingPolicies", Value.List(Map.Of(("type", type)))),
                ("healthCheckId", healthCheckId)),
        });
        return new HealthAnswerRecords
        {
            Name = name,
            NameServers = nameServers,
            Records =
            [
                Answer("health-answer", "PRIMARY", HealthAnswer.Healthy, endpointCheck.Out("id")),
                // Unguarded: Route 53 answers it whenever the primary's answer is unhealthy.
                Answer("health-answer-fallback", "SECONDARY", HealthAnswer.Fallback, null),
            ],
        };
    }
}
