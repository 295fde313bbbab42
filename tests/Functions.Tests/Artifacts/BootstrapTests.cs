using System.Text.Json.Nodes;
using Failover.Functions.Tests.Harness;
using Failover.Functions.Tests.Runtime;

namespace Failover.Functions.Tests.Artifacts;

/// The native binary end to end: Runtime API loop, handler choice, SigV4 checked by moto's IAM enforcement.
[Collection("moto")]
public sealed class BootstrapTests(MotoServer moto) : IDisposable
{
    private readonly LocalRuntimeApi _api = new();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task An_unknown_handler_is_reported_as_an_init_error_and_the_process_exits()
    {
        using var bootstrap = new Bootstrap("no-such-handler", _api, new Dictionary<string, string>());

        var error = await _api.InitError.WaitAsync(TimeSpan.FromSeconds(10));

        error.ErrorType.Should().Be("UnknownHandler");
        JsonNode.Parse(error.Body)!["errorMessage"]!.GetValue<string>().Should().Contain(string.Join(", ", FunctionContract.All.Select(h => h.Name)));
        (await bootstrap.ExitCodeAsync(TimeSpan.FromSeconds(10))).Should().NotBe(0);
    }

    private static Dictionary<string, string> Credentials(World world, JsonNode keys) => new(world.Environment())
    {
        ["AWS_ACCESS_KEY_ID"] = keys["accessKeyId"]!.GetValue<string>(),
        ["AWS_SECRET_ACCESS_KEY"] = keys["secretAccessKey"]!.GetValue<string>(),
        ["AWS_SESSION_TOKEN"] = keys["sessionToken"]!.GetValue<string>(),
    };

    private async Task<RuntimeResult> RunWithAuthAsync(string handler, Dictionary<string, string> env, string eventJson)
    {
        await moto.EnforceAuthAsync(true);
        try
        {
            using var bootstrap = new Bootstrap(handler, _api, env);
            return await _api.Invoke(eventJson).WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await moto.EnforceAuthAsync(false);
        }
    }

    [Fact]
    public async Task Shift_traffic_in_the_native_binary_inverts_the_gate()
    {
        // Without IAM enforcement: moto 5.2 rejects every SigV4 signature on GET /healthcheck/{id}, botocore's included.
        var world = await World.ArrangeAsync(moto);
        using var bootstrap = new Bootstrap("shift-traffic", _api, world.Environment());

        var token = await world.HoldLockAsync("failover");
        var result = await _api.Invoke($$"""{"action":"failover","lockId":"{{token}}"}""").WaitAsync(TimeSpan.FromSeconds(60));

        result.IsError.Should().BeFalse(result.Body);
        JsonNode.Parse(result.Body)!["shifted"]!.GetValue<bool>().Should().BeTrue();
        (await world.Ask("gate", world.Gate))!["inverted"]!.GetValue<bool>().Should().BeTrue();
        bootstrap.Output.Should().Contain(line => line.Contains("\"message\":\"traffic gate updated\""));
    }

    private const string ScalePolicy = """
        {"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"},
          {"Effect":"Allow","Action":["ecs:DescribeServices","ecs:UpdateService"],"Resource":"*"},
          {"Effect":"Allow","Action":["application-autoscaling:DescribeScalableTargets","application-autoscaling:RegisterScalableTarget"],"Resource":"*"}]}
        """;

    [Fact]
    public async Task Scale_service_signed_with_a_roles_temporary_credentials_scales_the_standby()
    {
        var world = await World.ArrangeAsync(moto);
        var keys = (await world.Ask("assume-role", "scale-service", ScalePolicy))!;
        var token = await world.HoldLockAsync("failover");

        var result = await RunWithAuthAsync("scale-service", Credentials(world, keys), $$"""{"action":"failover","lockId":"{{token}}"}""");

        result.IsError.Should().BeFalse(result.Body);
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(3);
        (await world.Ask("scalable-target"))!["min"]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public async Task A_policy_without_the_action_is_refused_by_aws_and_reported_as_an_error()
    {
        var world = await World.ArrangeAsync(moto);
        var keys = (await world.Ask("assume-role", "no-update", ScalePolicy.Replace(",\"ecs:UpdateService\"", "")))!;
        var token = await world.HoldLockAsync("failover");

        var result = await RunWithAuthAsync("scale-service", Credentials(world, keys), $$"""{"action":"failover","lockId":"{{token}}"}""");

        result.IsError.Should().BeTrue();
        result.ErrorType.Should().Be("AwsServiceError");
        result.Body.Should().Contain("AccessDenied").And.Contain("ecs:UpdateService");
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task A_wrong_secret_fails_signature_verification()
    {
        var world = await World.ArrangeAsync(moto);
        var env = Credentials(world, (await world.Ask("assume-role", "wrong-secret", ScalePolicy))!);
        env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret";
        var token = await world.HoldLockAsync("failover");

        var result = await RunWithAuthAsync("scale-service", env, $$"""{"action":"failover","lockId":"{{token}}"}""");

        result.IsError.Should().BeTrue();
        result.Body.Should().Contain("SignatureDoesNotMatch");
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task Decide_in_the_native_binary_reads_dynamodb_route53_and_cloudwatch_and_takes_the_lock()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("alarm-state", world.Alarms[1], "ALARM");
        // moto names CloudWatch's IAM actions after the signing name (monitoring:), AWS after the service (cloudwatch:).
        var keys = (await world.Ask("assume-role", "decide", """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:UpdateItem"],"Resource":"*"},
              {"Effect":"Allow","Action":"route53:GetHealthCheckStatus","Resource":"*"},
              {"Effect":"Allow","Action":"states:DescribeExecution","Resource":"*"},
              {"Effect":"Allow","Action":["cloudwatch:DescribeAlarms","monitoring:DescribeAlarms"],"Resource":"*"}]}
            """))!;

        var run = await world.ExecutionAsync("exec-native");
        var result = await RunWithAuthAsync("decide", Credentials(world, keys), $$"""{"action":"failover","source":"alarm","executionId":"{{run}}","lockId":"{{world.TokenOf(run)}}"}""");

        result.IsError.Should().BeFalse(result.Body);
        var response = JsonNode.Parse(result.Body)!;
        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["lockId"]!.GetValue<string>().Should().NotBeNullOrEmpty().And.NotBe(run);
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().Be(run);
    }
}
