using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Failover.Ops.Cli;
using Failover.Ops.Pulumi;

namespace Failover.Ops.Tests.Pulumi;

/// The stack outputs failoverctl reads: each one the compiler exports, typed, and every missing one named at once.
public sealed class DeployedStackTests
{
    /// The outputs a compiled stack exports, read from its golden program (tests/golden), which the compiler's tests keep current.
    private static IReadOnlyList<string> GoldenOutputs(string golden)
    {
        var text = File.ReadAllText(Repo.Path("tests", "golden", golden));
        var section = text[(text.IndexOf("\noutputs:\n", StringComparison.Ordinal) + 10)..];
        return [.. Regex.Matches(section, @"^  ([A-Za-z]+):", RegexOptions.Multiline).Select(m => m.Groups[1].Value)];
    }

    [Theory]
    [InlineData("primary.yaml")]
    [InlineData("secondary.yaml")]
    public void Every_output_read_is_one_the_compiler_exports(string golden) =>
        GoldenOutputs(golden).Should().Contain(DeployedStack.OutputNames);

    /// A golden program's `trafficGate` output as `pulumi stack output --json` gives it: a map of strings.
    private static JsonObject GoldenTrafficGate(string golden)
    {
        var text = File.ReadAllText(Repo.Path("tests", "golden", golden));
        var section = text[(text.IndexOf("\noutputs:\n", StringComparison.Ordinal) + 10)..];
        var block = Regex.Match(section, @"^  trafficGate:\n((?:    .*\n)+)", RegexOptions.Multiline).Groups[1].Value;
        return new JsonObject(Regex.Matches(block, @"^    ([A-Za-z]+): ""(.*)""$", RegexOptions.Multiline)
            .Select(m => KeyValuePair.Create(m.Groups[1].Value, (JsonNode?)m.Groups[2].Value)));
    }

    [Theory]
    [InlineData("primary.yaml", "us-west-2")]
    [InlineData("secondary.yaml", "us-east-1")]
    public void The_compilers_trafficGate_output_reads_as_a_metric_gate_switched_in_the_other_region(string golden, string switchRegion)
    {
        var gate = DeployedGate.From("stack", new JsonObject { ["trafficGate"] = GoldenTrafficGate(golden) });

        gate.Should().Be(new DeployedGate("metric", "${traffic-gate.id}", "${traffic-gate-alarm.name}", switchRegion));
    }

    [Fact]
    public void A_route53_api_gate_is_read_with_its_health_check_only()
    {
        var outputs = new JsonObject { ["trafficGate"] = new JsonObject { ["kind"] = "route53-api", ["healthCheckId"] = "hc-1" }, ["gateHealthCheckId"] = "hc-1" };

        DeployedGate.From("primary", outputs).Should().Be(new DeployedGate("route53-api", "hc-1"));
    }

    [Theory]
    [InlineData("us-east-1=https://host-a.us-east-1.example.aws/v1,us-west-2=https://host-a.us-west-2.example.aws/v1")]
    [InlineData("""[{"endpoint":"https://host-a.us-east-1.example.aws/v1","region":"us-east-1"},{"endpoint":"https://host-a.us-west-2.example.aws/v1","region":"us-west-2"}]""")]
    public void An_arc_gate_is_read_with_its_routing_control_and_the_cluster_endpoints_in_order(string endpoints)
    {
        var outputs = new JsonObject
        {
            ["trafficGate"] = new JsonObject { ["kind"] = "arc", ["healthCheckId"] = "hc-1", ["routingControlArn"] = "arn:rc", ["clusterEndpoints"] = endpoints },
        };

        var gate = DeployedGate.From("primary", outputs)!;

        gate.IsArc.Should().BeTrue();
        gate.RoutingControlArn.Should().Be("arn:rc");
        gate.ClusterEndpoints.Select(e => $"{e.Region}={e.Url}").Should().Equal(
            "us-east-1=https://host-a.us-east-1.example.aws/v1", "us-west-2=https://host-a.us-west-2.example.aws/v1");
    }

    [Fact]
    public void An_arc_gate_without_its_cluster_endpoints_is_refused_not_guessed() =>
        FluentActions.Invoking(() => DeployedGate.From("primary", new JsonObject
            {
                ["trafficGate"] = new JsonObject { ["kind"] = "arc", ["healthCheckId"] = "hc-1", ["routingControlArn"] = "arn:rc" },
            }))
            .Should().Throw<Failover.Ops.Cli.OpsException>().WithMessage("*an arc gate healthCheckId, routingControlArn and clusterEndpoints*");

    [Fact]
    public void A_stack_deployed_before_the_trafficGate_output_has_a_route53_api_gate()
    {
        var outputs = Complete();
        outputs.Remove("trafficGate");
        outputs["gateHealthCheckId"] = "hc-old";

        DeployedStack.From("primary", outputs).Gate.Should().Be(new DeployedGate("route53-api", "hc-old"));
    }

    [Fact]
    public void A_stack_with_neither_gate_output_names_gateHealthCheckId()
    {
        var outputs = Complete();
        outputs.Remove("trafficGate");
        outputs.Remove("gateHealthCheckId");

        var act = () => DeployedStack.From("primary", outputs);

        act.Should().Throw<OpsException>().WithMessage("stack primary lacks the output(s) gateHealthCheckId:*");
    }

    [Fact]
    public void A_gate_of_a_kind_this_version_cannot_read_is_named_not_guessed()
    {
        var outputs = Complete();
        outputs["trafficGate"] = new JsonObject { ["kind"] = "arc", ["healthCheckId"] = "hc-1" };

        var act = () => DeployedGate.From("primary", outputs);

        act.Should().Throw<OpsException>().WithMessage("stack primary's output trafficGate is not a gate this version of failoverctl can read (kind arc;*");
        ((Action)(() => DeployedStack.From("primary", outputs))).Should().Throw<OpsException>().WithMessage("stack primary lacks the output(s) trafficGate*");
    }

    [Fact]
    public void A_metric_gate_without_its_alarm_is_not_read()
    {
        var outputs = Complete();
        outputs["trafficGate"]!.AsObject().Remove("alarmName");

        var act = () => DeployedGate.From("primary", outputs);

        act.Should().Throw<OpsException>().WithMessage("*a metric gate needs healthCheckId, alarmName and switchRegion*");
    }

    [Fact]
    public void Every_missing_output_is_named_in_one_error()
    {
        var outputs = new JsonObject { ["role"] = "primary", ["region"] = "us-east-1" };

        var act = () => DeployedStack.From("primary", outputs);

        act.Should().Throw<OpsException>().Which.Message.Should()
            .StartWith("stack primary lacks the output(s) peerRegion, defaultFlag, dnsFailover, controlTableName")
            .And.EndWith("deploy it again (failoverctl deploy)");
    }

    [Fact]
    public void A_stack_without_outputs_has_not_been_deployed()
    {
        var act = () => DeployedStack.From("secondary", []);

        act.Should().Throw<OpsException>().WithMessage("stack secondary has no outputs: it has not been deployed yet (failoverctl deploy)");
    }

    [Fact]
    public void Complete_outputs_are_read()
    {
        var stack = DeployedStack.From("primary", Complete());

        stack.Gate.Should().Be(new DeployedGate("metric", "x", "failover-primary-traffic-gate", "us-west-2"));
    }

    [Fact]
    public void A_mistyped_output_is_named()
    {
        var outputs = Complete();
        outputs["workflowActions"] = "failback";
        outputs["clusterName"] = 3;

        var act = () => DeployedStack.From("primary", outputs);

        act.Should().Throw<OpsException>().WithMessage("stack primary lacks the output(s) workflowActions, clusterName*");
    }

    private static JsonObject Complete()
    {
        var outputs = new JsonObject();
        foreach (var name in DeployedStack.OutputNames) outputs[name] = "x";
        outputs["controlTableName"] = "failover-control";
        outputs["workflowActions"] = new JsonArray("failback");
        outputs["trafficGate"] = new JsonObject
        {
            ["kind"] = "metric", ["healthCheckId"] = "x", ["alarmName"] = "failover-primary-traffic-gate", ["switchRegion"] = "us-west-2",
            ["namespace"] = "Failover/TrafficGate/failover-primary",
        };
        return outputs;
    }
}
