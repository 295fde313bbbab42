using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Health;

/// trafficGate arc: the primary builds the control panel, a routing control per region and the safety rule on the cluster the
/// user names (or one it creates), in ARC's control-plane region; each stack's gate is a RECOVERY_CONTROL check on its own
/// region's control; shift-traffic moves the primary's control through the cluster's endpoints.
public sealed class ArcGateTests
{
    private static readonly Ref Provider = new("aws-us-west-2");

    [Fact]
    public void The_primary_builds_a_panel_and_a_routing_control_per_region_on_the_named_cluster_in_us_west_2()
    {
        var program = TestStacks.Program("primary", TestStacks.ArcNamedCluster);
        var panel = program.Resource("arc-control-panel");
        var primary = program.Resource("primary-routing-control");
        var secondary = program.Resource("secondary-routing-control");

        program.OfType("aws:route53recoverycontrol/cluster:Cluster").Should().BeEmpty("the user named the cluster");
        panel.Text("clusterArn").Should().Be(TestStacks.ArcClusterArn);
        primary.Text("name").Should().Be("failover-primary");
        secondary.Text("name").Should().Be("failover-secondary");
        foreach (var control in new[] { primary, secondary })
        {
            control.Prop("controlPanelArn").Should().Be(new Ref("arc-control-panel", "arn"));
            control.Text("clusterArn").Should().Be(TestStacks.ArcClusterArn);
            control.Options.Protect.Should().BeTrue("a replaced control would start Off and close its gate");
        }
        foreach (var resource in new[] { panel, primary, secondary, program.Resource("arc-safety-rule") })
            resource.Options.Provider!.Self.Should().Be(Provider, "ARC's control plane answers in us-west-2 only");
    }

    [Fact]
    public void The_safety_rule_keeps_at_least_one_of_the_two_routing_controls_on()
    {
        var rule = TestStacks.Program("primary", TestStacks.ArcNamedCluster).Resource("arc-safety-rule");

        rule.Prop("assertedControls").Should().BeOfType<Seq>().Which.Items
            .Should().Equal(new Ref("primary-routing-control", "arn"), new Ref("secondary-routing-control", "arn"));
        rule.Text("ruleConfig.type").Should().Be("ATLEAST");
        rule.Number("ruleConfig.threshold").Should().Be(1);
        rule.Prop("ruleConfig.inverted").Should().Be(new Bool(false));
        rule.Prop("controlPanelArn").Should().Be(new Ref("arc-control-panel", "arn"));
        rule.Number("waitPeriodMs").Should().Be(5000);
    }

    [Theory]
    [InlineData("primary", "primary-routing-control")]
    [InlineData("secondary", null)]
    public void Each_stacks_gate_is_a_recovery_control_check_on_its_own_regions_routing_control(string role, string? owned)
    {
        var gate = TestStacks.Program(role, TestStacks.ArcNamedCluster).Resource("traffic-gate");

        gate.Text("type").Should().Be("RECOVERY_CONTROL");
        gate.Prop("routingControlArn").Should().Be(owned is null
            ? new Ref("primary-stack", "outputs[\"arcSecondaryRoutingControlArn\"]")
            : new Ref(owned, "arn"));
    }

    [Fact]
    public void The_secondary_builds_nothing_on_the_cluster_and_reads_its_control_from_the_primary()
    {
        var (primary, secondary) = (TestStacks.Program("primary", TestStacks.ArcNamedCluster), TestStacks.Program("secondary", TestStacks.ArcNamedCluster));

        secondary.Resources.Should().NotContain(r => r.Type.StartsWith("aws:route53recoverycontrol/", StringComparison.Ordinal));
        primary.Outputs["arcSecondaryRoutingControlArn"].Should().Be(new Ref("secondary-routing-control", "arn"));
        primary.Outputs["arcPrimaryRoutingControlArn"].Should().Be(new Ref("primary-routing-control", "arn"));
    }

    [Fact]
    public void Opted_in_the_primary_creates_the_cluster_and_its_endpoints_come_from_it()
    {
        var program = TestStacks.Program("primary", TestStacks.ArcCreatedCluster);
        var cluster = program.Resource("arc-cluster");

        cluster.Text("name").Should().Be("failover-primary-gates");
        cluster.Options.Provider!.Self.Should().Be(Provider);
        program.Resource("arc-control-panel").Prop("clusterArn").Should().Be(new Ref("arc-cluster", "arn"));
        program.Resource("shift-traffic-function").Prop($"environment.variables.{EnvNames.ArcClusterEndpoints}")
            .Should().Be(new ToJson(new Ref("arc-cluster", "clusterEndpoints")));
        program.Outputs["arcClusterEndpoints"].Should().Be(new ToJson(new Ref("arc-cluster", "clusterEndpoints")), "the secondary reads them here");
    }

    [Fact]
    public void Shift_traffic_moves_the_primarys_routing_control_in_both_stacks_through_the_named_endpoints_in_order()
    {
        var primary = TestStacks.Program("primary", TestStacks.ArcNamedCluster).Resource("shift-traffic-function");
        var secondary = TestStacks.Program("secondary", TestStacks.ArcNamedCluster).Resource("shift-traffic-function");

        primary.Text($"environment.variables.{EnvNames.TrafficGateMode}").Should().Be(TrafficGateModes.Arc);
        primary.Prop($"environment.variables.{EnvNames.RoutingControlArn}").Should().Be(new Ref("primary-routing-control", "arn"), "failback turns it On");
        secondary.Prop($"environment.variables.{EnvNames.RoutingControlArn}")
            .Should().Be(new Ref("primary-stack", "outputs[\"arcPrimaryRoutingControlArn\"]"), "failover turns it Off");
        foreach (var function in new[] { primary, secondary })
            function.Text($"environment.variables.{EnvNames.ArcClusterEndpoints}").Should().StartWith("us-east-1=https://host-dzu23x.us-east-1.example.aws/v1,eu-west-1=");
    }

    [Fact]
    public void The_stack_output_describes_the_arc_gate_so_tools_can_read_its_routing_control()
    {
        var gate = (Map)TestStacks.Program("primary", TestStacks.ArcNamedCluster).Outputs["trafficGate"];

        gate.Entries["kind"].Should().Be(new Str("arc"));
        gate.Entries["routingControlArn"].Should().Be(new Ref("primary-routing-control", "arn"));
        gate.Entries["clusterEndpoints"].Should().BeOfType<Str>();
    }
}
