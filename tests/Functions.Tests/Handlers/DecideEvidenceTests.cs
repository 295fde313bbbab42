using System.Text.Json.Nodes;
using Failover.Functions.Runtime;
using Failover.Functions.Tests.Aws;
using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Handlers;

/// decide with its direct probe of the primary's health URL (PRIMARY_PROBE_URL) beside Route 53's checkers and the primary's
/// alarms: an unattended failover needs two sources, the direct probe among them; an operator's needs one.
[Collection("moto")]
public sealed class DecideEvidenceTests(MotoServer moto)
{
    /// An alarm event as the alarm rule delivers it: unattended, ALARM, with a time newer than anything moto holds.
    private static string AlarmTrigger(string alarmName = "failover-primary-healthy-hosts") =>
        new JsonObject
        {
            ["action"] = "failover", ["source"] = $"alarm {alarmName} in us-east-1", ["unattended"] = true, ["executionId"] = "exec-alarm",
            ["alarm"] = new JsonObject
            {
                ["alarmName"] = alarmName,
                ["state"] = new JsonObject { ["value"] = "ALARM", ["timestamp"] = DateTimeOffset.UtcNow.AddSeconds(1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'") },
            },
        }.ToJsonString();

    private const string ProbeTrigger = """{"action":"failover","source":"probe failover-secondary-probe","unattended":true,"executionId":"exec-probe"}""";

    private static string Operator(bool force) =>
        $$"""{"action":"failover","source":"alice","executionId":"exec-alice","force":{{(force ? "true" : "false")}}}""";

    private static string Unreachable() => $"http://127.0.0.1:{MotoServer.FreePort()}";

    /// What GetHealthCheckStatus answers when every one of Route 53's checkers sees the endpoint failing.
    private static string Route53AllFailing(int checkers) =>
        "<GetHealthCheckStatusResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><HealthCheckObservations>"
        + string.Concat(Enumerable.Range(1, checkers).Select(i =>
            $"<HealthCheckObservation><Region>us-east-1</Region><IPAddress>15.177.{i}.1</IPAddress><StatusReport><Status>Failure: Connection timed out. " +
            "The endpoint or the internet connection is down, or requests are being blocked by your firewall.</Status>" +
            "<CheckedTime>2026-12-07T12:00:00Z</CheckedTime></StatusReport></HealthCheckObservation>"))
        + "</HealthCheckObservations></GetHealthCheckStatusResponse>";

    private static JsonNode Evidence(JsonNode response, string source) =>
        response["health"]!["evidence"]!.AsArray().Single(e => e!["source"]!.GetValue<string>() == source)!;

    private static string Verdict(JsonNode response, string source) => Evidence(response, source)["verdict"]!.GetValue<string>();

    /// What became of one claim of the input (verified, refused, unverified, accepted).
    private static string Claim(JsonNode response, string claim) =>
        response["claims"]!.AsArray().Single(c => c!["claim"]!.GetValue<string>() == claim)!["status"]!.GetValue<string>();

    /// (a) The false positive the two-source rule is for: the primary region's CloudWatch fails while the application serves,
    /// and an alarm event arrives. Its claim cannot be verified (the live state is unreadable and the probe sees the application
    /// answering): it counts for nothing, and nothing moves.
    [Theory]
    [InlineData("500")]
    [InlineData("hang")]
    public async Task A_failing_primary_cloudwatch_and_an_alarm_while_the_application_answers_never_fail_over_unattended(string fault)
    {
        var world = await World.ArrangeAsync(moto);
        using var cloudWatch = new FaultProxy(moto.Url);
        cloudWatch.Inject(fault == "hang" ? Fault.Hang
            : Fault.Status(500, "<ErrorResponse><Error><Code>InternalFailure</Code><Message>injected</Message></Error></ErrorResponse>", "text/xml"));
        using var app = new RecordingEndpoint();

        var response = await world.InvokeAsync("decide", AlarmTrigger(), new()
        {
            ["AWS_ENDPOINT_URL_CLOUDWATCH"] = cloudWatch.Url, ["PRIMARY_PROBE_URL"] = app.Url + "/health",
        }, timeLeft: TimeSpan.FromSeconds(15));

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION", response["reason"]!.GetValue<string>());
        Verdict(response, "trigger").Should().Be("UNKNOWN");
        Verdict(response, "primary-alarms").Should().Be("UNKNOWN");
        Verdict(response, "direct-probe").Should().Be("HEALTHY");
        response["health"]!["status"]!.GetValue<string>().Should().Be("HEALTHY");
        Claim(response, "alarm").Should().Be("unverified");
        response["health"]!["confirmed"]!.GetValue<bool>().Should().BeFalse();
        response["lockId"]!.GetValue<string>().Should().BeEmpty();
        (await world.Ask("lock")).Should().BeNull();
        app.Requests.Should().NotBeEmpty();
    }

    /// (b) An alarm event nobody's alarm raised (or one already over), with the application answering: the live alarm says OK, so
    /// the claim is recorded as unverified and counts for nothing, whoever started the run.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_forged_alarm_while_the_direct_probe_sees_the_application_answering_counts_for_nothing_and_is_recorded_unverified(bool unattended)
    {
        var world = await World.ArrangeAsync(moto);
        using var app = new RecordingEndpoint();
        var request = JsonNode.Parse(AlarmTrigger())!;
        request["unattended"] = unattended;

        var response = await world.InvokeAsync("decide", request.ToJsonString(), new() { ["PRIMARY_PROBE_URL"] = app.Url + "/health" });

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION", response["reason"]!.GetValue<string>());
        Verdict(response, "trigger").Should().Be("UNKNOWN");
        Verdict(response, "primary-alarms").Should().Be("HEALTHY");
        Verdict(response, "direct-probe").Should().Be("HEALTHY");
        response["health"]!["status"]!.GetValue<string>().Should().Be("HEALTHY");
        Claim(response, "alarm").Should().Be("unverified");
        var record = (await world.Ask("decisions"))!.AsArray().Should().ContainSingle().Subject!;
        record["claims"]!.GetValue<string>().Should().Contain("\"claim\":\"alarm\",\"status\":\"unverified\"");
        (await world.Ask("lock")).Should().BeNull();
    }

    /// (c) Two families see the primary down, the direct probe among them: the probe schedule fails over by itself.
    [Fact]
    public async Task The_direct_probe_and_route_53s_checkers_both_failing_confirm_an_outage_and_an_unattended_start_fails_over()
    {
        var world = await World.ArrangeAsync(moto);
        using var route53 = new RecordingEndpoint();
        route53.Then(200, Route53AllFailing(16), "text/xml");

        var response = await world.InvokeAsync("decide", ProbeTrigger, new()
        {
            ["AWS_ENDPOINT_URL_ROUTE_53"] = route53.Url, ["PRIMARY_PROBE_URL"] = Unreachable() + "/health",
        });

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER", response["reason"]!.GetValue<string>());
        response["alert"]!.GetValue<bool>().Should().BeFalse();
        Verdict(response, "route53-endpoint").Should().Be("UNHEALTHY");
        Evidence(response, "route53-endpoint")["detail"]!.GetValue<string>().Should().Contain("0 of 16");
        Verdict(response, "direct-probe").Should().Be("UNHEALTHY");
        Evidence(response, "direct-probe")["detail"]!.GetValue<string>().Should().Contain("connection refused");
        response["health"]!["status"]!.GetValue<string>().Should().Be("UNHEALTHY");
        response["health"]!["confirmed"]!.GetValue<bool>().Should().BeTrue();
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-probe");
        ((await world.Ask("decisions"))!.AsArray().Single()!["evidence"]!.GetValue<string>()).Should().Contain("\"confirmed\":true");
    }

    /// (d) us-east-1 is out: the application does not answer, and neither Route 53's API nor the primary's CloudWatch can be
    /// reached. One family is no confirmation for a trigger; an operator who starts the failover gets it.
    [Theory]
    [InlineData(true, false, "NO_ACTION", true)]
    [InlineData(false, false, "FAILOVER", false)]
    [InlineData(false, true, "FAILOVER", false)]
    public async Task The_direct_probe_failing_with_every_other_source_unreachable_fails_over_only_for_an_operator(
        bool unattended, bool force, string decision, bool alert)
    {
        var world = await World.ArrangeAsync(moto);
        var request = unattended ? ProbeTrigger : Operator(force);

        var response = await world.InvokeAsync("decide", request, new()
        {
            ["AWS_ENDPOINT_URL_ROUTE_53"] = Unreachable(), ["AWS_ENDPOINT_URL_CLOUDWATCH"] = Unreachable(),
            ["PRIMARY_PROBE_URL"] = Unreachable() + "/health",
        });

        response["decision"]!.GetValue<string>().Should().Be(decision, response["reason"]!.GetValue<string>());
        response["alert"]!.GetValue<bool>().Should().Be(alert);
        Verdict(response, "route53-endpoint").Should().Be("UNKNOWN");
        Verdict(response, "primary-alarms").Should().Be("UNKNOWN");
        Verdict(response, "direct-probe").Should().Be("UNHEALTHY");
        response["health"]!["status"]!.GetValue<string>().Should().Be("UNHEALTHY");
        response["health"]!["confirmed"]!.GetValue<bool>().Should().BeFalse();
        if (unattended)
        {
            response["reason"]!.GetValue<string>().Should().Be(
                "one source says the primary is down but no second confirms it (an unattended failover needs two, the direct probe among them): not acting, alerting");
            (await world.Ask("lock")).Should().BeNull();
        }
        else (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-alice");
    }

    [Fact]
    public async Task Without_a_probe_url_there_is_no_direct_probe_evidence()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await world.InvokeAsync("decide", ProbeTrigger);

        response["health"]!["evidence"]!.AsArray().Should().NotContain(e => e!["source"]!.GetValue<string>() == "direct-probe");
    }

    [Theory]
    [InlineData("alb-123.us-east-1.elb.amazonaws.com/health")]
    [InlineData("/health")]
    [InlineData("ftp://alb-123.us-east-1.elb.amazonaws.com/health")]
    [InlineData("http://user:secret@alb-123.us-east-1.elb.amazonaws.com/health")]
    [InlineData("http://")]
    public async Task A_probe_url_that_cannot_be_probed_is_a_configuration_error_before_any_aws_call(string url)
    {
        var world = await World.ArrangeAsync(moto);
        using var aws = new RecordingEndpoint();

        var act = () => world.InvokeAsync("decide", ProbeTrigger, new() { ["AWS_ENDPOINT_URL"] = aws.Url, ["PRIMARY_PROBE_URL"] = url });

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be(ErrorTypes.ConfigurationError);
        error.Message.Should().Contain("PRIMARY_PROBE_URL");
        aws.Requests.Should().BeEmpty();
    }

    // Route 53's verdict read from its DNS (HEALTH_ANSWER_NAME, asked of the zone's name servers): the same checkers as
    // GetHealthCheckStatus, without Route 53's API in us-east-1.

    /// us-east-1 is out: the application does not answer, Route 53's API and the primary's CloudWatch cannot be reached.
    private static Dictionary<string, string> UsEast1Down(StubNameServer dns) => new()
    {
        ["AWS_ENDPOINT_URL_ROUTE_53"] = Unreachable(), ["AWS_ENDPOINT_URL_CLOUDWATCH"] = Unreachable(),
        ["PRIMARY_PROBE_URL"] = Unreachable() + "/health",
        ["HEALTH_ANSWER_NAME"] = dns.Name, ["HEALTH_ANSWER_NAME_SERVERS"] = $"[\"{Unreachable()[7..]}\", \"{dns.Endpoint}\"]",
    };

    [Fact]
    public async Task With_us_east_1_down_route_53s_dns_answering_the_fallback_confirms_the_probe_and_an_unattended_start_fails_over()
    {
        var world = await World.ArrangeAsync(moto);
        using var dns = new StubNameServer { Answer = "192.0.2.2" };

        var response = await world.InvokeAsync("decide", ProbeTrigger, UsEast1Down(dns));

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER", response["reason"]!.GetValue<string>());
        Evidence(response, "route53-dns")["verdict"]!.GetValue<string>().Should().Be("UNHEALTHY");
        Evidence(response, "route53-dns")["detail"]!.GetValue<string>().Should().Contain("fallback");
        Evidence(response, "route53-endpoint")["verdict"]!.GetValue<string>().Should().Be("UNKNOWN");
        Evidence(response, "direct-probe")["verdict"]!.GetValue<string>().Should().Be("UNHEALTHY");
        response["health"]!["confirmed"]!.GetValue<bool>().Should().BeTrue();
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-probe");
    }

    [Fact]
    public async Task Route_53s_dns_answering_the_primary_does_not_confirm_a_failing_direct_probe()
    {
        var world = await World.ArrangeAsync(moto);
        using var dns = new StubNameServer { Answer = "192.0.2.1" };

        var response = await world.InvokeAsync("decide", ProbeTrigger, UsEast1Down(dns));

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        response["alert"]!.GetValue<bool>().Should().BeTrue();
        Evidence(response, "route53-dns")["verdict"]!.GetValue<string>().Should().Be("HEALTHY");
        response["health"]!["confirmed"]!.GetValue<bool>().Should().BeFalse();
        (await world.Ask("lock")).Should().BeNull();
    }

    [Fact]
    public async Task Name_servers_that_do_not_answer_are_UNKNOWN_within_the_evidence_budget()
    {
        var world = await World.ArrangeAsync(moto);
        using var dns = new StubNameServer { Silent = true };
        var started = DateTimeOffset.UtcNow;

        var response = await world.InvokeAsync("decide", ProbeTrigger, UsEast1Down(dns));

        (DateTimeOffset.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(15));
        Evidence(response, "route53-dns")["verdict"]!.GetValue<string>().Should().Be("UNKNOWN");
        Evidence(response, "route53-dns")["detail"]!.GetValue<string>().Should().Contain("no answer");
        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        dns.Questions.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_health_answer_name_that_is_no_DNS_name_is_a_configuration_error()
    {
        var world = await World.ArrangeAsync(moto);

        var act = () => world.InvokeAsync("decide", ProbeTrigger, new Dictionary<string, string>
        {
            ["HEALTH_ANSWER_NAME"] = "bad..name", ["HEALTH_ANSWER_NAME_SERVERS"] = "[\"ns-1.awsdns-01.org\"]",
        });

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be(ErrorTypes.ConfigurationError);
        error.Message.Should().Contain("HEALTH_ANSWER_NAME is not a DNS name");
    }

    [Theory]
    [InlineData("HEALTH_ANSWER_NAME", "_primary-health.app.example.com")]
    [InlineData("HEALTH_ANSWER_NAME_SERVERS", "[\"ns-1.awsdns-01.org\"]")]
    public async Task A_health_answer_name_without_name_servers_or_the_reverse_is_a_configuration_error(string key, string value)
    {
        var world = await World.ArrangeAsync(moto);

        var act = () => world.InvokeAsync("decide", ProbeTrigger, new Dictionary<string, string> { [key] = value });

        var error = (await act.Should().ThrowAsync<FunctionException>()).Which;
        error.ErrorType.Should().Be(ErrorTypes.ConfigurationError);
        error.Message.Should().Contain("HEALTH_ANSWER_NAME and HEALTH_ANSWER_NAME_SERVERS go together");
    }
}
