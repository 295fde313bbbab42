using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Handlers;

/// decide reads the primary service's desired count for a failover (PRIMARY_CLUSTER_NAME / PRIMARY_SERVICE_NAME): the size the
/// standby scales to. A primary region that does not answer leaves it unread (0), and never changes the decision.
[Collection("moto")]
public sealed class DecidePrimarySizeTests(MotoServer moto)
{
    private static readonly Dictionary<string, string> PrimaryService = new()
    {
        ["PRIMARY_CLUSTER_NAME"] = "failover-primary", ["PRIMARY_SERVICE_NAME"] = "failover-primary",
    };

    [Fact]
    public async Task A_failover_decision_carries_the_primarys_desired_count()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("primary-service", "failover-primary", "5");
        await world.Ask("alarm-state", world.Alarms[0], "ALARM");

        var decided = await world.InvokeAsync("decide", """{"action":"failover","source":"alice","executionId":"exec-1"}""", PrimaryService);

        decided["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        decided["primaryDesiredCount"]!.GetValue<int>().Should().Be(5);
    }

    [Fact]
    public async Task A_primary_service_that_cannot_be_read_is_0_and_the_decision_stands()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("alarm-state", world.Alarms[0], "ALARM");

        var decided = await world.InvokeAsync("decide", """{"action":"failover","source":"alice","executionId":"exec-1"}""", PrimaryService);

        decided["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        decided["primaryDesiredCount"]!.GetValue<int>().Should().Be(0);
    }

    [Fact]
    public async Task A_drill_does_not_read_the_primarys_size()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("primary-service", "failover-primary", "5");

        var decided = await world.InvokeAsync("decide", """{"action":"drill","source":"alice","executionId":"exec-1"}""", PrimaryService);

        decided["decision"]!.GetValue<string>().Should().Be("DRILL");
        decided["primaryDesiredCount"]!.GetValue<int>().Should().Be(0);
    }

    [Fact]
    public async Task A_cluster_without_its_service_name_is_a_configuration_error()
    {
        var world = await World.ArrangeAsync(moto);

        var act = () => world.InvokeAsync("decide", """{"action":"failover","source":"alice","executionId":"exec-1"}""",
            new Dictionary<string, string> { ["PRIMARY_CLUSTER_NAME"] = "failover-primary" });

        var error = (await act.Should().ThrowAsync<Failover.Functions.Runtime.FunctionException>()).Which;
        error.ErrorType.Should().Be(ErrorTypes.ConfigurationError);
        error.Message.Should().Contain("PRIMARY_SERVICE_NAME");
        (await world.Ask("lock")).Should().BeNull();
    }
}
