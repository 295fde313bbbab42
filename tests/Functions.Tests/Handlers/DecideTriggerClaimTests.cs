using Failover.Functions.Tests.Harness;
using static Failover.Functions.Tests.Handlers.DecideSetup;

namespace Failover.Functions.Tests.Handlers;

/// The alarm a trigger's event claims: it counts as evidence only when CloudWatch, read live, confirms it, recently and not
/// superseded; the response lists it as a claim with its status.
[Collection("moto")]
public sealed class DecideTriggerClaimTests(MotoServer moto)
{
    [Fact]
    public async Task A_triggering_alarm_event_its_live_state_confirms_counts_as_evidence_and_is_recorded_verified()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);

        var response = await world.DecideAsync(
            """{"action":"failover","source":"eventbridge","executionId":"exec-2","alarm":{"alarmName":"failover-primary-healthy-hosts","state":{"value":"ALARM"}}}""");

        response.Decision.Should().Be("FAILOVER");
        response.Health.Evidence.Should().Contain(e => e.Source == "trigger" && e.Verdict == "UNHEALTHY");
        response.Claims.Should().Contain(c => c.Claim == "alarm" && c.Status == "verified");
    }

    [Fact]
    public async Task An_alarm_event_its_live_state_denies_counts_for_nothing_and_an_operator_start_does_not_fail_over_on_it()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.DecideAsync(
            """{"action":"failover","source":"eventbridge","executionId":"exec-2","alarm":{"alarmName":"failover-primary-healthy-hosts","state":{"value":"ALARM"}}}""");

        response.Decision.Should().Be("NO_ACTION");
        response.Health.Status.Should().Be("HEALTHY");
        response.Health.Evidence.Should().Contain(e => e.Source == "trigger" && e.Verdict == "UNKNOWN" && e.Detail.Contains("unverified (it is OK when read now)"));
        (await world.Ask("lock")).Should().BeNull();
    }

    [Fact]
    public async Task A_triggering_alarm_state_older_than_the_trigger_age_does_not_count()
    {
        var world = await World.ArrangeAsync(moto);
        var since = DateTimeOffset.UtcNow.AddSeconds(-TriggerContract.MaxAlarmAgeSeconds - 60).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'");

        var response = await world.DecideAsync(
            $$$$"""{"action":"failover","source":"alarm","unattended":true,"executionId":"exec-late","alarm":{"alarmName":"failover-primary-running-tasks","state":{"value":"ALARM","timestamp":"{{{{since}}}}"}}}""");

        response.Decision.Should().Be("NO_ACTION", "the live sources see a healthy primary");
        response.Health.Evidence.Should().Contain(e => e.Source == "trigger" && e.Verdict == "UNKNOWN" && e.Detail.Contains("too old to count"));
    }

    /// The event is newer than the alarm state read live (moto's alarms were arranged before it): it counts, and alone it is
    /// one source, which an unattended failover does not act on (no direct probe here to confirm it).
    [Fact]
    public async Task A_fresh_triggering_alarm_state_in_cloudwatchs_own_time_format_counts_but_alone_does_not_fail_over_unattended()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        var since = DateTimeOffset.UtcNow.AddSeconds(1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'");

        var response = await world.DecideAsync(
            $$$$"""{"action":"failover","source":"alarm","unattended":true,"executionId":"exec-fresh","alarm":{"alarmName":"failover-primary-healthy-hosts","state":{"value":"ALARM","timestamp":"{{{{since}}}}"}}}""");

        response.Health.Evidence.Should().Contain(e => e.Source == "trigger" && e.Verdict == "UNHEALTHY");
        response.Health.Status.Should().Be("UNHEALTHY");
        response.Health.Confirmed.Should().BeFalse();
        response.Decision.Should().Be("NO_ACTION");
        response.Alert.Should().BeTrue();
        response.Reason.Should().Contain("no second confirms it");
    }

    /// The alarm went back to OK (moto's state, set after the event's time) while its ALARM event was being retried.
    [Fact]
    public async Task A_triggering_alarm_state_superseded_by_a_later_live_state_does_not_count()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-30).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'");
        var world = await World.ArrangeAsync(moto);

        var response = await world.DecideAsync(
            $$$$"""{"action":"failover","source":"alarm","unattended":true,"executionId":"exec-superseded","alarm":{"alarmName":"failover-primary-healthy-hosts","state":{"value":"ALARM","timestamp":"{{{{before}}}}"}}}""");

        response.Decision.Should().Be("NO_ACTION");
        response.Health.Evidence.Should().Contain(e => e.Source == "trigger" && e.Verdict == "UNKNOWN" && e.Detail.Contains("superseded"));
    }

    [Fact]
    public async Task A_triggers_alarm_state_without_a_time_does_not_count()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.DecideAsync(
            """{"action":"failover","source":"alarm","unattended":true,"executionId":"exec-untimed","alarm":{"alarmName":"failover-primary-running-tasks","state":{"value":"ALARM"}}}""");

        response.Decision.Should().Be("NO_ACTION");
    }
}
