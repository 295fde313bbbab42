using Failover.Functions.Aws;
using System.Text.Json.Nodes;
using Failover.Functions.Runtime;
using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Handlers;

[Collection("moto")]
public sealed class DecideTests(MotoServer moto)
{
    private const string Failover = """{"action":"failover","source":"alarm","executionId":"exec-1"}""";

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private static async Task<World> WithPrimaryAlarmFiring(MotoServer moto)
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("alarm-state", world.Alarms[0], "ALARM");
        return world;
    }

    [Fact]
    public async Task An_unhealthy_primary_with_flag_auto_fails_over_and_takes_the_lock()
    {
        var world = await WithPrimaryAlarmFiring(moto);

        var response = await world.InvokeAsync("decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["lockId"]!.GetValue<string>().Should().NotBeNullOrEmpty().And.NotContain("exec-1");
        response["health"]!["status"]!.GetValue<string>().Should().Be("UNHEALTHY");
        response["flag"]!["mode"]!.GetValue<string>().Should().Be("auto");
        response["flag"]!["source"]!.GetValue<string>().Should().Be("default");
        var lockItem = (await world.Ask("lock"))!;
        lockItem["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
        lockItem["action"]!.GetValue<string>().Should().Be("failover");
    }

    [Theory]
    [InlineData("auto", false)]
    [InlineData("force", false)]
    [InlineData("auto", true)]
    public async Task A_drill_during_an_outage_takes_no_lock_so_the_failover_can(string flag, bool forceRequested)
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.Ask("put-item", $$"""{"pk":"flag","mode":"{{flag}}"}""");

        var drill = await world.InvokeAsync("decide", $$"""{"action":"drill","source":"game-day","executionId":"drill-1","force":{{(forceRequested ? "true" : "false")}}}""");

        drill["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        drill["reason"]!.GetValue<string>().Should().Contain("the primary is unhealthy: not drilling");
        drill["alert"]!.GetValue<bool>().Should().BeTrue();
        drill["lockId"]!.GetValue<string>().Should().BeEmpty();
        (await world.Ask("lock")).Should().BeNull();
        var failover = await world.InvokeAsync("decide", """{"action":"failover","source":"alarm","executionId":"exec-1"}""");
        failover["decision"]!.GetValue<string>().Should().Be("FAILOVER");
    }

    [Fact]
    public async Task Every_decision_is_recorded_with_its_evidence_and_a_ttl()
    {
        var world = await WithPrimaryAlarmFiring(moto);

        await world.InvokeAsync("decide", Failover);

        var record = (await world.Ask("decisions"))!.AsArray().Should().ContainSingle().Subject!;
        record["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        record["source"]!.GetValue<string>().Should().Be("alarm");
        record["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
        record["evidence"]!.GetValue<string>().Should().Contain("failover-primary-healthy-hosts");
        record["ttl"]!.GetValue<long>().Should().BeGreaterThan(DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_healthy_primary_with_flag_auto_is_left_alone_and_no_lock_is_taken()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.InvokeAsync("decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["health"]!["status"]!.GetValue<string>().Should().Be("HEALTHY");
        response["lockId"]!.GetValue<string>().Should().BeEmpty();
        (await world.Ask("lock")).Should().BeNull();
        (await world.Ask("decisions"))!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public async Task A_block_override_stops_a_failover_and_says_who_set_it()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.Ask("put-item", $$"""{"pk":"flag","mode":"block","reason":"migration","setBy":"alice","expiresAt":"{{Iso(DateTimeOffset.UtcNow.AddHours(1))}}"}""");

        var response = await world.InvokeAsync("decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("BLOCKED");
        response["flag"]!["source"]!.GetValue<string>().Should().Be("override");
        response["flag"]!["setBy"]!.GetValue<string>().Should().Be("alice");
        response["flag"]!["reason"]!.GetValue<string>().Should().Be("migration");
        (await world.Ask("lock")).Should().BeNull();
    }

    [Fact]
    public async Task An_expired_override_falls_back_to_the_configured_default()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.Ask("put-item", $$"""{"pk":"flag","mode":"block","setBy":"alice","expiresAt":"{{Iso(DateTimeOffset.UtcNow.AddHours(-1))}}"}""");

        var response = await world.InvokeAsync("decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["flag"]!["source"]!.GetValue<string>().Should().Be("default");
        response["reason"]!.GetValue<string>().Should().Contain("expired");
    }

    [Fact]
    public async Task The_seed_value_false_in_configuration_means_block()
    {
        var world = await WithPrimaryAlarmFiring(moto);

        var response = await world.InvokeAsync("decide", Failover, new() { ["DEFAULT_FLAG"] = "false" });

        response["decision"]!.GetValue<string>().Should().Be("BLOCKED");
        response["flag"]!["mode"]!.GetValue<string>().Should().Be("block");
    }

    [Fact]
    public async Task A_force_override_fails_over_a_healthy_primary()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("put-item", """{"pk":"flag","mode":"force","setBy":"bob"}""");

        var response = await world.InvokeAsync("decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["health"]!["status"]!.GetValue<string>().Should().Be("HEALTHY");
    }

    [Fact]
    public async Task A_triggering_alarm_event_its_live_state_confirms_counts_as_evidence_and_is_recorded_verified()
    {
        var world = await WithPrimaryAlarmFiring(moto);

        var response = await world.InvokeAsync("decide",
            """{"action":"failover","source":"eventbridge","executionId":"exec-2","alarm":{"alarmName":"failover-primary-healthy-hosts","state":{"value":"ALARM"}}}""");

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["health"]!["evidence"]!.AsArray().Should().Contain(e => e!["source"]!.GetValue<string>() == "trigger" && e["verdict"]!.GetValue<string>() == "UNHEALTHY");
        response["claims"]!.AsArray().Should().Contain(c => c!["claim"]!.GetValue<string>() == "alarm" && c["status"]!.GetValue<string>() == "verified");
    }

    [Fact]
    public async Task An_alarm_event_its_live_state_denies_counts_for_nothing_and_an_operator_start_does_not_fail_over_on_it()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.InvokeAsync("decide",
            """{"action":"failover","source":"eventbridge","executionId":"exec-2","alarm":{"alarmName":"failover-primary-healthy-hosts","state":{"value":"ALARM"}}}""");

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["health"]!["status"]!.GetValue<string>().Should().Be("HEALTHY");
        response["health"]!["evidence"]!.AsArray().Should().Contain(e => e!["source"]!.GetValue<string>() == "trigger" && e["verdict"]!.GetValue<string>() == "UNKNOWN"
            && e["detail"]!.GetValue<string>().Contains("unverified (it is OK when read now)"));
        (await world.Ask("lock")).Should().BeNull();
    }

    [Fact]
    public async Task A_triggering_alarm_state_older_than_the_trigger_age_does_not_count()
    {
        var world = await World.ArrangeAsync(moto);
        var since = DateTimeOffset.UtcNow.AddSeconds(-TriggerContract.MaxAlarmAgeSeconds - 60).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'");

        var response = await world.InvokeAsync("decide",
            $$$$"""{"action":"failover","source":"alarm","unattended":true,"executionId":"exec-late","alarm":{"alarmName":"failover-primary-running-tasks","state":{"value":"ALARM","timestamp":"{{{{since}}}}"}}}""");

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION", "the live sources see a healthy primary");
        response["health"]!["evidence"]!.AsArray().Should().Contain(e => e!["source"]!.GetValue<string>() == "trigger"
            && e["verdict"]!.GetValue<string>() == "UNKNOWN" && e["detail"]!.GetValue<string>().Contains("too old to count"));
    }

    /// The event is newer than the alarm state read live (moto's alarms were arranged before it): it counts, and alone it is
    /// one source, which an unattended failover does not act on (no direct probe here to confirm it).
    [Fact]
    public async Task A_fresh_triggering_alarm_state_in_cloudwatchs_own_time_format_counts_but_alone_does_not_fail_over_unattended()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        var since = DateTimeOffset.UtcNow.AddSeconds(1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'");

        var response = await world.InvokeAsync("decide",
            $$$$"""{"action":"failover","source":"alarm","unattended":true,"executionId":"exec-fresh","alarm":{"alarmName":"failover-primary-healthy-hosts","state":{"value":"ALARM","timestamp":"{{{{since}}}}"}}}""");

        response["health"]!["evidence"]!.AsArray().Should().Contain(e => e!["source"]!.GetValue<string>() == "trigger" && e["verdict"]!.GetValue<string>() == "UNHEALTHY");
        response["health"]!["status"]!.GetValue<string>().Should().Be("UNHEALTHY");
        response["health"]!["confirmed"]!.GetValue<bool>().Should().BeFalse();
        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["alert"]!.GetValue<bool>().Should().BeTrue();
        response["reason"]!.GetValue<string>().Should().Contain("no second confirms it");
    }

    /// The alarm went back to OK (moto's state, set after the event's time) while its ALARM event was being retried.
    [Fact]
    public async Task A_triggering_alarm_state_superseded_by_a_later_live_state_does_not_count()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-30).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'");
        var world = await World.ArrangeAsync(moto);

        var response = await world.InvokeAsync("decide",
            $$$$"""{"action":"failover","source":"alarm","unattended":true,"executionId":"exec-superseded","alarm":{"alarmName":"failover-primary-healthy-hosts","state":{"value":"ALARM","timestamp":"{{{{before}}}}"}}}""");

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["health"]!["evidence"]!.AsArray().Should().Contain(e => e!["source"]!.GetValue<string>() == "trigger"
            && e["verdict"]!.GetValue<string>() == "UNKNOWN" && e["detail"]!.GetValue<string>().Contains("superseded"));
    }

    [Fact]
    public async Task A_triggers_alarm_state_without_a_time_does_not_count()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.InvokeAsync("decide",
            """{"action":"failover","source":"alarm","unattended":true,"executionId":"exec-untimed","alarm":{"alarmName":"failover-primary-running-tasks","state":{"value":"ALARM"}}}""");

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
    }

    [Fact]
    public async Task A_force_flag_does_not_make_a_triggers_start_fail_over_a_healthy_primary()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("put-item", """{"pk":"flag","mode":"force","setBy":"bob"}""");

        var response = await world.InvokeAsync("decide", """{"action":"failover","source":"probe","unattended":true,"executionId":"exec-probe"}""");

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["reason"]!.GetValue<string>().Should().Contain("a trigger's start does not force against a healthy primary");
        (await world.Ask("lock")).Should().BeNull("nothing was taken");
    }

    /// An unreachable CloudWatch says CloudWatch is in trouble, not the application: Route 53's checkers still decide.
    [Fact]
    public async Task An_unreachable_primary_cloudwatch_is_unknown_evidence_not_evidence_of_trouble()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.InvokeAsync("decide", Failover, new() { ["AWS_ENDPOINT_URL_CLOUDWATCH"] = $"http://127.0.0.1:{MotoServer.FreePort()}" });

        var alarms = response["health"]!["evidence"]!.AsArray().Single(e => e!["source"]!.GetValue<string>() == "primary-alarms")!;
        alarms["verdict"]!.GetValue<string>().Should().Be("UNKNOWN");
        alarms["detail"]!.GetValue<string>().Should().Contain("could not be reached");
        response["health"]!["status"]!.GetValue<string>().Should().Be("HEALTHY", "the Route 53 checkers see the endpoint healthy");
        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
    }

    [Fact]
    public async Task Alarms_answered_without_their_states_are_no_evidence_of_health()
    {
        var world = await World.ArrangeAsync(moto);
        using var cloudWatch = new RecordingEndpoint();
        cloudWatch.Then(200, $"<DescribeAlarmsResponse><DescribeAlarmsResult><MetricAlarms><member><AlarmName>{world.Alarms[0]}</AlarmName></member></MetricAlarms></DescribeAlarmsResult></DescribeAlarmsResponse>", "text/xml");

        var response = await world.InvokeAsync("decide", Failover, new() { ["AWS_ENDPOINT_URL_CLOUDWATCH"] = cloudWatch.Url, ["PRIMARY_ENDPOINT_HEALTH_CHECK_ID"] = "" });

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["alert"]!.GetValue<bool>().Should().BeTrue();
        var evidence = response["health"]!["evidence"]!.AsArray().Should().ContainSingle().Subject!;
        evidence["verdict"]!.GetValue<string>().Should().Be("UNKNOWN");
        evidence["detail"]!.GetValue<string>().Should().Contain("StateValue");
    }

    [Fact]
    public async Task Without_any_evidence_auto_does_nothing_and_raises_an_alert()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.InvokeAsync("decide", Failover, new() { ["PRIMARY_ALARM_NAMES"] = "", ["PRIMARY_ENDPOINT_HEALTH_CHECK_ID"] = "" });

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["health"]!["status"]!.GetValue<string>().Should().Be("UNKNOWN");
        response["alert"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_lock_held_by_another_execution_means_no_action()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.Ask("put-lock", $$"""{"owner":"exec-other","action":"failover","leaseExpiresAt":{{DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds()}}}""");

        var response = await world.InvokeAsync("decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["reason"]!.GetValue<string>().Should().Contain("lock");
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-other");
    }

    [Theory]
    [InlineData("""{"owner":"exec-other","action":"failover"}""")]
    [InlineData("""{"owner":"exec-other","leaseExpiresAt":"tomorrow"}""")]
    [InlineData("""{"leaseExpiresAt":4102444800}""")]
    public async Task An_unreadable_lock_is_taken_over_by_a_run_that_acts_and_raises_an_alert(string unreadable)
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.Ask("put-lock", unreadable);

        var response = await world.InvokeAsync("decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["alert"]!.GetValue<bool>().Should().BeTrue();
        response["reason"]!.GetValue<string>().Should().Contain("unreadable").And.Contain("taken over");
        var taken = (await world.Ask("lock"))!;
        taken["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
        taken["leaseExpiresAt"]!.GetValue<long>().Should().BeGreaterThan(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task An_unreadable_lock_seen_by_a_run_that_does_not_act_raises_an_alert_and_is_left()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("alarm-state", world.Alarms[0], "OK");
        await world.Ask("put-lock", """{"owner":"exec-other"}""");

        var response = await world.InvokeAsync("decide", """{"action":"failover","source":"probe","executionId":"exec-1","alarm":{"alarmName":"x","state":{"value":"OK"}}}""");

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["alert"]!.GetValue<bool>().Should().BeTrue();
        response["reason"]!.GetValue<string>().Should().Contain("unreadable");
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-other");
    }

    [Fact]
    public async Task The_requests_reason_is_kept_in_the_response_the_lock_and_the_record()
    {
        var world = await WithPrimaryAlarmFiring(moto);

        var response = await world.InvokeAsync("decide",
            """{"action":"failover","source":"alice","reason":"eu-west-1 is degraded, AWS case 123","executionId":"exec-1"}""");

        response["requestReason"]!.GetValue<string>().Should().Be("eu-west-1 is degraded, AWS case 123");
        response["source"]!.GetValue<string>().Should().Be("alice");
        (await world.Ask("lock"))!["requestReason"]!.GetValue<string>().Should().Be("eu-west-1 is degraded, AWS case 123");
        var record = (await world.Ask("decisions"))!.AsArray().Should().ContainSingle().Subject!;
        record["requestReason"]!.GetValue<string>().Should().Be("eu-west-1 is degraded, AWS case 123");
    }

    [Theory]
    [InlineData("source", 257)]
    [InlineData("reason", 1025)]
    [InlineData("executionId", 513)]
    public async Task Free_text_over_its_bound_is_refused_and_nothing_is_written(string field, int length)
    {
        var world = await WithPrimaryAlarmFiring(moto);
        var request = new JsonObject { ["action"] = "failover", ["source"] = "alarm", ["executionId"] = "exec-1" };
        request[field] = new string('x', length);

        var act = () => world.InvokeAsync("decide", request.ToJsonString());

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be(ErrorTypes.InvalidInput);
        error.Message.Should().Contain($"'{field}' is {length} characters");
        (await world.Ask("lock")).Should().BeNull();
        (await world.Ask("decisions"))!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public async Task A_huge_source_is_refused_before_it_can_orphan_the_lock()
    {
        var world = await WithPrimaryAlarmFiring(moto);

        var act = () => world.InvokeAsync("decide", $$"""{"action":"failover","source":"{{new string('s', 450_000)}}","executionId":"exec-1"}""");

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.InvalidInput);
        var next = await world.InvokeAsync("decide", """{"action":"failover","source":"alarm","executionId":"exec-2"}""");
        next["decision"]!.GetValue<string>().Should().Be("FAILOVER");
    }

    [Fact]
    public async Task When_the_decision_cannot_be_recorded_the_lock_is_given_back()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.Status(500, """{"__type":"InternalServerError","message":"injected"}"""),
            r => r.Target == "DynamoDB_20120810.PutItem" && r.Body.Contains("decision#"));

        var act = () => world.InvokeThroughAsync(proxy, "decide", Failover);

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.AwsServerError);
        proxy.ForwardedCount(r => r.Target == "DynamoDB_20120810.UpdateItem").Should().Be(2, "the lock was taken, then given back");
        (await world.Ask("lock")).Should().BeNull();
        var next = await world.InvokeAsync("decide", """{"action":"failover","source":"alarm","executionId":"exec-2"}""");
        next["decision"]!.GetValue<string>().Should().Be("FAILOVER");
    }

    [Fact]
    public async Task A_retried_decide_of_the_same_execution_keeps_one_record_and_its_lock()
    {
        var world = await WithPrimaryAlarmFiring(moto);

        await world.InvokeAsync("decide", Failover);
        var again = await world.InvokeAsync("decide", Failover);

        again["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        again["lockId"]!.GetValue<string>().Should().NotBeNullOrEmpty().And.NotContain("exec-1");
        (await world.Ask("decisions"))!.AsArray().Should().ContainSingle();
    }

    [Fact]
    public async Task With_too_little_time_to_ask_the_sources_are_unknown_not_unhealthy()
    {
        var world = await World.ArrangeAsync(moto);
        using var cloudWatch = new FaultProxy(moto.Url);

        // 4 s to the deadline leaves 2.5 s of work and 0.8 s of evidence: below the 1 s floor.
        var response = await world.InvokeAsync("decide", Failover,
            new Dictionary<string, string> { ["AWS_ENDPOINT_URL_CLOUDWATCH"] = cloudWatch.Url }, timeLeft: TimeSpan.FromSeconds(4));

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["health"]!["status"]!.GetValue<string>().Should().Be("UNKNOWN");
        response["alert"]!.GetValue<bool>().Should().BeTrue();
        cloudWatch.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("1700000000000000")] // milliseconds... of milliseconds: far beyond any time
    [InlineData("99999999999999")] // a lease in the year 3,170,000: no lease these functions wrote
    public async Task A_lease_that_is_no_time_is_unreadable_in_the_read_and_the_write_alike(string lease)
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.Ask("put-item", $$"""{"pk":"state","lockOwner":"exec-other","lockLeaseExpiresAt":{{lease}}}""");

        var response = await world.InvokeAsync("decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["alert"]!.GetValue<bool>().Should().BeTrue();
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
    }

    [Fact]
    public async Task A_lease_further_ahead_than_any_lease_written_is_unreadable_and_taken_over()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.Ask("put-lock", $$"""{"owner":"exec-other","leaseExpiresAt":{{DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds()}}}""");

        var response = await world.InvokeAsync("decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["alert"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_lease_in_milliseconds_is_unreadable_and_taken_over()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.Ask("put-lock", $$"""{"owner":"exec-other","leaseExpiresAt":{{DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeMilliseconds()}}}""");

        var response = await world.InvokeAsync("decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["reason"]!.GetValue<string>().Should().Contain("unreadable");
    }

    [Fact]
    public async Task A_decide_without_an_execution_id_is_refused_because_its_retry_could_not_reenter_the_lock()
    {
        var world = await WithPrimaryAlarmFiring(moto);

        var act = () => world.InvokeAsync("decide", """{"action":"failover","source":"alarm"}""");

        (await act.Should().ThrowAsync<FunctionException>()).Which.Message.Should().Contain("'executionId' is required");
        (await world.Ask("lock")).Should().BeNull();
    }

    [Fact]
    public async Task A_decision_made_before_a_transition_was_recorded_does_not_act_on_it()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        using var proxy = new FaultProxy(moto.Url);
        // Between decide's read of the state and its lock, another execution completes a transition (epoch 1 -> 2).
        proxy.Inject(Fault.BeforeForward(async () => await world.Ask("put-item", """{"pk":"state","activeRegion":"us-east-1","epoch":2}""")),
            RequestMatch.Target("DynamoDB_20120810.UpdateItem"), times: 1);
        await world.Ask("put-item", """{"pk":"state","activeRegion":"us-east-1","epoch":1}""");

        var response = await world.InvokeThroughAsync(proxy, "decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["reason"]!.GetValue<string>().Should().Contain("recorded a transition");
        (await world.Ask("lock")).Should().BeNull();
    }

    [Fact]
    public async Task A_lock_taken_whose_answer_was_lost_is_reentered_by_the_retry_inside_the_call()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.ResetAfterForward, RequestMatch.Target("DynamoDB_20120810.UpdateItem"), times: 1);

        var response = await world.InvokeThroughAsync(proxy, "decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["lockId"]!.GetValue<string>().Should().NotBeNullOrEmpty().And.NotContain("exec-1");
        proxy.ForwardedCount(RequestMatch.Target("DynamoDB_20120810.UpdateItem")).Should().Be(2);
    }

    // Multi-Region strong consistency's answer to a write racing one from another region: a 400 that is no refusal.
    private const string ReplicatedWriteConflict =
        """{"__type":"com.amazonaws.dynamodb.v20120810#ReplicatedWriteConflictException","message":"The request was rejected because one or more items in the request are being modified by a request in another Region."}""";

    private static bool LockWrite(ProxiedRequest r) => r.Target == "DynamoDB_20120810.UpdateItem" && r.Body.Contains("SET lockOwner", StringComparison.Ordinal);

    [Fact]
    public async Task A_lock_write_turned_away_as_a_replicated_write_conflict_is_retried_inside_the_call_and_takes_the_lock()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.Status(400, ReplicatedWriteConflict), LockWrite, times: 1);

        var response = await world.InvokeThroughAsync(proxy, "decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER", response["reason"]!.GetValue<string>());
        response["lockId"]!.GetValue<string>().Should().NotBeNullOrEmpty().And.NotContain("exec-1");
        proxy.Requests.Count(e => LockWrite(e.Request)).Should().Be(2, "the conflicting attempt, then the one that passed");
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
    }

    [Fact]
    public async Task A_replicated_write_conflict_lost_to_the_other_regions_lock_converges_on_no_action()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        using var proxy = new FaultProxy(moto.Url);
        // The failback in the other region wins the race: its lock lands while this write is turned away.
        proxy.Inject(Fault.Status(400, ReplicatedWriteConflict), LockWrite, times: 1);
        proxy.Inject(Fault.BeforeForward(async () => await world.Ask("put-lock",
            $$"""{"owner":"exec-failback","action":"failback","leaseExpiresAt":{{DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds()}}}""")),
            LockWrite, times: 1);

        var response = await world.InvokeThroughAsync(proxy, "decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["reason"]!.GetValue<string>().Should().Contain("another execution took the lock");
        response["lockId"]!.GetValue<string>().Should().BeEmpty();
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-failback");
    }

    [Fact]
    public async Task A_lock_write_that_conflicts_on_every_attempt_is_a_transient_error_the_workflow_may_retry()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.Status(400, ReplicatedWriteConflict), LockWrite);

        var act = () => world.InvokeThroughAsync(proxy, "decide", Failover);

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be(ErrorTypes.AwsThrottled, error.Message);
        ErrorTypes.All[error.ErrorType].Category.Should().Be(ErrorCategory.Transient);
        error.Message.Should().Contain("ReplicatedWriteConflictException");
        proxy.Requests.Count(e => LockWrite(e.Request)).Should().Be(2, "every attempt the retry policy allows");
        (await world.Ask("lock")).Should().BeNull();
        proxy.ClearFaults();
        var retried = await world.InvokeThroughAsync(proxy, "decide", Failover);
        retried["decision"]!.GetValue<string>().Should().Be("FAILOVER");
    }

    [Fact]
    public async Task A_primary_cloudwatch_that_refuses_is_unknown_evidence_not_a_failed_decision()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        using var cloudWatch = new FaultProxy(moto.Url);
        cloudWatch.Inject(Fault.Status(403, "<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>expired</Message></Error></ErrorResponse>", "text/xml"));

        var response = await world.InvokeAsync("decide", Failover, new Dictionary<string, string> { ["AWS_ENDPOINT_URL_CLOUDWATCH"] = cloudWatch.Url });

        var alarms = response["health"]!["evidence"]!.AsArray().Single(e => e!["source"]!.GetValue<string>() == "primary-alarms")!;
        alarms["verdict"]!.GetValue<string>().Should().Be("UNKNOWN");
        alarms["detail"]!.GetValue<string>().Should().Contain("InvalidClientTokenId");
    }

    [Fact]
    public async Task A_record_write_that_hangs_to_the_deadline_still_leaves_time_to_give_the_lock_back()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.Hang, r => r.Target == "DynamoDB_20120810.PutItem" && r.Body.Contains("decision#"));

        var act = () => world.InvokeThroughAsync(proxy, "decide", Failover, timeLeft: TimeSpan.FromSeconds(8));

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.AwsUnreachable);
        (await world.Ask("lock")).Should().BeNull("the lock was given back before the deadline");
    }

    [Fact]
    public async Task A_flag_override_whose_expiry_is_no_time_falls_back_to_the_default_and_alerts()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.Ask("put-item", """{"pk":"flag","mode":"block","setBy":"alice","expiresAt":"tomorow 9am"}""");

        var response = await world.InvokeAsync("decide", Failover);

        response["flag"]!["mode"]!.GetValue<string>().Should().Be("auto");
        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["alert"]!.GetValue<bool>().Should().BeTrue();
        response["reason"]!.GetValue<string>().Should().Contain("unreadable expiresAt");
    }

    [Fact]
    public async Task A_huge_flag_reason_is_cut_before_it_is_repeated_in_every_decision()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.Ask("put-item", $$"""{"pk":"flag","mode":"auto","reason":"{{new string('r', 300_000)}}"}""");

        var response = await world.InvokeAsync("decide", Failover);

        response["flag"]!["reason"]!.GetValue<string>().Length.Should().BeLessThanOrEqualTo(1024);
        response.ToJsonString().Length.Should().BeLessThan(10_000);
    }

    [Fact]
    public async Task A_hung_primary_cloudwatch_is_unknown_evidence_and_the_decision_is_made_in_time()
    {
        var world = await World.ArrangeAsync(moto);
        using var cloudWatch = new FaultProxy(moto.Url);
        cloudWatch.Inject(Fault.Hang);
        var started = DateTimeOffset.UtcNow;

        var response = await world.InvokeAsync("decide", Failover,
            new Dictionary<string, string> { ["AWS_ENDPOINT_URL_CLOUDWATCH"] = cloudWatch.Url }, timeLeft: TimeSpan.FromSeconds(15));

        (DateTimeOffset.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(10));
        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION", "the Route 53 checkers see the endpoint healthy");
        var alarms = response["health"]!["evidence"]!.AsArray().Single(e => e!["source"]!.GetValue<string>() == "primary-alarms")!;
        alarms["verdict"]!.GetValue<string>().Should().Be("UNKNOWN");
    }

    [Fact]
    public async Task A_lock_without_a_lease_expiry_that_this_execution_owns_is_retaken()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.Ask("put-lock", """{"owner":"exec-1","action":"failover"}""");

        var response = await world.InvokeAsync("decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        (await world.Ask("lock"))!["leaseExpiresAt"]!.GetValue<long>().Should().BeGreaterThan(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_state_written_without_an_epoch_still_says_where_traffic_is()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.Ask("put-item", """{"pk":"state","activeRegion":"us-west-2","lastTransitionAt":"2026-01-01T00:00:00Z"}""");

        var response = await world.InvokeAsync("decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["reason"]!.GetValue<string>().Should().Contain("already failed over");
    }

    [Fact]
    public async Task An_expired_lock_is_taken_over()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.Ask("put-lock", $$"""{"owner":"exec-crashed","action":"failover","leaseExpiresAt":{{DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()}}}""");

        var response = await world.InvokeAsync("decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
    }

    [Fact]
    public async Task A_recent_transition_holds_off_a_new_one_until_the_cooldown_ends()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.Ask("put-item", $$"""{"pk":"state","activeRegion":"us-east-1","epoch":2,"lastTransitionAt":"{{Iso(DateTimeOffset.UtcNow.AddMinutes(-5))}}"}""");

        var response = await world.InvokeAsync("decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["reason"]!.GetValue<string>().Should().Contain("cooldown");
    }

    [Fact]
    public async Task An_already_failed_over_stack_takes_no_action_even_when_forced()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.Ask("put-item", """{"pk":"state","activeRegion":"us-west-2","epoch":1,"lastTransitionAt":"2026-01-01T00:00:00Z"}""");
        await world.Ask("put-item", """{"pk":"flag","mode":"force"}""");

        var response = await world.InvokeAsync("decide", Failover);

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["reason"]!.GetValue<string>().Should().Contain("already failed over");
    }

    [Fact]
    public async Task Of_many_concurrent_executions_that_all_want_to_act_exactly_one_gets_the_lock()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        // DynamoDB applies a conditional write atomically; moto does not (two concurrent writes can both pass the condition), so
        // the lock writes reach moto one at a time. They are still sent concurrently, and the condition still picks the winner.
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.OneAtATime, RequestMatch.Target("DynamoDB_20120810.UpdateItem"));

        var responses = await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            world.InvokeThroughAsync(proxy, "decide", $$"""{"action":"failover","source":"alarm","executionId":"exec-{{i}}"}""")));

        var winners = responses.Where(r => r["decision"]!.GetValue<string>() == "FAILOVER").ToList();
        winners.Should().ContainSingle();
        responses.Count(r => r["decision"]!.GetValue<string>() == "NO_ACTION").Should().Be(7);
        (await world.Ask("lock"))!["tokenHash"]!.GetValue<string>().Should().Be(LockToken.Hash(winners[0]["lockId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task With_a_decision_table_the_record_goes_there_and_the_flag_and_lock_stay_in_the_control_table()
    {
        var world = await WithPrimaryAlarmFiring(moto);
        await world.Ask("create-table", "failover-decisions");
        await world.Ask("put-item", """{"pk":"flag","mode":"force","setBy":"bob"}""");

        var response = await world.InvokeAsync("decide", Failover, new() { ["DECISION_TABLE_NAME"] = "failover-decisions" });

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        response["flag"]!["setBy"]!.GetValue<string>().Should().Be("bob", "the flag is read from the control table");
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
        (await world.Ask("decisions"))!.AsArray().Should().BeEmpty();
        var record = (await world.Ask("decisions", "failover-decisions"))!.AsArray().Should().ContainSingle().Subject!;
        record["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        record["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
        record["ttl"]!.GetValue<long>().Should().BeGreaterThan(DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds());
        (await world.Ask("item", "state", "us-west-2", "failover-decisions")).Should().BeNull();
    }

    [Fact]
    public async Task A_decision_table_that_cannot_be_written_gives_the_lock_back_as_the_control_table_would()
    {
        var world = await WithPrimaryAlarmFiring(moto);

        var act = () => world.InvokeAsync("decide", Failover, new() { ["DECISION_TABLE_NAME"] = "no-such-table" });

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.AwsServiceError);
        (await world.Ask("lock")).Should().BeNull();
        (await world.Ask("decisions"))!.AsArray().Should().BeEmpty();
    }

    /// decide's first attempt took the lock and its answer was lost; the retry finds the primary healthy again and does not act.
    [Fact]
    public async Task A_retried_decide_that_does_not_act_gives_back_the_lock_its_first_attempt_took()
    {
        var world = await World.ArrangeAsync(moto);
        var lease = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
        await world.Ask("put-lock", $$"""{"owner":"exec-retried","tokenHash":"{{LockToken.Hash(world.TokenOf("exec-retried"))}}","action":"failover","leaseExpiresAt":{{lease}}}""");

        var response = await world.InvokeAsync("decide", """{"action":"failover","source":"alarm","executionId":"exec-retried"}""");

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["lockId"]!.GetValue<string>().Should().BeEmpty();
        (await world.Ask("lock")).Should().BeNull();
    }
}
