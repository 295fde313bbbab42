using System.Text.Json.Nodes;
using Failover.Functions.Runtime;
using Failover.Functions.Tests.Aws;
using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Handlers;

/// ARC mode: the gate is a routing control, flipped through the cluster's regional endpoints, each tried in turn.
public sealed class ShiftTrafficArcTests : IDisposable
{
    private const string Control = "arn:aws:route53-recovery-control::123456789012:controlpanel/abc/routingcontrol/primary";
    private readonly RecordingEndpoint _cluster = new();

    public void Dispose() => _cluster.Dispose();

    private Dictionary<string, string> Environment(string endpoints) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "secret", ["AWS_REGION"] = "us-west-2",
        ["TRAFFIC_GATE_MODE"] = "arc", ["ROUTING_CONTROL_ARN"] = Control, ["ARC_CLUSTER_ENDPOINTS"] = endpoints, ["CONTROL_TABLE_NAME"] = "failover-control",
    };

    private async Task<string> Shift(string action, string endpoints)
    {
        using var table = new LockTableStub(action);
        var environment = Environment(endpoints);
        foreach (var (k, v) in table.Environment) environment[k] = v;
        return await World.Invoke("shift-traffic", $$"""{"action":"{{action}}","lockId":"{{table.Token}}"}""", environment, TimeProvider.System);
    }

    [Fact]
    public async Task Failover_turns_the_routing_control_off_on_the_first_endpoint_that_answers()
    {
        _cluster.Then(200, """{"RoutingControlArn":"x","RoutingControlState":"On"}""", "application/x-amz-json-1.0");
        _cluster.Then(200, "{}", "application/x-amz-json-1.0");
        var dead = $"http://127.0.0.1:{MotoServer.FreePort()}";

        var response = JsonNode.Parse(await Shift("failover", $"ap-southeast-2={dead},eu-west-1={_cluster.Url}"))!;

        response["shifted"]!.GetValue<bool>().Should().BeTrue();
        response["inverted"]!.GetValue<bool>().Should().BeTrue();
        response["mode"]!.GetValue<string>().Should().Be("arc");
        var update = _cluster.Requests.Last();
        update.Headers["X-Amz-Target"].Should().Be("ToggleCustomerAPI.UpdateRoutingControlState");
        update.Headers["Authorization"].Should().Contain("/eu-west-1/route53-recovery-cluster/aws4_request");
        JsonNode.Parse(update.Body)!["RoutingControlState"]!.GetValue<string>().Should().Be("Off");
        JsonNode.Parse(update.Body)!["RoutingControlArn"]!.GetValue<string>().Should().Be(Control);
    }

    [Fact]
    public async Task A_control_already_off_is_left_alone()
    {
        _cluster.Then(200, """{"RoutingControlState":"Off"}""", "application/x-amz-json-1.0");

        var response = JsonNode.Parse(await Shift("failover", $"eu-west-1={_cluster.Url}"))!;

        response["shifted"]!.GetValue<bool>().Should().BeFalse();
        _cluster.Requests.Should().ContainSingle().Which.Headers["X-Amz-Target"].Should().Be("ToggleCustomerAPI.GetRoutingControlState");
    }

    [Fact]
    public async Task Failback_turns_it_back_on_after_an_endpoint_answers_with_a_server_error()
    {
        var first = new RecordingEndpoint();
        try
        {
            // Two attempts for the read, two for the update: the first endpoint stays down throughout.
            for (var i = 0; i < 4; i++) first.Then(500, """{"__type":"InternalServerException","message":"down"}""");
            _cluster.Then(200, """{"RoutingControlState":"Off"}""", "application/x-amz-json-1.0");
            _cluster.Then(200, "{}", "application/x-amz-json-1.0");

            var response = JsonNode.Parse(await Shift("failback", $"us-east-1={first.Url},us-west-2={_cluster.Url}"))!;

            response["shifted"]!.GetValue<bool>().Should().BeTrue();
            response["inverted"]!.GetValue<bool>().Should().BeFalse();
            JsonNode.Parse(_cluster.Requests.Last().Body)!["RoutingControlState"]!.GetValue<string>().Should().Be("On");
        }
        finally
        {
            first.Dispose();
        }
    }

    [Fact]
    public async Task When_no_endpoint_answers_the_error_names_every_attempt()
    {
        var dead1 = $"http://127.0.0.1:{MotoServer.FreePort()}";
        var dead2 = $"http://127.0.0.1:{MotoServer.FreePort()}";

        var act = () => Shift("failover", $"us-east-1={dead1},us-west-2={dead2}");

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be("AwsUnreachable");
        error.Message.Should().Contain("us-east-1").And.Contain("us-west-2");
    }

    [Fact]
    public async Task A_client_error_is_not_retried_on_other_endpoints()
    {
        _cluster.Then(400, """{"__type":"AccessDeniedException","message":"no"}""");

        var act = () => Shift("failover", $"eu-west-1={_cluster.Url},us-east-1=http://127.0.0.1:1");

        (await act.Should().ThrowAsync<FunctionException>()).Which.Message.Should().Contain("AccessDeniedException");
        _cluster.Requests.Should().ContainSingle();
    }

    [Theory]
    [InlineData("TRAFFIC_GATE_MODE", "sideways", "TRAFFIC_GATE_MODE must be one of metric, arc, route53-api")]
    [InlineData("ARC_CLUSTER_ENDPOINTS", "not-an-endpoint", "expected REGION=URL")]
    [InlineData("ROUTING_CONTROL_ARN", "", "ROUTING_CONTROL_ARN is not set")]
    public async Task Bad_arc_settings_are_named_before_any_call(string key, string value, string message)
    {
        var env = Environment($"eu-west-1={_cluster.Url}");
        env[key] = value;

        var act = () => World.Invoke("shift-traffic", """{"action":"failover"}""", env, TimeProvider.System);

        (await act.Should().ThrowAsync<ConfigurationException>()).Which.Message.Should().Contain(message);
        _cluster.Requests.Should().BeEmpty();
    }
}
