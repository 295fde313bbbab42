using Failover.Infra.Config;
using Failover.Infra.Health;
using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra;

/// The stack outputs later stacks and tools read; their names are a contract, so they never change.
public static class StackOutputs
{
    public static void Export(PulumiProgram program, StackConfig config, LoadBalancer loadBalancer, EcsService ecs,
        Autoscaling scaling, IReadOnlyList<HealthAlarm> alarms, RegionHealth health, Resource record)
    {
        program.Export("region", config.Region);
        program.Export("peerRegion", config.PeerRegion);
        program.Export("role", config.Role.ToString().ToLowerInvariant());
        program.Export("defaultFlag", config.DefaultFlag.ToString().ToLowerInvariant());
        program.Export("albDnsName", loadBalancer.Alb.Out("dnsName"));
        program.Export("albZoneId", loadBalancer.Alb.Out("zoneId"));
        program.Export("albArn", loadBalancer.Alb.Out("arn"));
        program.Export("targetGroupArn", loadBalancer.TargetGroup.Out("arn"));
        program.Export("clusterName", ecs.Cluster.Out("name"));
        program.Export("clusterArn", ecs.Cluster.Out("arn"));
        program.Export("serviceName", ecs.Service.Out("name"));
        program.Export("serviceArn", ecs.Service.Out("arn"));
        program.Export("scalableTargetId", scaling.ResourceId);
        program.Export("calculatedHealthCheckId", health.Calculated.Out("id"));
        program.Export("gateHealthCheckId", health.Gate.Out("id"));
        program.Export("endpointHealthCheckId", health.Endpoint.Out("id"));
        program.Export("alarmHealthCheckIds", Map.Of(health.AlarmChecks.Select(c => (c.Key, (Value?)c.Check.Out("id"))).ToArray()));
        program.Export("alarmNames", Value.List(alarms.Select(a => (Value)a.Alarm.Out("name"))));
        program.Export("alarmArns", Value.List(alarms.Select(a => (Value)a.Alarm.Out("arn"))));
        program.Export("recordFqdn", record.Out("fqdn"));
    }
}
