using Failover.Infra.Config;
using Failover.Infra.Iam;
using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra.Health;

/// What Route 53's view of the region needs to know.
public sealed record RegionHealthProps
{
    public required Naming Naming { get; init; }
    public required AwsAccount Account { get; init; }
    public required HealthAlarms Alarms { get; init; }
    public required LoadBalancer LoadBalancer { get; init; }
    public required string HealthCheckPath { get; init; }
    public required int EndpointCheckIntervalSeconds { get; init; }
    public required int EndpointFailureThreshold { get; init; }
    public required TrafficGateKind GateKind { get; init; }
    /// The other stack's region: where a metric gate's switch lives.
    public required string PeerRegion { get; init; }
    public required AwsProviders Providers { get; init; }
    /// arc: the pair's sides, the cluster, and (in the secondary) the primary's outputs; see TrafficGateProps.
    public Role Role { get; init; } = Role.Primary;
    public ArcSettings? Arc { get; init; }
    public string? PeerNamePrefix { get; init; }
    public Func<string, Value>? PrimaryOutput { get; init; }
}

/// Route 53's view of the region: a check per alarm, an endpoint check on the ALB, one calculated check over those (the
/// region's own health), and the traffic gate. They are the evidence `decide` reads and what triggers and dashboards
/// watch; which of them may also move traffic is the failover record's choice (config dnsFailover).
public sealed record RegionHealth
{
    public required IReadOnlyList<(string Key, Resource Check)> AlarmChecks { get; init; }
    public required Resource Endpoint { get; init; }
    public required Value EndpointArn { get; init; }
    /// `http(s)://ALB:PORT/PATH`: what the endpoint check probes, and what decide probes itself.
    public required Value ProbeUrl { get; init; }
    public required TrafficGate Gate { get; init; }
    /// Healthy only when every alarm check and the endpoint check are healthy. Not the gate: after a failover the region
    /// must still be able to show that it recovered, or nothing could tell when to fail back.
    public required Resource Calculated { get; init; }

    public static RegionHealth Create(PulumiProgram program, RegionHealthProps props)
    {
        var naming = props.Naming;
        var alarmChecks = props.Alarms.All.Select(a => (a.Key, program.Add(new Resource
        {
            Name = $"health-{a.Key}",
            Type = "aws:route53/healthCheck:HealthCheck",
            Properties = Map.Of(
                ("type", "CLOUDWATCH_METRIC"),
                ("cloudwatchAlarmName", a.Alarm.Out("name")),
                ("cloudwatchAlarmRegion", props.Account.Region),
                ("insufficientDataHealthStatus", a.MissingData.HealthStatus),
                ("triggers", a.Triggers),
                ("tags", naming.TagsNamed(a.Key))),
        }))).ToList();

        var lb = props.LoadBalancer;
        var endpoint = program.Add(new Resource
        {
            Name = "health-endpoint",
            Type = "aws:route53/healthCheck:HealthCheck",
            Properties = Map.Of(
                ("type", lb.Https ? "HTTPS" : "HTTP"),
                ("fqdn", lb.Alb.Out("dnsName")),
                ("port", lb.Port),
                ("resourcePath", props.HealthCheckPath),
                ("requestInterval", props.EndpointCheckIntervalSeconds),
                ("failureThreshold", props.EndpointFailureThreshold),
                ("enableSni", lb.Https ? true : null),
                ("tags", naming.TagsNamed("endpoint"))),
        });

        var gate = TrafficGate.Create(program, new TrafficGateProps
        {
            Naming = naming, Account = props.Account, Kind = props.GateKind, SwitchRegion = props.PeerRegion, Providers = props.Providers,
            Role = props.Role, Arc = props.Arc, PeerNamePrefix = props.PeerNamePrefix, PrimaryOutput = props.PrimaryOutput,
        });

        var children = alarmChecks.Select(c => (Value)c.Item2.Out("id")).Append(endpoint.Out("id")).ToList();
        var calculated = program.Add(new Resource
        {
            Name = "health-region",
            Type = "aws:route53/healthCheck:HealthCheck",
            Properties = Map.Of(
                ("type", "CALCULATED"),
                ("childHealthchecks", Value.List(children)),
                ("childHealthThreshold", children.Count),
                ("tags", naming.TagsNamed("region"))),
        });

        return new RegionHealth
        {
            AlarmChecks = alarmChecks,
            Endpoint = endpoint,
            EndpointArn = props.Account.HealthCheckArn(endpoint.Out("id")),
            ProbeUrl = Value.Format($"{(lb.Https ? "https" : "http")}://{lb.Alb.Out("dnsName")}:{lb.Port}{props.HealthCheckPath}"),
            Gate = gate,
            Calculated = calculated,
        };
    }
}
