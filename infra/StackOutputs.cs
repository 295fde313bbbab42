using Failover.Contract;
using Failover.Infra.Config;
using Failover.Infra.Health;
using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra;

/// The stack outputs later stacks and tools read; their names are a contract, so they never change.
public static class StackOutputs
{
    public static void Export(PulumiProgram program, StackConfig config, RoleProfile role, LoadBalancer loadBalancer, EcsService ecs,
        Autoscaling scaling, HealthAlarms alarms, RegionHealth health, FailoverRecord record)
    {
        program.Export("region", config.Region);
        program.Export("peerRegion", config.PeerRegion);
        program.Export("role", role.Name);
        program.Export("defaultFlag", Wire.Of(config.DefaultFlag));
        program.Export("dnsFailover", config.Dns.Failover.ToString().ToLowerInvariant());
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
        program.Export("gateHealthCheckId", health.Gate.Check.Out("id"));
        program.Export("endpointHealthCheckId", health.Endpoint.Out("id"));
        program.Export("recordHealthCheckId", record.Guard.Out("id"));
        program.Export("alarmHealthCheckIds", Map.Of(health.AlarmChecks.Select(c => (c.Key, (Value?)c.Check.Out("id"))).ToArray()));
        program.Export("alarmNames", Value.List(alarms.All.Select(a => (Value)a.Alarm.Out("name"))));
        program.Export("alarmArns", Value.List(alarms.All.Select(a => (Value)a.Alarm.Out("arn"))));
        program.Export("recordFqdn", record.Record.Out("fqdn"));
    }
}
