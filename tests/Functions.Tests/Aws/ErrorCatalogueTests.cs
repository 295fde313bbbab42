using System.Reflection;
using Failover.Functions.Aws;
using Failover.Functions.Runtime;
using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Aws;

/// Every failure reaches the workflow as one of the catalogue's error types, whose category says whether a retry is safe.
[Collection("moto")]
public sealed class ErrorCatalogueTests(MotoServer moto) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero });

    public void Dispose() => _http.Dispose();

    [Fact]
    public void Every_error_type_constant_has_a_category_and_a_meaning()
    {
        var constants = typeof(ErrorTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

        ErrorTypes.All.Keys.Should().BeEquivalentTo(constants);
        ErrorTypes.All.Values.Should().OnlyContain(v => v.Meaning.Length > 20);
    }

    [Fact]
    public void Only_transient_and_outcome_unknown_errors_are_retried()
    {
        ErrorTypes.Retryable.Should().BeEquivalentTo(
            ErrorTypes.AwsThrottled, ErrorTypes.AwsServerError, ErrorTypes.AwsUnreachable, ErrorTypes.AwsMalformedResponse,
            ErrorTypes.DeadlineExceeded, ErrorTypes.UnexpectedError);
    }

    public static TheoryData<string, string> DynamoFaults() => new()
    {
        { "500", ErrorTypes.AwsServerError },
        { "throttled", ErrorTypes.AwsThrottled },
        { "access-denied", ErrorTypes.AwsServiceError },
        { "reset", ErrorTypes.AwsUnreachable },
        { "hang", ErrorTypes.AwsUnreachable },
        { "garbage", ErrorTypes.AwsMalformedResponse },
    };

    [Theory]
    [MemberData(nameof(DynamoFaults))]
    public async Task A_dynamodb_fault_surfaces_as_a_typed_error(string fault, string errorType)
    {
        var world = await World.ArrangeAsync(moto);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(fault switch
        {
            "500" => Fault.Status(500, """{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"injected"}"""),
            "throttled" => Fault.Status(400, """{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate exceeded"}"""),
            "access-denied" => Fault.Status(400, """{"__type":"com.amazon.coral.service#AccessDeniedException","message":"not allowed"}"""),
            "reset" => Fault.Reset,
            "hang" => Fault.Hang,
            _ => Fault.GarbageAfterForward(),
        });
        var env = world.Environment();
        env["AWS_ENDPOINT_URL"] = proxy.Url;
        var clients = new AwsClients(env.GetValueOrDefault, _http, TimeProvider.System, new AwsRetryPolicy(2, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(10)))
            .Until(DateTimeOffset.UtcNow.AddSeconds(3));

        var act = () => clients.ControlTable(world.Table).GetControlAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be(errorType, error.Message);
        error.Message.Should().Contain("DynamoDB");
    }

    [Fact]
    public async Task A_throttle_after_an_unanswered_attempt_is_not_reported_as_nothing_changed()
    {
        var world = await World.ArrangeAsync(moto);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.ResetAfterForward, times: 1);
        proxy.Inject(Fault.Status(400, """{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate exceeded"}"""));
        var env = world.Environment();
        env["AWS_ENDPOINT_URL"] = proxy.Url;
        var clients = new AwsClients(env.GetValueOrDefault, _http, TimeProvider.System, new AwsRetryPolicy(3, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(10)));

        var act = () => clients.ControlTable(world.Table).GetControlAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.AwsUnreachable);
    }

    [Fact]
    public async Task Garbage_after_a_successful_update_service_is_outcome_unknown_and_a_retry_converges()
    {
        var world = await World.ArrangeAsync(moto, standby: 1);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.GarbageAfterForward(), RequestMatch.Target("AmazonEC2ContainerServiceV20141113.UpdateService"), times: 1);

        var act = () => world.InvokeThroughHoldingLockAsync(proxy, "scale-service", """{"action":"failover"}""");

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be(ErrorTypes.AwsMalformedResponse);
        ErrorTypes.All[error.ErrorType].Category.Should().Be(ErrorCategory.OutcomeUnknown);
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(3, "both changes were applied");
        (await world.Ask("scalable-target"))!["min"]!.GetValue<int>().Should().Be(2);
        var retried = await world.InvokeThroughHoldingLockAsync(proxy, "scale-service", """{"action":"failover"}""");
        retried["changed"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task An_attempt_is_not_started_when_too_little_time_is_left()
    {
        var world = await World.ArrangeAsync(moto);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.Status(500, """{"__type":"InternalServerError","message":"injected"}"""));
        var env = world.Environment();
        env["AWS_ENDPOINT_URL"] = proxy.Url;
        // Twenty attempts with up to 2 s between them would take far longer than the 1.5 s left.
        var clients = new AwsClients(env.GetValueOrDefault, _http, TimeProvider.System, new AwsRetryPolicy(20, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(2)))
            .Until(DateTimeOffset.UtcNow.AddSeconds(1.5));
        var started = DateTimeOffset.UtcNow;

        var act = () => clients.Ecs().DescribeServiceAsync("failover-secondary", "failover-secondary", CancellationToken.None);

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.AwsServerError);
        (DateTimeOffset.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(1.5));
        proxy.Requests.Count.Should().BeLessThan(20);
    }
}
