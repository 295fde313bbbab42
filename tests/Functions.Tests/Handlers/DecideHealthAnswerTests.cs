using System.Text.Json.Nodes;
using Failover.Functions.Runtime;
using Failover.Functions.Tests.Dns;
using Failover.Functions.Tests.Moto;

namespace Failover.Functions.Tests.Handlers;

/// decide reads Route 53's verdict on the primary from its DNS (HEALTH_ANSWER_NAME, asked of the zone's name servers): the same
/// checkers as GetHealthCheckStatus, without Route 53's API in us-east-1.
[Collection("moto")]
public sealed class DecideHealthAnswerTests(MotoServer moto)
{
    private const string ProbeTrigger = """{"action":"failover","source":"probe failover-secondary-probe","unattended":true,"executionId":"exec-probe"}""";

    private static string Unreachable() => $"http://127.0.0.1:{MotoServer.FreePort()}";

    /// us-east-1 is out: the application does not answer, Route 53's API and the primary's CloudWatch cannot be reached.
    private static Dictionary<string, string> UsEast1Down(StubNameServer dns) => new()
    {
        ["AWS_ENDPOINT_URL_ROUTE_53"] = Unreachable(), ["AWS_ENDPOINT_URL_CLOUDWATCH"] = Unreachable(),
        ["PRIMARY_PROBE_URL"] = Unreachable() + "/health",
        ["HEALTH_ANSWER_NAME"] = dns.Name, ["HEALTH_ANSWER_NAME_SERVERS"] = $"[\"{Unreachable()[7..]}\", \"{dns.Endpoint}\"]",
    };

    private static JsonNode Evidence(JsonNode response, string source) =>
        response["health"]!["evidence"]!.AsArray().Single(e => e!["source"]!.GetValue<string>() == source)!;

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
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().Be("exec-probe");
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
