using Failover.Functions.Tests.Harness;
using static Failover.Functions.Tests.Handlers.DecideSetup;

namespace Failover.Functions.Tests.Handlers;

/// A source decide cannot read (unreachable, refusing, hung, out of time, or answering without its states) is UNKNOWN
/// evidence, never evidence of trouble: with nothing else to go on decide does not act and raises an alert.
[Collection("moto")]
public sealed class DecideUnknownEvidenceTests(MotoServer moto)
{
    /// An unreachable CloudWatch says CloudWatch is in trouble, not the application: Route 53's checkers still decide.
    [Fact]
    public async Task An_unreachable_primary_cloudwatch_is_unknown_evidence_not_evidence_of_trouble()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.DecideAsync(AlarmFailover, new() { ["AWS_ENDPOINT_URL_CLOUDWATCH"] = $"http://127.0.0.1:{MotoServer.FreePort()}" });

        var alarms = response.Health.Evidence.Single(e => e.Source == "primary-alarms");
        alarms.Verdict.Should().Be("UNKNOWN");
        alarms.Detail.Should().Contain("could not be reached");
        response.Health.Status.Should().Be("HEALTHY", "the Route 53 checkers see the endpoint healthy");
        response.Decision.Should().Be("NO_ACTION");
    }

    [Fact]
    public async Task A_primary_cloudwatch_that_refuses_is_unknown_evidence_not_a_failed_decision()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        using var cloudWatch = new FaultProxy(moto.Url);
        cloudWatch.Inject(Fault.Status(403, "<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>expired</Message></Error></ErrorResponse>", "text/xml"));

        var response = await world.DecideAsync(AlarmFailover, new Dictionary<string, string> { ["AWS_ENDPOINT_URL_CLOUDWATCH"] = cloudWatch.Url });

        var alarms = response.Health.Evidence.Single(e => e.Source == "primary-alarms");
        alarms.Verdict.Should().Be("UNKNOWN");
        alarms.Detail.Should().Contain("InvalidClientTokenId");
    }

    [Fact]
    public async Task A_hung_primary_cloudwatch_is_unknown_evidence_and_the_decision_is_made_in_time()
    {
        var world = await World.ArrangeAsync(moto);
        using var cloudWatch = new FaultProxy(moto.Url);
        cloudWatch.Inject(Fault.Hang);
        var started = DateTimeOffset.UtcNow;

        var response = await world.DecideAsync(AlarmFailover,
            new Dictionary<string, string> { ["AWS_ENDPOINT_URL_CLOUDWATCH"] = cloudWatch.Url }, timeLeft: TimeSpan.FromSeconds(15));

        (DateTimeOffset.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(10));
        response.Decision.Should().Be("NO_ACTION", "the Route 53 checkers see the endpoint healthy");
        var alarms = response.Health.Evidence.Single(e => e.Source == "primary-alarms");
        alarms.Verdict.Should().Be("UNKNOWN");
    }

    [Fact]
    public async Task Alarms_answered_without_their_states_are_no_evidence_of_health()
    {
        var world = await World.ArrangeAsync(moto);
        using var cloudWatch = new RecordingEndpoint();
        cloudWatch.Then(200, $"<DescribeAlarmsResponse><DescribeAlarmsResult><MetricAlarms><member><AlarmName>{world.Alarms[0]}</AlarmName></member></MetricAlarms></DescribeAlarmsResult></DescribeAlarmsResponse>", "text/xml");

        var response = await world.DecideAsync(AlarmFailover, new() { ["AWS_ENDPOINT_URL_CLOUDWATCH"] = cloudWatch.Url, ["PRIMARY_ENDPOINT_HEALTH_CHECK_ID"] = "" });

        response.Decision.Should().Be("NO_ACTION");
        response.Alert.Should().BeTrue();
        var evidence = response.Health.Evidence.Should().ContainSingle().Subject;
        evidence.Verdict.Should().Be("UNKNOWN");
        evidence.Detail.Should().Contain("StateValue");
    }

    [Fact]
    public async Task With_too_little_time_to_ask_the_sources_are_unknown_not_unhealthy()
    {
        var world = await World.ArrangeAsync(moto);
        using var cloudWatch = new FaultProxy(moto.Url);

        // 4 s to the deadline leaves 2.5 s of work and 0.8 s of evidence: below the 1 s floor.
        var response = await world.DecideAsync(AlarmFailover,
            new Dictionary<string, string> { ["AWS_ENDPOINT_URL_CLOUDWATCH"] = cloudWatch.Url }, timeLeft: TimeSpan.FromSeconds(4));

        response.Decision.Should().Be("NO_ACTION");
        response.Health.Status.Should().Be("UNKNOWN");
        response.Alert.Should().BeTrue();
        cloudWatch.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Without_any_evidence_auto_does_nothing_and_raises_an_alert()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.DecideAsync(AlarmFailover, new() { ["PRIMARY_ALARM_NAMES"] = "", ["PRIMARY_ENDPOINT_HEALTH_CHECK_ID"] = "" });

        response.Decision.Should().Be("NO_ACTION");
        response.Health.Status.Should().Be("UNKNOWN");
        response.Alert.Should().BeTrue();
    }
}
