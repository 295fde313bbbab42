using Failover.Functions.Runtime;
using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Handlers;

[Collection("moto")]
public sealed class ReleaseLockTests(MotoServer moto)
{
    /// The world after decide took the lock for a failover, and the token it gave the run (the only way to renew or release it).
    private static async Task<(World World, string Token)> AfterAFailoverDecision(MotoServer moto)
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("alarm-state", world.Alarms[0], "ALARM");
        var decided = await world.InvokeAsync("decide", """{"action":"failover","source":"alarm","executionId":"exec-1"}""");
        var token = decided["lockId"]!.GetValue<string>();
        token.Should().NotBeNullOrEmpty().And.NotContain("exec-1");
        return (world, token);
    }

    [Fact]
    public async Task A_successful_failover_records_the_new_active_region_and_releases_the_lock()
    {
        var (world, token) = await AfterAFailoverDecision(moto);

        var response = await world.InvokeAsync("release-lock", $$"""{"lockId":"{{token}}","executionId":"exec-1","action":"failover","outcome":"SUCCEEDED"}""");

        response["released"]!.GetValue<bool>().Should().BeTrue();
        response["stateRecorded"]!.GetValue<bool>().Should().BeTrue();
        response["activeRegion"]!.GetValue<string>().Should().Be("us-west-2");
        response["epoch"]!.GetValue<long>().Should().Be(1);
        (await world.Ask("lock")).Should().BeNull();
        var state = (await world.Ask("item", "state"))!;
        state["activeRegion"]!.GetValue<string>().Should().Be("us-west-2");
        state["epoch"]!.GetValue<long>().Should().Be(1);
    }

    [Fact]
    public async Task After_a_recorded_failover_the_next_decision_sees_it_already_done()
    {
        var (world, token) = await AfterAFailoverDecision(moto);
        await world.InvokeAsync("release-lock", $$"""{"lockId":"{{token}}","executionId":"exec-1","action":"failover","outcome":"SUCCEEDED"}""");

        var next = await world.InvokeAsync("decide", """{"action":"failover","source":"alarm","executionId":"exec-2"}""");

        next["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        // The cooldown has started too; the reason must be the recorded state, not the clock.
        next["reason"]!.GetValue<string>().Should().Contain("already failed over");
        (await world.Ask("lock")).Should().BeNull();
    }

    [Fact]
    public async Task A_failed_run_releases_the_lock_without_recording_a_transition()
    {
        var (world, token) = await AfterAFailoverDecision(moto);

        var response = await world.InvokeAsync("release-lock", $$"""{"lockId":"{{token}}","executionId":"exec-1","action":"failover","outcome":"FAILED"}""");

        response["released"]!.GetValue<bool>().Should().BeTrue();
        response["stateRecorded"]!.GetValue<bool>().Should().BeFalse();
        (await world.Ask("lock")).Should().BeNull();
        var state = (await world.Ask("item", "state"))!;
        state["activeRegion"].Should().BeNull();
        state["epoch"].Should().BeNull();
        state["lastTransitionAt"].Should().BeNull();
    }

    [Fact]
    public async Task A_caller_that_does_not_own_the_lock_records_no_transition_and_says_why()
    {
        var (world, token) = await AfterAFailoverDecision(moto);
        var before = await world.Ask("item", "state");

        var response = await world.InvokeAsync("release-lock", """{"lockId":"intruder","executionId":"exec-9","action":"failback","outcome":"SUCCEEDED"}""");

        response["released"]!.GetValue<bool>().Should().BeFalse();
        response["stateRecorded"]!.GetValue<bool>().Should().BeFalse();
        response["epoch"]!.GetValue<long>().Should().Be(0);
        response["reason"]!.GetValue<string>().Should().Contain(":exec-1'").And.Contain("nothing changed");
        // No active region, no epoch, no cooldown start: the item is exactly as it was.
        (await world.Ask("item", "state"))!.ToJsonString().Should().Be(before!.ToJsonString());
    }

    [Fact]
    public async Task With_no_lock_held_a_release_changes_nothing_and_says_so()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.InvokeAsync("release-lock", """{"lockId":"exec-1","executionId":"exec-1","action":"failover","outcome":"SUCCEEDED"}""");

        response["released"]!.GetValue<bool>().Should().BeFalse();
        response["reason"]!.GetValue<string>().Should().Contain("no lock is held");
        (await world.Ask("item", "state")).Should().BeNull();
    }

    [Fact]
    public async Task A_repeated_successful_release_records_the_transition_once()
    {
        var (world, token) = await AfterAFailoverDecision(moto);
        var release = $$"""{"lockId":"{{token}}","executionId":"exec-1","action":"failover","outcome":"SUCCEEDED"}""";
        var first = await world.InvokeAsync("release-lock", release);
        var recorded = (await world.Ask("item", "state"))!.ToJsonString();
        await Task.Delay(1100); // a second call in a later second would move lastTransitionAt if it recorded anything

        var again = await world.InvokeAsync("release-lock", release);

        again["released"]!.GetValue<bool>().Should().BeTrue();
        again["stateRecorded"]!.GetValue<bool>().Should().BeTrue();
        again["epoch"]!.GetValue<long>().Should().Be(first["epoch"]!.GetValue<long>()).And.Be(1);
        again["activeRegion"]!.GetValue<string>().Should().Be("us-west-2");
        again["reason"]!.GetValue<string>().Should().Contain("already released");
        (await world.Ask("item", "state"))!.ToJsonString().Should().Be(recorded);
    }

    [Fact]
    public async Task A_repeated_failed_release_answers_as_the_first_did()
    {
        var (world, token) = await AfterAFailoverDecision(moto);
        var release = $$"""{"lockId":"{{token}}","executionId":"exec-1","action":"failover","outcome":"FAILED"}""";
        await world.InvokeAsync("release-lock", release);

        var again = await world.InvokeAsync("release-lock", release);

        again["released"]!.GetValue<bool>().Should().BeTrue();
        again["stateRecorded"]!.GetValue<bool>().Should().BeFalse();
        (await world.Ask("item", "state"))!["epoch"].Should().BeNull();
    }

    [Fact]
    public async Task A_drill_that_succeeded_releases_without_recording_a_transition()
    {
        var world = await World.ArrangeAsync(moto);
        var decided = await world.InvokeAsync("decide", """{"action":"drill","source":"ops","executionId":"drill-1"}""");
        decided["decision"]!.GetValue<string>().Should().Be("DRILL");

        var response = await world.InvokeAsync("release-lock", $$"""{"lockId":"{{decided["lockId"]}}","executionId":"drill-1","action":"drill","outcome":"SUCCEEDED"}""");

        response["released"]!.GetValue<bool>().Should().BeTrue();
        response["stateRecorded"]!.GetValue<bool>().Should().BeFalse();
        (await world.Ask("item", "state"))!["activeRegion"].Should().BeNull();
    }

    [Fact]
    public async Task A_renewal_by_the_owner_moves_the_lease_to_cover_the_next_phase_and_keeps_the_lock()
    {
        var (world, token) = await AfterAFailoverDecision(moto);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var response = await world.InvokeAsync("release-lock", $$"""{"lockId":"{{token}}","executionId":"exec-1","action":"failover","outcome":"RENEW","leaseSeconds":600}""");

        response["released"]!.GetValue<bool>().Should().BeFalse();
        response["stateRecorded"]!.GetValue<bool>().Should().BeFalse();
        response["reason"]!.GetValue<string>().Should().StartWith("lease renewed until ");
        var held = (await world.Ask("lock"))!;
        held["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
        held["leaseExpiresAt"]!.GetValue<long>().Should().BeInRange(before + 600, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 600);
    }

    [Fact]
    public async Task A_renewal_shortens_a_lease_too_so_a_run_that_dies_frees_the_lock_within_its_phase()
    {
        var (world, token) = await AfterAFailoverDecision(moto);
        var firstLease = (await world.Ask("lock"))!["leaseExpiresAt"]!.GetValue<long>();

        await world.InvokeAsync("release-lock", $$"""{"lockId":"{{token}}","executionId":"exec-1","action":"failover","outcome":"RENEW","leaseSeconds":60}""");

        (await world.Ask("lock"))!["leaseExpiresAt"]!.GetValue<long>().Should().BeLessThan(firstLease);
    }

    [Fact]
    public async Task A_run_whose_lock_was_taken_over_is_told_LockLost_and_the_other_lock_stays()
    {
        var (world, token) = await AfterAFailoverDecision(moto);
        var lease = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
        await world.Ask("put-lock", $$"""{"owner":"exec-other","action":"failover","leaseExpiresAt":{{lease}}}""");

        var act = () => world.InvokeAsync("release-lock", $$"""{"lockId":"{{token}}","executionId":"exec-1","action":"failover","outcome":"RENEW","leaseSeconds":600}""");

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be(ErrorTypes.LockLost);
        error.Message.Should().Contain("no longer held with this run's token").And.Contain("nothing was changed").And.NotContain(token);
        var held = (await world.Ask("lock"))!;
        held["owner"]!.GetValue<string>().Should().EndWith(":exec-other");
        held["leaseExpiresAt"]!.GetValue<long>().Should().Be(lease);
    }

    [Fact]
    public async Task A_renewal_after_the_lock_was_released_is_LockLost_and_takes_nothing()
    {
        var (world, token) = await AfterAFailoverDecision(moto);
        await world.InvokeAsync("release-lock", $$"""{"lockId":"{{token}}","executionId":"exec-1","action":"failover","outcome":"FAILED"}""");

        var act = () => world.InvokeAsync("release-lock", $$"""{"lockId":"{{token}}","executionId":"exec-1","action":"failover","outcome":"RENEW","leaseSeconds":600}""");

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.LockLost);
        (await world.Ask("lock")).Should().BeNull();
    }

    [Fact]
    public async Task A_renewal_for_another_action_than_the_lock_was_taken_for_is_LockLost()
    {
        var (world, token) = await AfterAFailoverDecision(moto);

        var act = () => world.InvokeAsync("release-lock", $$"""{"lockId":"{{token}}","executionId":"exec-1","action":"drill","outcome":"RENEW","leaseSeconds":600}""");

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.LockLost);
    }

    [Theory]
    [InlineData("")]
    [InlineData(",\"leaseSeconds\":59")]
    [InlineData(",\"leaseSeconds\":86401")]
    public async Task A_renewal_without_a_lease_from_a_minute_to_a_day_is_refused_and_changes_nothing(string lease)
    {
        var (world, token) = await AfterAFailoverDecision(moto);
        var before = (await world.Ask("lock"))!.ToJsonString();

        var act = () => world.InvokeAsync("release-lock", $$"""{"lockId":"{{token}}","executionId":"exec-1","action":"failover","outcome":"RENEW"{{lease}}}""");

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be(ErrorTypes.InvalidInput);
        error.Message.Should().Contain("leaseSeconds");
        (await world.Ask("lock"))!.ToJsonString().Should().Be(before);
    }

    [Fact]
    public async Task A_lock_id_over_the_limit_is_refused_before_any_call()
    {
        var (world, token) = await AfterAFailoverDecision(moto);
        var huge = new string('x', 100_000);

        var act = () => world.InvokeAsync("release-lock", $$"""{"lockId":"{{huge}}","executionId":"exec-1","action":"failover","outcome":"SUCCEEDED"}""");

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be(ErrorTypes.InvalidInput);
        error.Message.Length.Should().BeLessThan(300);
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
    }

    [Fact]
    public async Task A_release_whose_answer_was_lost_is_retried_inside_the_call_and_records_once()
    {
        var (world, token) = await AfterAFailoverDecision(moto);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.ResetAfterForward, RequestMatch.Target("DynamoDB_20120810.UpdateItem"), times: 1);

        var response = await world.InvokeThroughAsync(proxy, "release-lock", $$"""{"lockId":"{{token}}","executionId":"exec-1","action":"failover","outcome":"SUCCEEDED"}""");

        response["released"]!.GetValue<bool>().Should().BeTrue();
        response["stateRecorded"]!.GetValue<bool>().Should().BeTrue();
        response["epoch"]!.GetValue<long>().Should().Be(1);
        (await world.Ask("item", "state"))!["epoch"]!.GetValue<long>().Should().Be(1);
    }

    [Fact]
    public async Task A_lock_taken_for_a_drill_cannot_record_a_failover()
    {
        var world = await World.ArrangeAsync(moto);
        var decided = await world.InvokeAsync("decide", """{"action":"drill","source":"ops","executionId":"drill-1"}""");

        var response = await world.InvokeAsync("release-lock", $$"""{"lockId":"{{decided["lockId"]}}","executionId":"drill-1","action":"failover","outcome":"SUCCEEDED"}""");

        response["released"]!.GetValue<bool>().Should().BeFalse();
        response["reason"]!.GetValue<string>().Should().Contain("taken for 'drill'");
        (await world.Ask("item", "state"))!["activeRegion"].Should().BeNull();
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":drill-1");
    }

    [Fact]
    public async Task The_execution_id_alone_releases_nothing_the_token_is_what_holds_the_lock()
    {
        var (world, token) = await AfterAFailoverDecision(moto);
        var owner = (await world.Ask("lock"))!["owner"]!.GetValue<string>();

        var response = await world.InvokeAsync("release-lock", $$"""{"lockId":"{{owner}}","executionId":"{{owner}}","action":"failover","outcome":"SUCCEEDED"}""");

        response["released"]!.GetValue<bool>().Should().BeFalse();
        (await world.Ask("item", "state"))!["activeRegion"].Should().BeNull();
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().Be(owner);
    }

    [Fact]
    public async Task A_release_without_a_token_is_refused_and_changes_nothing()
    {
        var (world, token) = await AfterAFailoverDecision(moto);
        var before = (await world.Ask("item", "state"))!.ToJsonString();

        var act = () => world.InvokeAsync("release-lock", """{"lockId":"","executionId":"exec-1","action":"failover","outcome":"FAILED"}""");

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.InvalidInput);
        (await world.Ask("item", "state"))!.ToJsonString().Should().Be(before);
    }

    [Fact]
    public async Task Another_executions_lock_is_not_released()
    {
        var (world, token) = await AfterAFailoverDecision(moto);

        var response = await world.InvokeAsync("release-lock", """{"lockId":"exec-9","executionId":"exec-9","action":"failover","outcome":"FAILED"}""");

        response["released"]!.GetValue<bool>().Should().BeFalse();
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
    }
}
