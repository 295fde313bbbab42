using System.Text.Json.Nodes;
using Failover.Functions.Runtime;
using Failover.Functions.Tests.Harness;
using static Failover.Functions.Tests.Handlers.DecideSetup;

namespace Failover.Functions.Tests.Handlers;

/// decide refuses a request it could not act on safely (free text over its bound, no execution id) before it writes anything.
[Collection("moto")]
public sealed class DecideInputTests(MotoServer moto)
{
    [Theory]
    [InlineData("source", 257)]
    [InlineData("reason", 1025)]
    [InlineData("executionId", 513)]
    public async Task Free_text_over_its_bound_is_refused_and_nothing_is_written(string field, int length)
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        var request = new JsonObject { ["action"] = "failover", ["source"] = "alarm", ["executionId"] = "exec-1" };
        request[field] = new string('x', length);

        var act = () => world.DecideAsync(request.ToJsonString());

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be(ErrorTypes.InvalidInput);
        error.Message.Should().Contain($"'{field}' is {length} characters");
        (await world.Ask("lock")).Should().BeNull();
        (await world.Ask("decisions"))!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task A_huge_source_is_refused_before_it_can_orphan_the_lock()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);

        var act = () => world.DecideAsync($$"""{"action":"failover","source":"{{new string('s', 450_000)}}","executionId":"exec-1"}""");

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.InvalidInput);
        var next = await world.DecideAsync("""{"action":"failover","source":"alarm","executionId":"exec-2"}""");
        next.Decision.Should().Be("FAILOVER");
    }

    [Fact]
    public async Task A_decide_without_an_execution_id_is_refused_because_its_retry_could_not_reenter_the_lock()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);

        var act = () => world.DecideAsync("""{"action":"failover","source":"alarm"}""");

        (await act.Should().ThrowAsync<FunctionException>()).Which.Message.Should().Contain("'executionId' is required");
        (await world.Ask("lock")).Should().BeNull();
    }
}
