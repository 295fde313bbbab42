using Failover.Infra.Config;
using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra.Health;

/// Route 53's view of the region: a check per alarm, an endpoint check on the ALB, the traffic gate, and one calculated check over all of them.
public sealed record RegionHealth
{
    public required IReadOnlyList<(string Key, Resource Check)> AlarmChecks { get; init; }
    public required Resource Endpoint { get; init; }
    /// Always healthy until the workflow inverts it: the one switch that moves traffic (design §4).
    public required Resource Gate { get; init; }
    /// Healthy only when every alarm check, the endpoint check and the gate are healthy; the failover record uses it.
    public required Resource Calculated { get; init; }

    public static RegionHealth Create(PulumiProgram program, StackConfig config, IReadOnlyList<HealthAlarm> alarms, LoadBalancer loadBalancer)
    {
        var prefix = config.NamePrefix;
        var alarmChecks = alarms.Select(a => (a.Key, program.Add(new Resource
        {
            Name = $"health-{a.Key}",
            Type = "aws:route53/healthCheck:HealthCheck",
            Properties = Map.Of(
                ("type", "CLOUDWATCH_METRIC"),
                ("cloudwatchAlarmName", a.Alarm.Out("name")),
                ("cloudwatchAlarmRegion", config.Region),
                ("insufficientDataHealthStatus", config.Dns.InsufficientDataHealthStatus),
                ("tags", Map.Of(config.TagsNamed($"{prefix}-{a.Key}")))),
        }))).ToList();

        var endpoint = program.Add(new Resource
        {
            Name = "health-endpoint",
            Type = "aws:route53/healthCheck:HealthCheck",
            Properties = Map.Of(
                ("type", loadBalancer.Https ? "HTTPS" : "HTTP"),
                ("fqdn", loadBalancer.Alb.Out("dnsName")),
                ("port", loadBalancer.Port),
                ("resourcePath", config.Container.HealthCheckPath),
                ("requestInterval", config.Dns.EndpointCheckIntervalSeconds),
                ("failureThreshold", config.Dns.EndpointFailureThreshold),
                ("enableSni", loadBalancer.Https ? true : null),
                ("tags", Map.Of(config.TagsNamed($"{prefix}-endpoint")))),
        });

        var gate = program.Add(new Resource
        {
            Name = "traffic-gate",
            Type = "aws:route53/healthCheck:HealthCheck",
            Properties = Map.Of(
                // A calculated check with threshold 0 is always healthy; inverted, always unhealthy.
                ("type", "CALCULATED"),
                ("childHealthThreshold", 0),
                ("invertHealthcheck", false),
                ("tags", Map.Of(config.TagsNamed($"{prefix}-traffic-gate")))),
            // The workflow flips the inversion at runtime; `pulumi up` must not flip it back.
            Options = new ResourceOptions { IgnoreChanges = ["invertHealthcheck"] },
        });

        var children = alarmChecks.Select(c => (Value)c.Item2.Out("id")).Append(endpoint.Out("id")).Append(gate.Out("id")).ToList();
        var calculated = program.Add(new Resource
        {
            Name = "health-region",
            Type = "aws:route53/healthCheck:HealthCheck",
            Properties = Map.Of(
                ("type", "CALCULATED"),
                ("childHealthchecks", Value.List(children)),
                ("childHealthThreshold", children.Count),
                ("tags", Map.Of(config.TagsNamed($"{prefix}-region")))),
        });

        return new RegionHealth { AlarmChecks = alarmChecks, Endpoint = endpoint, Gate = gate, Calculated = calculated };
    }
}
