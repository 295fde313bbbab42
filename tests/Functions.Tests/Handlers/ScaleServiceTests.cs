using Failover.Functions.Runtime;
using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Handlers;

[Collection("moto")]
public sealed class ScaleServiceTests(MotoServer moto)
{
    [Fact]
    public async Task Failover_sets_the_active_desired_count_and_raises_the_scaling_floor()
    {
        var world = await World.ArrangeAsync(moto, standby: 1);

        var response = await world.InvokeHoldingLockAsync("scale-service", """{"action":"failover"}""");

        response["desiredCount"]!.GetValue<int>().Should().Be(3);
        response["minCapacity"]!.GetValue<int>().Should().Be(2);
        response["previousDesiredCount"]!.GetValue<int>().Should().Be(1);
        response["changed"]!.GetValue<bool>().Should().BeTrue();
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(3);
        (await world.Ask("scalable-target"))!["min"]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public async Task A_failover_scales_to_the_primarys_desired_count_when_it_runs_more_than_the_active_count()
    {
        var world = await World.ArrangeAsync(moto, standby: 1);

        var response = await world.InvokeHoldingLockAsync("scale-service", """{"action":"failover","size":"active","atLeast":5}""");

        response["desiredCount"]!.GetValue<int>().Should().Be(5);
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(5);
        // The floor stays the active one: autoscaling may scale in once the load is known.
        (await world.Ask("scalable-target"))!["min"]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public async Task The_primarys_desired_count_is_held_to_this_regions_scaling_maximum()
    {
        var world = await World.ArrangeAsync(moto, standby: 1);

        var response = await world.InvokeHoldingLockAsync("scale-service", """{"action":"failover","size":"active","atLeast":40}""");

        response["desiredCount"]!.GetValue<int>().Should().Be(6);
        (await world.Ask("scalable-target"))!["max"]!.GetValue<int>().Should().Be(6);
    }

    [Theory]
    [InlineData("""{"action":"failover","size":"active","atLeast":2}""", 3)]
    [InlineData("""{"action":"failover","size":"active","atLeast":0}""", 3)]
    [InlineData("""{"action":"failback","size":"standby","atLeast":5}""", 1)]
    public async Task A_smaller_or_unknown_primary_count_or_a_standby_size_keeps_the_configured_count(string request, int expected)
    {
        var world = await World.ArrangeAsync(moto, standby: 1);

        var response = await world.InvokeHoldingLockAsync("scale-service", request);

        response["desiredCount"]!.GetValue<int>().Should().Be(expected);
    }

    [Fact]
    public async Task Scaling_up_keeps_a_count_already_above_the_target()
    {
        var world = await World.ArrangeAsync(moto, standby: 1);
        await world.InvokeHoldingLockAsync("scale-service", """{"action":"failover","size":"active","atLeast":5}""");

        var response = await world.InvokeHoldingLockAsync("scale-service", """{"action":"failover","size":"active","atLeast":0}""");

        response["desiredCount"]!.GetValue<int>().Should().Be(5);
        response["changed"]!.GetValue<bool>().Should().BeFalse();
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("5001")]
    public async Task An_at_least_count_out_of_range_is_refused_and_changes_nothing(string atLeast)
    {
        var world = await World.ArrangeAsync(moto, standby: 1);

        var act = () => world.InvokeHoldingLockAsync("scale-service", $$"""{"action":"failover","size":"active","atLeast":{{atLeast}}}""");

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be(ErrorTypes.InvalidInput);
        error.Message.Should().Contain("atLeast");
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task Scaling_twice_is_idempotent()
    {
        var world = await World.ArrangeAsync(moto);
        await world.InvokeHoldingLockAsync("scale-service", """{"action":"failover"}""");

        var again = await world.InvokeHoldingLockAsync("scale-service", """{"action":"failover"}""");

        again["changed"]!.GetValue<bool>().Should().BeFalse();
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(3);
    }

    [Fact]
    public async Task Failback_restores_the_standby_count_and_floor()
    {
        var world = await World.ArrangeAsync(moto);
        await world.InvokeHoldingLockAsync("scale-service", """{"action":"failover"}""");

        var response = await world.InvokeHoldingLockAsync("scale-service", """{"action":"failback"}""");

        response["desiredCount"]!.GetValue<int>().Should().Be(1);
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(1);
        (await world.Ask("scalable-target"))!["min"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task A_pilot_light_standby_is_scaled_up_from_zero()
    {
        var world = await World.ArrangeAsync(moto, standby: 0);

        await world.InvokeHoldingLockAsync("scale-service", """{"action":"drill"}""");

        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(3);
        (await world.Ask("scalable-target"))!["min"]!.GetValue<int>().Should().Be(2);
    }

    [Theory]
    [InlineData("failback", "active", 3, 2)] // against the rule: failback alone would restore standby
    [InlineData("failover", "standby", 1, 1)] // against the rule: failover alone would set active
    [InlineData("drill", " STANDBY ", 1, 1)] // any case, surrounding spaces
    public async Task A_size_given_decides_the_target_size_whatever_the_action(string action, string size, int desired, int min)
    {
        var world = await World.ArrangeAsync(moto, standby: 0);

        var response = await world.InvokeHoldingLockAsync("scale-service", $$"""{"action":"{{action}}","size":"{{size}}"}""");

        response["action"]!.GetValue<string>().Should().Be(action);
        response["desiredCount"]!.GetValue<int>().Should().Be(desired);
        response["minCapacity"]!.GetValue<int>().Should().Be(min);
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(desired);
        (await world.Ask("scalable-target"))!["min"]!.GetValue<int>().Should().Be(min);
    }

    [Theory]
    [InlineData("medium")]
    [InlineData("")]
    [InlineData("activ")]
    public async Task A_size_other_than_active_or_standby_is_refused_naming_the_field_and_nothing_is_called(string size)
    {
        var world = await World.ArrangeAsync(moto);
        using var proxy = new FaultProxy(moto.Url);

        var act = () => world.InvokeThroughHoldingLockAsync(proxy, "scale-service", $$"""{"action":"failover","size":"{{size}}"}""");

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be(ErrorTypes.InvalidInput);
        error.Message.Should().Contain("'size' must be active or standby");
        proxy.Requests.Should().BeEmpty();
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task With_a_service_region_the_service_in_that_region_is_scaled()
    {
        // The primary's failback (a function in us-east-1) scales the secondary's service (us-west-2) down: every ECS and Application
        // Auto Scaling call is signed for us-west-2, and moto's us-west-2 service is the one that changed.
        var world = await World.ArrangeAsync(moto);
        await world.InvokeHoldingLockAsync("scale-service", """{"action":"failover"}""");
        using var proxy = new FaultProxy(moto.Url);
        var env = new Dictionary<string, string> { ["AWS_REGION"] = "us-east-1", ["SERVICE_REGION"] = "us-west-2", ["AWS_ENDPOINT_URL"] = proxy.Url };

        var response = await world.InvokeHoldingLockAsync("scale-service", """{"action":"failback","size":"standby"}""", env);

        response["changed"]!.GetValue<bool>().Should().BeTrue();
        response["previousDesiredCount"]!.GetValue<int>().Should().Be(3);
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(1);
        (await world.Ask("scalable-target"))!["min"]!.GetValue<int>().Should().Be(1);
        // The lock is read in the function's own region, where the failback took it; the service is scaled where it runs.
        CheckServiceTests.Scopes(proxy).Should().BeEquivalentTo(["us-east-1/dynamodb", "us-west-2/ecs", "us-west-2/application-autoscaling"]);
    }

    [Fact]
    public async Task Without_a_service_region_the_function_scales_its_own_region()
    {
        // The control for the test above: in us-east-1 there is no such service, and nothing in us-west-2 changes.
        var world = await World.ArrangeAsync(moto);
        using var proxy = new FaultProxy(moto.Url);

        var act = () => world.InvokeHoldingLockAsync("scale-service", """{"action":"failover"}""", new() { ["AWS_REGION"] = "us-east-1", ["AWS_ENDPOINT_URL"] = proxy.Url });

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.AwsServiceError);
        CheckServiceTests.Scopes(proxy).Should().Equal("us-east-1/dynamodb", "us-east-1/ecs");
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(1);
    }
}
