using Failover.Infra.Yaml;

namespace Failover.Infra.Tests;

public sealed class StackOutputTests
{
    [Fact]
    public void Outputs_later_stacks_read_have_stable_names()
    {
        TestStacks.Program().Outputs.Keys.Should().BeEquivalentTo(
            "region", "peerRegion", "role", "defaultFlag", "dnsFailover", "albDnsName", "albZoneId", "albArn", "targetGroupArn",
            "clusterName", "clusterArn", "serviceName", "serviceArn", "scalableTargetId",
            "calculatedHealthCheckId", "gateHealthCheckId", "endpointHealthCheckId", "recordHealthCheckId", "alarmHealthCheckIds",
            "alarmNames", "alarmArns", "alarmNameList", "recordFqdn",
            "controlTableName", "controlTableArn", "controlTableConsistency", "decisionTableName", "topicArn",
            "stateMachineArn", "stateMachineName", "workflowLogGroupName", "workflowActions", "readinessTimeoutSeconds", "functionArns", "functionNames",
            "albArnSuffix", "targetGroupArnSuffix", "triggerAlarmArns", "deadLetterQueues", "watcherAlarmNames", "dashboardName",
            "recoveryTimeBudget", "probeUrl", "trafficGate");
    }

    /// Every name a stack exports is one of the contract's, the names the secondary's StackReference and failoverctl read.
    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    public void Every_output_is_named_in_the_contract(string role)
    {
        var names = typeof(StackOutputs).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);

        TestStacks.Program(role, TestStacks.ArcCreatedCluster).Outputs.Keys.Should().BeSubsetOf(names);
    }

    /// The budget as tools read it from the stack: the figures the compiler prints, the phases in order.
    [Fact]
    public void The_recovery_time_budget_output_carries_the_totals_and_each_phase()
    {
        var output = (Map)TestStacks.Program("secondary").Outputs[StackOutputs.RecoveryTimeBudget];

        output.Entries.Keys.Should().BeEquivalentTo("action", "objectiveSeconds", "typicalSeconds", "boundSeconds", "phases");
        output.Entries["action"].Should().Be(new Str("failover"));
        (output.Entries["objectiveSeconds"], output.Entries["typicalSeconds"], output.Entries["boundSeconds"])
            .Should().Be((new Num(1800), new Num(335), new Num(1290)));
        var phases = ((Seq)output.Entries["phases"]).Items.Cast<Map>().ToList();
        phases.Select(p => ((Str)p.Entries["name"]).Text).Should().Equal("detection", "trigger", "decision", "scale-up and readiness",
            "recovery tasks (beforeShift)", "gate flip and propagation", "DNS TTL");
        phases[3].Entries.Keys.Should().BeEquivalentTo("name", "typicalSeconds", "boundSeconds", "from");
        (phases[3].Entries["typicalSeconds"], phases[3].Entries["boundSeconds"]).Should().Be((new Num(85), new Num(600)));
        ((Str)phases[3].Entries["from"]).Text.Should().StartWith("1 task to start (activeCount 2 - standbyCount 1, warm standby)");
    }

    [Fact]
    public void The_secondary_reads_every_primary_output_it_names_and_the_primary_exports_them()
    {
        var primary = TestStacks.Program("primary");
        var secondary = YamlWriter.Write(TestStacks.Program("secondary"));

        var read = System.Text.RegularExpressions.Regex.Matches(secondary, @"primary-stack\.outputs\[\\""([A-Za-z]+)\\""\]")
            .Select(m => m.Groups[1].Value).Distinct().ToList();

        read.Should().BeEquivalentTo(StackOutputs.ControlTableName, StackOutputs.DecisionTableName, StackOutputs.EndpointHealthCheckId,
            StackOutputs.GateHealthCheckId, StackOutputs.AlarmNameList, StackOutputs.TriggerAlarmArns, StackOutputs.CalculatedHealthCheckId,
            StackOutputs.AlbArnSuffix, StackOutputs.TargetGroupArnSuffix, StackOutputs.ProbeUrl);
        primary.Outputs.Keys.Should().Contain(read);
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
