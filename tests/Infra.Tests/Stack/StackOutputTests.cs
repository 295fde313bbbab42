using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Stack;

public sealed class StackOutputTests
{
    [Fact]
    public void Outputs_later_stacks_read_have_stable_names()
    {
        TestStacks.Program().Outputs.Keys.Should().BeEquivalentTo(
            "region", "peerRegion", "role", "defaultFlag", "dnsFailover", "albDnsName", "albZoneId", "albArn", "targetGroupArn",
            "clusterName", "clusterArn", "serviceName", "serviceArn", "scalableTargetId",
            "calculatedHealthCheckId", "gateHealthCheckId", "endpointHealthCheckId", "recordHealthCheckId", "alarmHealthCheckIds",
            "alarmNames", "alarmArns", "recordFqdn");
    }

    [Fact]
    public void The_scalable_target_id_and_the_gate_id_point_at_their_resources()
    {
        var outputs = TestStacks.Program().Outputs;
        outputs["scalableTargetId"].Should().Be(new Ref("scalable-target", "resourceId"));
        outputs["gateHealthCheckId"].Should().Be(new Ref("traffic-gate", "id"));
        outputs["calculatedHealthCheckId"].Should().Be(new Ref("health-region", "id"));
    }
}
