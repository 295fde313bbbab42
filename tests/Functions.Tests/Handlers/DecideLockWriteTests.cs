using Failover.Functions.Aws;
using Failover.Functions.Runtime;
using Failover.Functions.Tests.Harness;
using static Failover.Functions.Tests.Handlers.DecideSetup;

namespace Failover.Functions.Tests.Handlers;

/// Taking the lock: one winner among concurrent runs, answers lost on the way back, multi-Region write conflicts, and retries
/// of the same run re-entering or giving back what an earlier attempt took.
[Collection("moto")]
public sealed class DecideLockWriteTests(MotoServer moto)
{
    // Multi-Region strong consistency's answer to a write racing one from another region: a 400 that is no refusal.
    private const string ReplicatedWriteConflict =
        """{"__type":"com.amazonaws.dynamodb.v20120810#ReplicatedWriteConflictException","message":"The request was rejected because one or more items in the request are being modified by a request in another Region."}""";

    private static bool LockWrite(ProxiedRequest r) => r.Target == "DynamoDB_20120810.UpdateItem" && r.Body.Contains("SET lockOwner", StringComparison.Ordinal);

    [Fact]
    public async Task Of_many_concurrent_executions_that_all_want_to_act_exactly_one_gets_the_lock()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        // DynamoDB applies a conditional write atomically; moto does not (two concurrent writes can both pass the condition), so
        // the lock writes reach moto one at a time. They are still sent concurrently, and the condition still picks the winner.
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.OneAtATime, RequestMatch.Target("DynamoDB_20120810.UpdateItem"));

        var responses = await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            world.DecideThroughAsync(proxy, $$"""{"action":"failover","source":"alarm","executionId":"exec-{{i}}"}""")));

        var winners = responses.Where(r => r.Decision == "FAILOVER").ToList();
        winners.Should().ContainSingle();
        responses.Count(r => r.Decision == "NO_ACTION").Should().Be(7);
        (await world.Ask("lock"))!["tokenHash"]!.GetValue<string>().Should().Be(LockToken.Hash(winners[0].LockId));
    }

    [Fact]
    public async Task A_lock_taken_whose_answer_was_lost_is_reentered_by_the_retry_inside_the_call()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.ResetAfterForward, RequestMatch.Target("DynamoDB_20120810.UpdateItem"), times: 1);

        var response = await world.DecideThroughAsync(proxy, AlarmFailover);

        response.Decision.Should().Be("FAILOVER");
        response.LockId.Should().NotBeNullOrEmpty().And.NotContain("exec-1");
        proxy.ForwardedCount(RequestMatch.Target("DynamoDB_20120810.UpdateItem")).Should().Be(2);
    }

    [Fact]
    public async Task A_lock_write_turned_away_as_a_replicated_write_conflict_is_retried_inside_the_call_and_takes_the_lock()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.Status(400, ReplicatedWriteConflict), LockWrite, times: 1);

        var response = await world.DecideThroughAsync(proxy, AlarmFailover);

        response.Decision.Should().Be("FAILOVER", response.Reason);
        response.LockId.Should().NotBeNullOrEmpty().And.NotContain("exec-1");
        proxy.Requests.Count(e => LockWrite(e.Request)).Should().Be(2, "the conflicting attempt, then the one that passed");
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
    }

    [Fact]
    public async Task A_replicated_write_conflict_lost_to_the_other_regions_lock_converges_on_no_action()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        using var proxy = new FaultProxy(moto.Url);
        // The failback in the other region wins the race: its lock lands while this write is turned away.
        proxy.Inject(Fault.Status(400, ReplicatedWriteConflict), LockWrite, times: 1);
        proxy.Inject(Fault.BeforeForward(async () => await world.Ask("put-lock",
            $$"""{"owner":"exec-failback","action":"failback","leaseExpiresAt":{{DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds()}}}""")),
            LockWrite, times: 1);

        var response = await world.DecideThroughAsync(proxy, AlarmFailover);

        response.Decision.Should().Be("NO_ACTION");
        response.Reason.Should().Contain("another execution took the lock");
        response.LockId.Should().BeEmpty();
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-failback");
    }

    [Fact]
    public async Task A_lock_write_that_conflicts_on_every_attempt_is_a_transient_error_the_workflow_may_retry()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.Status(400, ReplicatedWriteConflict), LockWrite);

        var act = () => world.DecideThroughAsync(proxy, AlarmFailover);

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be(ErrorTypes.AwsThrottled, error.Message);
        ErrorTypes.All[error.ErrorType].Category.Should().Be(ErrorCategory.Transient);
        error.Message.Should().Contain("ReplicatedWriteConflictException");
        proxy.Requests.Count(e => LockWrite(e.Request)).Should().Be(2, "every attempt the retry policy allows");
        (await world.Ask("lock")).Should().BeNull();
        proxy.ClearFaults();
        var retried = await world.DecideThroughAsync(proxy, AlarmFailover);
        retried.Decision.Should().Be("FAILOVER");
    }

    [Fact]
    public async Task A_retried_decide_of_the_same_execution_keeps_one_record_and_its_lock()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);

        await world.DecideAsync(AlarmFailover);
        var again = await world.DecideAsync(AlarmFailover);

        again.Decision.Should().Be("FAILOVER");
        again.LockId.Should().NotBeNullOrEmpty().And.NotContain("exec-1");
        (await world.Ask("decisions"))!.AsArray().Should().ContainSingle();
    }

    /// decide's first attempt took the lock and its answer was lost; the retry finds the primary healthy again and does not act.
    [Fact]
    public async Task A_retried_decide_that_does_not_act_gives_back_the_lock_its_first_attempt_took()
    {
        var world = await World.ArrangeAsync(moto);
        var lease = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
        await world.Ask("put-lock", $$"""{"owner":"exec-retried","tokenHash":"{{LockToken.Hash(world.TokenOf("exec-retried"))}}","action":"failover","leaseExpiresAt":{{lease}}}""");

        var response = await world.DecideAsync("""{"action":"failover","source":"alarm","executionId":"exec-retried"}""");

        response.Decision.Should().Be("NO_ACTION");
        response.LockId.Should().BeEmpty();
        (await world.Ask("lock")).Should().BeNull();
    }
}
