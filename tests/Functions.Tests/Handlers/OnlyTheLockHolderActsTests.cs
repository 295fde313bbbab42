using Failover.Functions.Aws;
using Failover.Functions.Runtime;
using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Handlers;

/// Only the workflow moves traffic: the functions that act refuse any request without the token of the lock held for its action,
/// and decide acts only for a running execution of this stack's workflow, telling the operators' entry point from the triggers'
/// by asking Step Functions, never the input.
[Collection("moto")]
public sealed class OnlyTheLockHolderActsTests(MotoServer moto)
{
    private static async Task<World> WithPrimaryAlarmFiring(MotoServer moto)
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("alarm-state", world.Alarms[0], "ALARM");
        return world;
    }

    [Theory]
    [InlineData("""{"action":"failover"}""")]
    [InlineData("""{"action":"failover","lockId":""}""")]
    [InlineData("""{"action":"failover","lockId":"a guess"}""")]
    public async Task Shift_traffic_invoked_directly_without_the_runs_token_moves_no_gate(string request)
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("hold-lock", "failover", LockToken.Hash(Guid.NewGuid().ToString()));

        var act = () => world.InvokeAsync("shift-traffic", request);

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.LockNotHeld);
        (await world.Ask("gate", world.Gate))!["inverted"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task The_execution_id_that_every_notice_prints_is_no_token()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.InvokeAsync("decide", """{"action":"failover","source":"alarm","executionId":"exec-1"}""");
        var owner = (await world.Ask("lock"))!["owner"]!.GetValue<string>();

        var act = () => world.InvokeAsync("shift-traffic", $$"""{"action":"failover","lockId":"{{owner}}"}""");

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.LockNotHeld);
        (await world.Ask("gate", world.Gate))!["inverted"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task The_token_decide_gave_the_run_moves_the_gate()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        var decided = await world.InvokeAsync("decide", """{"action":"failover","source":"alarm","executionId":"exec-1"}""");

        var response = await world.InvokeAsync("shift-traffic", $$"""{"action":"failover","lockId":"{{decided["lockId"]}}"}""");

        response["shifted"]!.GetValue<bool>().Should().BeTrue();
        (await world.Ask("gate", world.Gate))!["inverted"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_drills_token_cannot_fail_over()
    {
        var world = await World.ArrangeAsync(moto);
        var decided = await world.InvokeAsync("decide", """{"action":"drill","source":"ops","executionId":"drill-1"}""");
        decided["decision"]!.GetValue<string>().Should().Be("DRILL");

        var act = () => world.InvokeAsync("shift-traffic", $$"""{"action":"failover","lockId":"{{decided["lockId"]}}"}""");

        (await act.Should().ThrowAsync<FunctionException>()).Which.Message.Should().Contain("taken for 'drill', not failover");
        (await world.Ask("gate", world.Gate))!["inverted"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task Scale_service_invoked_directly_without_the_token_scales_nothing()
    {
        var world = await World.ArrangeAsync(moto);

        var act = () => world.InvokeAsync("scale-service", """{"action":"failback","size":"standby","lockId":"forged"}""");

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.LockNotHeld);
        (await world.Ask("service"))!["desired"]!.GetValue<int>().Should().Be(1);
    }

    [Fact]
    public async Task Decide_invoked_directly_with_no_execution_of_the_workflow_refuses_and_writes_nothing()
    {
        var world = await WithPrimaryAlarmFiring(moto);

        var act = () => world.InvokeAsync("decide",
            """{"action":"drill","source":"x","force":true,"executionId":"arn:aws:states:us-west-2:123456789012:execution:failover-secondary-failover:never-started"}""");

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.NotAWorkflowRun);
        (await world.Ask("lock")).Should().BeNull();
        (await world.Ask("decisions"))!.AsArray().Should().BeEmpty();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Naming_a_running_run_that_holds_the_lock_neither_takes_it_nor_gives_it_back(bool primaryDown)
    {
        var world = primaryDown ? await WithPrimaryAlarmFiring(moto) : await World.ArrangeAsync(moto);
        if (!primaryDown) await world.Ask("alarm-state", world.Alarms[0], "ALARM");
        var decided = await world.InvokeAsync("decide", """{"action":"failover","source":"alarm","executionId":"holder"}""");
        decided["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        var held = (await world.Ask("lock"))!.ToJsonString();
        if (!primaryDown) await world.Ask("alarm-state", world.Alarms[0], "OK");

        // A direct invocation naming that run with a token of its own: it would re-take the lock (the primary down) or give it back
        // as the run's own (the primary healthy again), were naming the run enough.
        var forged = await world.InvokeAsync("decide",
            $$"""{"action":"failover","source":"x","executionId":"{{await world.ExecutionAsync("holder")}}","lockId":"a token of my own"}""");

        forged["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        forged["lockId"]!.GetValue<string>().Should().BeEmpty();
        (await world.Ask("lock"))!.ToJsonString().Should().Be(held);
    }

    [Fact]
    public async Task Decide_for_an_execution_that_has_ended_refuses()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        var ended = await world.ExecutionAsync("ended");
        await world.StopAsync(ended);

        var act = () => world.InvokeAsync("decide", $$"""{"action":"failover","source":"x","executionId":"{{ended}}"}""");

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.NotAWorkflowRun);
        (await world.Ask("lock")).Should().BeNull();
    }

    [Fact]
    public async Task A_trigger_start_never_forces_a_healthy_primary_whatever_its_input_says()
    {
        var world = await World.ArrangeAsync(moto);
        var run = await world.ExecutionAsync("forged", "trigger");

        var response = await world.InvokeAsync("decide", $$"""{"action":"failover","source":"alice","force":true,"unattended":false,"executionId":"{{run}}"}""");

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["entry"]!.GetValue<string>().Should().Be("trigger");
        response["claims"]!.AsArray().Should().Contain(c => c!["claim"]!.GetValue<string>() == "force" && c["status"]!.GetValue<string>() == "refused");
        (await world.Ask("lock")).Should().BeNull();
    }

    [Fact]
    public async Task A_trigger_start_claiming_force_does_not_act_where_an_operators_force_would()
    {
        // No evidence at all: an operator's force acts here ("the region is dark, act anyway"), a trigger's claim of it must not.
        var world = await World.ArrangeAsync(moto);
        var dark = new Dictionary<string, string> { ["PRIMARY_ALARM_NAMES"] = "", ["PRIMARY_ENDPOINT_HEALTH_CHECK_ID"] = "" };
        var run = await world.ExecutionAsync("forged-force", "trigger");

        var response = await world.InvokeAsync("decide", $$"""{"action":"failover","source":"alice","force":true,"executionId":"{{run}}"}""", dark);

        response["health"]!["status"]!.GetValue<string>().Should().Be("UNKNOWN");
        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        (await world.Ask("lock")).Should().BeNull();
        var forced = await world.InvokeAsync("decide", """{"action":"failover","source":"alice","force":true,"executionId":"op-dark"}""", dark);
        forced["decision"]!.GetValue<string>().Should().Be("FAILOVER", "the same request through the operators' entry point forces");
    }

    [Fact]
    public async Task An_operator_start_may_force_and_the_record_says_it_was_verified()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.InvokeAsync("decide", """{"action":"failover","source":"alice","force":true,"executionId":"op-1"}""");

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["entry"]!.GetValue<string>().Should().Be("operator");
        var record = (await world.Ask("decisions"))!.AsArray().Should().ContainSingle().Subject!;
        record["entry"]!.GetValue<string>().Should().Be("operator");
        record["claims"]!.GetValue<string>().Should().Contain("\"claim\":\"force\",\"status\":\"verified\"");
    }

    [Fact]
    public async Task The_token_is_in_no_record_and_only_its_hash_is_in_the_table()
    {
        var world = await WithPrimaryAlarmFiring(moto);

        var decided = await world.InvokeAsync("decide", """{"action":"failover","source":"alarm","executionId":"exec-1"}""");

        var token = decided["lockId"]!.GetValue<string>();
        (await world.Ask("decisions"))!.ToJsonString().Should().NotContain(token);
        var state = (await world.Ask("item", "state"))!.ToJsonString();
        state.Should().NotContain(token).And.Contain(LockToken.Hash(token));
    }

    [Fact]
    public async Task A_lock_whose_run_has_ended_does_not_block_a_failover_and_an_alert_says_so()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        var lease = DateTimeOffset.UtcNow.AddHours(40).ToUnixTimeSeconds();
        await world.Ask("put-lock", $$"""{"owner":"crashed","tokenHash":"h","action":"failover","leaseExpiresAt":{{lease}}}""");
        await world.StopAsync((await world.Ask("lock"))!["owner"]!.GetValue<string>());

        var response = await world.InvokeAsync("decide", """{"action":"failover","source":"alarm","executionId":"exec-1"}""");

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["alert"]!.GetValue<bool>().Should().BeTrue();
        response["reason"]!.GetValue<string>().Should().Contain("is no lock (its execution has ended ('ABORTED')): taken over");
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
    }

    [Fact]
    public async Task A_hand_written_lock_of_no_execution_does_not_block_a_failover()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        var lease = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
        await world.Ask("put-item", $$"""{"pk":"state","lockOwner":"someone","lockTokenHash":"h","lockAction":"failover","lockLeaseExpiresAt":{{lease}}}""");

        var response = await world.InvokeAsync("decide", """{"action":"failover","source":"alarm","executionId":"exec-1"}""");

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["reason"]!.GetValue<string>().Should().Contain("its owner is no execution of these stacks' workflows");
        response["alert"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_lease_further_ahead_than_the_longest_phase_is_no_lock_even_when_its_run_is_alive()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        var lease = DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds();
        await world.Ask("put-lock", $$"""{"owner":"alive","tokenHash":"h","action":"failover","leaseExpiresAt":{{lease}}}""");

        var response = await world.InvokeAsync("decide", """{"action":"failover","source":"alarm","executionId":"exec-1"}""",
            new() { ["LOCK_MAX_LEASE_SECONDS"] = "2040" });

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["reason"]!.GetValue<string>().Should().Contain("the lock in the control table is unreadable");
        response["alert"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_lock_held_by_a_running_execution_within_its_phase_still_holds()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        var lease = DateTimeOffset.UtcNow.AddMinutes(20).ToUnixTimeSeconds();
        await world.Ask("put-lock", $$"""{"owner":"alive","tokenHash":"h","action":"failover","leaseExpiresAt":{{lease}}}""");

        var response = await world.InvokeAsync("decide", """{"action":"failover","source":"alarm","executionId":"exec-1"}""",
            new() { ["LOCK_MAX_LEASE_SECONDS"] = "2040" });

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["reason"]!.GetValue<string>().Should().StartWith("another execution holds the lock, with the primary UNHEALTHY");
        response["alert"]!.GetValue<bool>().Should().BeTrue();
    }
}
