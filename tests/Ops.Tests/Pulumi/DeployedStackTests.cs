using System.Text.Json.Nodes;
using Failover.Infra;
using Failover.Infra.Config;
using Failover.Infra.Yaml;
using Failover.Ops.Cli;
using Failover.Ops.Pulumi;

namespace Failover.Ops.Tests.Pulumi;

/// The stack outputs failoverctl reads: each one the compiler exports, typed, and every missing one named at once.
public sealed class DeployedStackTests
{
    /// What failoverctl reads is what the compiler exports: each stack compiled from this repository's stack files, read as
    /// `pulumi stack output --json` gives it after a deploy.
    [Theory]
    [InlineData("primary", "us-west-2")]
    [InlineData("secondary", "us-east-1")]
    public void A_compiled_stacks_outputs_are_read_with_a_metric_gate_switched_in_the_other_region(string stack, string switchRegion)
    {
        var deployed = DeployedStack.From(stack, Compiled(stack));

        deployed.Role.Should().Be(stack);
        deployed.Gate.Should().Be(new DeployedGate("metric", "${traffic-gate.id}", "${traffic-gate-alarm.name}", switchRegion));
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
    public void A_mistyped_output_is_named()
    {
        var outputs = Complete();
        outputs["workflowActions"] = "failback";
        outputs["clusterName"] = 3;

        var act = () => DeployedStack.From("primary", outputs);

        act.Should().Throw<OpsException>().WithMessage("stack primary lacks the output(s) workflowActions, clusterName*");
    }

    private static JsonObject Complete() => Compiled("primary");

    /// A stack's outputs as Pulumi shows them: values as compiled, a reference or interpolation as its text (`${gate.id}`).
    private static JsonObject Compiled(string stack)
    {
        var config = ConfigParser.Parse(StackInputs.FromFiles(Repo.Path(), stack)).Config ?? throw new InvalidOperationException($"Pulumi.{stack}.yaml is invalid");
        return new JsonObject(RegionStack.Build(config).Outputs.Select(o => KeyValuePair.Create(o.Key, Json(o.Value))));
    }

    private static JsonNode? Json(Value value) => value switch
    {
        Str s => s.Text,
        Num n => n.Number,
        Bool b => b.Flag,
        Seq s => new JsonArray([.. s.Items.Select(Json)]),
        Map m => new JsonObject(m.Entries.Select(e => KeyValuePair.Create(e.Key, Json(e.Value)))),
        Ref r => Text(r),
        Interpolation i => string.Concat(i.Parts.Select(p => p is Str s ? s.Text : Text((Ref)p))),
        _ => throw new ArgumentException($"no output is a {value.GetType().Name}", nameof(value)),
    };

    private static string Text(Ref r) => r.Path is null ? $"${{{r.Target}}}" : $"${{{r.Target}.{r.Path}}}";
}
