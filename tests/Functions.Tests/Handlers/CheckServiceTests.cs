using Failover.Functions.Runtime;
using Failover.Functions.Tests.Harness;
using Failover.Functions.Tests.Runtime;

namespace Failover.Functions.Tests.Handlers;

[Collection("moto")]
public sealed class CheckServiceTests(MotoServer moto)
{
    [Fact]
    public async Task A_scaled_service_without_healthy_targets_is_not_ready()
    {
        var world = await World.ArrangeAsync(moto);
        await world.InvokeHoldingLockAsync("scale-service", """{"action":"failover"}""");

        var response = await world.InvokeAsync("check-service", "{}");

        response["ready"]!.GetValue<bool>().Should().BeFalse();
        response["desired"]!.GetValue<int>().Should().Be(3);
        response["healthyTargets"]!.GetValue<int>().Should().Be(0);
    }

    [Fact]
    public async Task Fewer_healthy_targets_than_desired_is_not_ready()
    {
        var world = await World.ArrangeAsync(moto);
        await world.InvokeHoldingLockAsync("scale-service", """{"action":"failover"}""");
        await world.Ask("register-targets", world.TargetGroup, "2");

        var response = await world.InvokeAsync("check-service", "{}");

        response["ready"]!.GetValue<bool>().Should().BeFalse();
        response["healthyTargets"]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public async Task Running_equal_to_desired_with_a_completed_rollout_and_enough_healthy_targets_is_ready()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("register-targets", world.TargetGroup, "1");

        var response = await world.InvokeAsync("check-service", "{}");

        response["ready"]!.GetValue<bool>().Should().BeTrue();
        response["running"]!.GetValue<int>().Should().Be(1);
        response["desired"]!.GetValue<int>().Should().Be(1);
        response["rolloutState"]!.GetValue<string>().Should().Be("COMPLETED");
    }

    [Fact]
    public async Task A_service_scaled_to_zero_is_never_ready()
    {
        var world = await World.ArrangeAsync(moto, standby: 0);
        await world.InvokeHoldingLockAsync("scale-service", """{"action":"failback"}""", new() { ["STANDBY_DESIRED_COUNT"] = "0", ["STANDBY_MIN_CAPACITY"] = "0" });

        (await world.InvokeAsync("check-service", "{}"))["ready"]!.GetValue<bool>().Should().BeFalse();
    }

    // When the workflow began waiting; the handler's clock is set relative to it.
    private static readonly DateTimeOffset Started = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static string Waiting(int timeoutSeconds, string since = "2026-03-01T12:00:00.000Z") =>
        $$"""{"waitingSince":"{{since}}","timeoutSeconds":{{timeoutSeconds}}}""";

    private static async Task<World> NotReady(MotoServer moto)
    {
        var world = await World.ArrangeAsync(moto);
        await world.InvokeHoldingLockAsync("scale-service", """{"action":"failover"}""");
        return world;
    }

    [Fact]
    public async Task Not_ready_once_the_timeout_has_passed_is_timed_out()
    {
        var world = await NotReady(moto);

        // Exactly the timeout: "now − waitingSince ≥ timeoutSeconds" is over.
        var response = await world.InvokeAsync("check-service", Waiting(600), time: new ManualTime(Started.AddSeconds(600)));

        response["ready"]!.GetValue<bool>().Should().BeFalse();
        response["timedOut"]!.GetValue<bool>().Should().BeTrue();
        response["waitedSeconds"]!.GetValue<int>().Should().Be(600);
    }

    [Fact]
    public async Task Not_ready_within_the_timeout_is_not_timed_out()
    {
        var world = await NotReady(moto);

        var response = await world.InvokeAsync("check-service", Waiting(600), time: new ManualTime(Started.AddSeconds(599.9)));

        response["ready"]!.GetValue<bool>().Should().BeFalse();
        response["timedOut"]!.GetValue<bool>().Should().BeFalse();
        response["waitedSeconds"]!.GetValue<int>().Should().Be(599);
    }

    [Fact]
    public async Task A_ready_service_is_never_timed_out_however_long_the_wait()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("register-targets", world.TargetGroup, "1");

        var response = await world.InvokeAsync("check-service", Waiting(600), time: new ManualTime(Started.AddHours(5)));

        response["ready"]!.GetValue<bool>().Should().BeTrue();
        response["timedOut"]!.GetValue<bool>().Should().BeFalse();
        response["waitedSeconds"]!.GetValue<int>().Should().Be(5 * 3600);
    }

    [Fact]
    public async Task Without_a_wait_to_bound_timed_out_is_false_and_no_wait_is_reported()
    {
        var world = await NotReady(moto);

        var response = await world.InvokeAsync("check-service", "{}", time: new ManualTime(Started.AddDays(3)));

        response["ready"]!.GetValue<bool>().Should().BeFalse();
        response["timedOut"]!.GetValue<bool>().Should().BeFalse();
        response.AsObject().ContainsKey("waitedSeconds").Should().BeFalse();
    }

    [Theory]
    [InlineData("""{"waitingSince":"2026-03-01T12:00:00Z"}""", "'waitingSince' was given without 'timeoutSeconds'")]
    [InlineData("""{"timeoutSeconds":600}""", "'timeoutSeconds' was given without 'waitingSince'")]
    [InlineData("""{"waitingSince":"2026-03-01T12:00:00Z","timeoutSeconds":0}""", "'timeoutSeconds' must be a whole number from 1 to 86400")]
    [InlineData("""{"waitingSince":"2026-03-01T12:00:00Z","timeoutSeconds":86401}""", "'timeoutSeconds' must be a whole number from 1 to 86400")]
    [InlineData("""{"waitingSince":"yesterday","timeoutSeconds":600}""", "'waitingSince' must be an ISO-8601 time")]
    [InlineData("""{"waitingSince":"","timeoutSeconds":600}""", "'waitingSince' must be an ISO-8601 time")]
    [InlineData("""{"waitingSince":"03/01/2026 12:00:00","timeoutSeconds":600}""", "'waitingSince' must be an ISO-8601 time")]
    [InlineData("""{"waitingSince":"2026-03-01T12:00:00","timeoutSeconds":600}""", "'waitingSince' must be an ISO-8601 time with a zone")]
    [InlineData("""{"waitingSince":"2026-13-01T12:00:00Z","timeoutSeconds":600}""", "'waitingSince' must be an ISO-8601 time")]
    public async Task A_wait_that_is_half_given_or_unreadable_is_refused_and_nothing_is_called(string request, string message)
    {
        using var proxy = new FaultProxy(moto.Url);
        var world = await World.ArrangeAsync(moto);

        var act = () => world.InvokeThroughAsync(proxy, "check-service", request);

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be(ErrorTypes.InvalidInput);
        error.Message.Should().Contain(message);
        proxy.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_wait_that_begins_more_than_five_minutes_from_now_is_refused()
    {
        var world = await NotReady(moto);

        var act = () => world.InvokeAsync("check-service", Waiting(600), time: new ManualTime(Started.AddMinutes(-5).AddSeconds(-1)));

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be(ErrorTypes.InvalidInput);
        error.Message.Should().Contain("in the future");
    }

    [Fact]
    public async Task A_wait_that_begins_a_little_ahead_of_this_clock_is_clock_skew_and_counts_as_no_wait_yet()
    {
        var world = await NotReady(moto);

        var response = await world.InvokeAsync("check-service", Waiting(1), time: new ManualTime(Started.AddMinutes(-4)));

        response["timedOut"]!.GetValue<bool>().Should().BeFalse();
        response["waitedSeconds"]!.GetValue<int>().Should().Be(0);
    }

    [Fact]
    public async Task A_zone_offset_is_read_as_the_same_instant()
    {
        var world = await NotReady(moto);

        var response = await world.InvokeAsync("check-service", Waiting(600, "2026-03-01T13:00:00+01:00"), time: new ManualTime(Started.AddSeconds(700)));

        response["timedOut"]!.GetValue<bool>().Should().BeTrue();
        response["waitedSeconds"]!.GetValue<int>().Should().Be(700);
    }

    [Fact]
    public async Task With_a_service_region_the_service_and_target_group_are_read_in_that_region()
    {
        // The primary's function (us-east-1) checking the secondary's service (us-west-2): every call signed for us-west-2.
        var world = await World.ArrangeAsync(moto);
        await world.Ask("register-targets", world.TargetGroup, "1");
        using var proxy = new FaultProxy(moto.Url);
        var env = new Dictionary<string, string> { ["AWS_REGION"] = "us-east-1", ["SERVICE_REGION"] = "us-west-2", ["AWS_ENDPOINT_URL"] = proxy.Url };

        var response = await world.InvokeAsync("check-service", "{}", env);

        response["ready"]!.GetValue<bool>().Should().BeTrue();
        response["desired"]!.GetValue<int>().Should().Be(1);
        Scopes(proxy).Should().BeEquivalentTo(["us-west-2/ecs", "us-west-2/elasticloadbalancing"]);
    }

    [Fact]
    public async Task Without_a_service_region_the_function_reads_its_own_region()
    {
        // The control for the test above: the same function without SERVICE_REGION looks in us-east-1, where there is no such service.
        var world = await World.ArrangeAsync(moto);
        using var proxy = new FaultProxy(moto.Url);

        var act = () => world.InvokeAsync("check-service", "{}", new() { ["AWS_REGION"] = "us-east-1", ["AWS_ENDPOINT_URL"] = proxy.Url });

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.AwsServiceError);
        Scopes(proxy).Should().Equal("us-east-1/ecs");
    }

    /// The region and service of each request's SigV4 credential scope (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`).
    internal static IEnumerable<string> Scopes(FaultProxy proxy) =>
        proxy.Requests.Select(r => r.Request.Headers["Authorization"].Split("Credential=")[1].Split(',')[0].Split('/')).Select(p => $"{p[2]}/{p[3]}").Distinct();
}
