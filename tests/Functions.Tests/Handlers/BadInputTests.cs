using Failover.Functions.Runtime;
using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Handlers;

/// Bad input changes nothing: an error response, and not one request reaches AWS.
public sealed class BadInputTests : IDisposable
{
    private readonly RecordingEndpoint _aws = new();

    public void Dispose() => _aws.Dispose();

    private Dictionary<string, string> Environment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "secret", ["AWS_REGION"] = "us-west-2",
        ["AWS_ENDPOINT_URL"] = _aws.Url,
        ["CONTROL_TABLE_NAME"] = "t", ["DEFAULT_FLAG"] = "auto", ["PRIMARY_REGION"] = "us-east-1", ["SECONDARY_REGION"] = "us-west-2",
        ["CLUSTER_NAME"] = "c", ["SERVICE_NAME"] = "s", ["TARGET_GROUP_ARN"] = "arn:tg",
        ["ACTIVE_DESIRED_COUNT"] = "3", ["ACTIVE_MIN_CAPACITY"] = "2", ["STANDBY_DESIRED_COUNT"] = "1", ["STANDBY_MIN_CAPACITY"] = "1",
        ["TRAFFIC_GATE_MODE"] = "route53-api", ["GATE_HEALTH_CHECK_ID"] = "gate",
    };

    public static TheoryData<string, string, string> BadEvents => new()
    {
        { "decide", "{not json", "InvalidInput" },
        { "decide", """{"action":"explode","source":"ops"}""", "InvalidInput" },
        { "decide", """{"action":"failover"}""", "InvalidInput" },
        { "decide", "null", "InvalidInput" },
        { "shift-traffic", """{"action":"sideways"}""", "InvalidInput" },
        { "shift-traffic", "[1,2]", "InvalidInput" },
        { "scale-service", """{}""", "InvalidInput" },
        { "scale-service", """{"action":"failover","size":"huge"}""", "InvalidInput" },
        { "check-service", """{"timeoutSeconds":60}""", "InvalidInput" },
        { "check-service", """{"waitingSince":"2999-01-01T00:00:00Z","timeoutSeconds":60}""", "InvalidInput" },
        { "release-lock", """{"action":"failover","outcome":"SUCCEEDED"}""", "InvalidInput" },
        { "release-lock", """{"action":"failover","lockId":"x","executionId":"e","outcome":"MAYBE"}""", "InvalidInput" },
    };

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task A_malformed_or_unknown_request_is_refused_before_any_aws_call(string handler, string eventJson, string errorType)
    {
        var act = () => World.Invoke(handler, eventJson, Environment(), TimeProvider.System);

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(errorType);
        _aws.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("decide", """{"action":"failover","source":"ops","executionId":"exec-1","lockId":"t"}""", "CONTROL_TABLE_NAME")]
    [InlineData("decide", """{"action":"failover","source":"ops","executionId":"exec-1","lockId":"t"}""", "DEFAULT_FLAG")]
    [InlineData("shift-traffic", """{"action":"failover","lockId":"x"}""", "GATE_HEALTH_CHECK_ID")]
    [InlineData("scale-service", """{"action":"failover","lockId":"x"}""", "ACTIVE_DESIRED_COUNT")]
    [InlineData("check-service", "{}", "TARGET_GROUP_ARN")]
    [InlineData("release-lock", """{"action":"failover","lockId":"x","executionId":"e","outcome":"FAILED"}""", "SECONDARY_REGION")]
    [InlineData("shift-traffic", """{"action":"failover","lockId":"x"}""", "AWS_SECRET_ACCESS_KEY")]
    public async Task Missing_configuration_is_named_and_nothing_is_called(string handler, string eventJson, string missing)
    {
        var env = Environment();
        env.Remove(missing);

        var act = () => World.Invoke(handler, eventJson, env, TimeProvider.System);

        (await act.Should().ThrowAsync<ConfigurationException>()).Which.Message.Should().Contain(missing);
        _aws.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("scale-service", """{"action":"failback"}""", "SERVICE_REGION", "us-west-2 ")]
    [InlineData("scale-service", """{"action":"failback"}""", "SERVICE_REGION", "https://ecs.us-west-2.amazonaws.com")]
    [InlineData("check-service", "{}", "SERVICE_REGION", "US-WEST-2")]
    [InlineData("decide", """{"action":"failover","source":"ops","executionId":"exec-1","lockId":"t"}""", "CONTROL_TABLE_PEER_REGION", "us_east_1")]
    public async Task A_region_setting_that_is_no_region_name_is_named_and_nothing_is_called(string handler, string eventJson, string name, string value)
    {
        var env = Environment();
        env[name] = value;

        var act = () => World.Invoke(handler, eventJson, env, TimeProvider.System);

        (await act.Should().ThrowAsync<ConfigurationException>()).Which.Message.Should().Contain($"{name} must be an AWS region name such as us-east-1 (got '{value}')");
        _aws.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_peer_region_that_is_the_functions_own_is_refused_because_the_check_would_protect_nothing()
    {
        var env = Environment();
        env["CONTROL_TABLE_PEER_REGION"] = "us-west-2";
        env["OPERATOR_STATE_MACHINE_ARN"] = "arn:aws:states:us-west-2:123456789012:stateMachine:failover-secondary-failover";

        var act = () => World.Invoke("decide", """{"action":"failover","source":"ops","executionId":"exec-1","lockId":"t"}""", env, TimeProvider.System);

        (await act.Should().ThrowAsync<ConfigurationException>()).Which.Message.Should().Contain("CONTROL_TABLE_PEER_REGION names this function's own region (us-west-2)");
        _aws.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_malformed_setting_is_named_too()
    {
        var env = Environment();
        env["DEFAULT_FLAG"] = "sometimes";

        var act = () => World.Invoke("decide", """{"action":"failover","source":"ops","executionId":"exec-1","lockId":"t"}""", env, TimeProvider.System);

        (await act.Should().ThrowAsync<ConfigurationException>()).Which.Message.Should().Contain("DEFAULT_FLAG must be auto, block or force (got 'sometimes')");
        _aws.Requests.Should().BeEmpty();
    }
}
