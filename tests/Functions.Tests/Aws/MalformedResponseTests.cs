using Failover.Functions.Aws;
using Failover.Functions.Runtime;
using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Aws;

/// A successful answer that lacks a field we act on is an AwsMalformedResponse naming service, action and field, never a 0 or false.
public sealed class MalformedResponseTests : IDisposable
{
    private const string Json10 = "application/x-amz-json-1.0";
    private const string Xml = "text/xml";

    private readonly RecordingEndpoint _aws = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _aws.Dispose();
        _http.Dispose();
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "secret", ["AWS_REGION"] = "us-west-2", ["AWS_ENDPOINT_URL"] = _aws.Url,
    };

    private AwsClients Clients()
    {
        var env = Environment();
        return new AwsClients(env.GetValueOrDefault, _http, TimeProvider.System, new AwsRetryPolicy(1, TimeSpan.Zero, TimeSpan.Zero));
    }

    private static async Task ShouldBeMalformed(Func<Task> call, string service, string action, string field)
    {
        var error = (await call.Should().ThrowAsync<AwsMalformedResponseException>()).Which;
        error.ErrorType.Should().Be("AwsMalformedResponse");
        error.Message.Should().StartWith($"{service} {action} answered without {field};");
    }

    [Theory]
    [InlineData("""{"services":[{"runningCount":1,"deployments":[]}]}""", "desiredCount")]
    [InlineData("""{"services":[{"desiredCount":1,"deployments":[]}]}""", "runningCount")]
    public async Task Ecs_service_counts_are_never_read_as_zero(string body, string field)
    {
        _aws.Then(200, body);

        await ShouldBeMalformed(() => Clients().Ecs().DescribeServiceAsync("c", "s", CancellationToken.None), "ECS", "DescribeServices", field);
    }

    [Theory]
    [InlineData("""{"ScalableTargets":[{"MaxCapacity":6}]}""", "MinCapacity")]
    [InlineData("""{"ScalableTargets":[{"MinCapacity":1}]}""", "MaxCapacity")]
    public async Task Scalable_target_bounds_are_never_read_as_zero(string body, string field)
    {
        _aws.Then(200, body);

        await ShouldBeMalformed(() => Clients().AutoScaling().DescribeScalableTargetAsync("service/c/s", CancellationToken.None),
            "Application Auto Scaling", "DescribeScalableTargets", field);
    }

    [Fact]
    public async Task A_health_check_without_its_version_is_not_given_one()
    {
        _aws.Then(200, "<GetHealthCheckResponse><HealthCheck><Id>gate</Id><HealthCheckConfig><Inverted>false</Inverted></HealthCheckConfig></HealthCheck></GetHealthCheckResponse>", Xml);

        await ShouldBeMalformed(() => Clients().Route53.GetHealthCheckAsync("gate", CancellationToken.None), "Route 53", "GetHealthCheck", "HealthCheckVersion");
    }

    [Fact]
    public async Task An_update_answered_without_the_new_version_is_reported()
    {
        _aws.Then(200, "<UpdateHealthCheckResponse><HealthCheck><Id>gate</Id><HealthCheckConfig><Inverted>true</Inverted></HealthCheckConfig></HealthCheck></UpdateHealthCheckResponse>", Xml);

        await ShouldBeMalformed(() => Clients().Route53.UpdateHealthCheckAsync("gate", 3, true, CancellationToken.None), "Route 53", "UpdateHealthCheck", "HealthCheckVersion");
    }

    // The API model makes Inverted optional in HealthCheckConfig (only Type is required), so its absence is an answer: not inverted.
    [Fact]
    public async Task A_health_check_without_inverted_is_not_inverted()
    {
        _aws.Then(200, "<GetHealthCheckResponse><HealthCheck><Id>gate</Id><HealthCheckConfig><Type>CALCULATED</Type></HealthCheckConfig><HealthCheckVersion>4</HealthCheckVersion></HealthCheck></GetHealthCheckResponse>", Xml);

        var check = await Clients().Route53.GetHealthCheckAsync("gate", CancellationToken.None);

        check.Should().Be(new Route53Client.HealthCheck("gate", false, 4));
    }

    [Fact]
    public async Task A_checker_report_without_a_status_is_not_counted_either_way()
    {
        _aws.Then(200, "<GetHealthCheckStatusResponse><HealthCheckObservations><HealthCheckObservation><StatusReport><CheckedTime>2026-11-25T12:00:00Z</CheckedTime></StatusReport></HealthCheckObservation></HealthCheckObservations></GetHealthCheckStatusResponse>", Xml);

        await ShouldBeMalformed(() => Clients().Route53.GetHealthCheckStatusAsync("endpoint", CancellationToken.None), "Route 53", "GetHealthCheckStatus", "StatusReport/Status");
    }

    [Theory]
    [InlineData("<MetricAlarms><member><AlarmName>a</AlarmName></member></MetricAlarms>", "StateValue")]
    [InlineData("<MetricAlarms><member><StateValue>OK</StateValue></member></MetricAlarms>", "AlarmName")]
    public async Task An_alarm_without_its_name_or_state_is_not_guessed(string alarms, string field)
    {
        _aws.Then(200, $"<DescribeAlarmsResponse><DescribeAlarmsResult>{alarms}</DescribeAlarmsResult></DescribeAlarmsResponse>", Xml);

        await ShouldBeMalformed(() => Clients().CloudWatch("us-east-1").DescribeAlarmsAsync(["a"], CancellationToken.None), "CloudWatch", "DescribeAlarms", field);
    }

    [Fact]
    public async Task A_routing_control_without_a_state_is_not_read_as_off()
    {
        _aws.Then(200, """{"RoutingControlArn":"arn:rc"}""", Json10);

        await ShouldBeMalformed(() => Clients().RecoveryCluster([new ClusterEndpoint("eu-west-1", new Uri(_aws.Url))]).GetRoutingControlStateAsync("arn:rc", CancellationToken.None),
            "Route 53 ARC", "GetRoutingControlState", "RoutingControlState");
    }

    [Fact]
    public async Task A_recorded_transition_without_its_epoch_is_not_given_one()
    {
        _aws.Then(200, """{"Attributes":{"pk":{"S":"state"},"activeRegion":{"S":"us-west-2"}}}""", Json10);

        await ShouldBeMalformed(() => Clients().ControlTable("t").ReleaseLockAsync("token-hash", "exec-1", "SUCCEEDED", new Transition("us-west-2", "failover"),
                DateTimeOffset.UtcNow, CancellationToken.None),
            "DynamoDB", "UpdateItem", "epoch");
    }

    [Fact]
    public async Task Scale_service_changes_nothing_when_the_scaling_floor_it_read_is_missing()
    {
        _aws.Then(200, """{"services":[{"desiredCount":1,"runningCount":1,"deployments":[]}]}""");
        _aws.Then(200, """{"ScalableTargets":[{"MaxCapacity":6}]}""");
        var env = Environment();
        env[EnvNames.ClusterName] = "c";
        env[EnvNames.ServiceName] = "s";
        env[EnvNames.ActiveDesiredCount] = "3";
        env[EnvNames.ActiveMinCapacity] = "2";
        env[EnvNames.StandbyDesiredCount] = "1";
        env[EnvNames.StandbyMinCapacity] = "1";
        using var table = new LockTableStub("failover");
        foreach (var (k, v) in table.Environment) env[k] = v;

        var act = () => World.Invoke(HandlerNames.ScaleService, $$"""{"action":"failover","lockId":"{{table.Token}}"}""", env, TimeProvider.System);

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be("AwsMalformedResponse");
        _aws.Requests.Select(r => r.Headers["X-Amz-Target"]).Should().Equal(
            "AmazonEC2ContainerServiceV20141113.DescribeServices", "AnyScaleFrontendService.DescribeScalableTargets");
    }
}
