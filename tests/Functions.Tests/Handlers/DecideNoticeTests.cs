using System.Globalization;
using System.Text.Json.Nodes;
using Failover.Functions.Tests.Harness;
using Failover.Functions.Tests.Runtime;

namespace Failover.Functions.Tests.Handlers;

/// A faster probe must not page faster: decide tells the workflow whether to publish its BLOCKED or ALERT notice (notice.notify),
/// announcing a condition once, then at most every NOTICE_REPEAT_MINUTES while it lasts, a different one at once, and with the
/// record of announcements (item notice#ACTION of the control table) unusable, on every run.
[Collection("moto")]
public sealed class DecideNoticeTests(MotoServer moto)
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow;

    private static string Probe(string execution) =>
        $$"""{"action":"failover","source":"probe failover-secondary-probe","unattended":true,"executionId":"{{execution}}"}""";

    /// An outage held back by an operator's block: every probe decides BLOCKED for the same reason.
    private static async Task<World> BlockedOutage(MotoServer moto)
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("alarm-state", world.Alarms[0], "ALARM");
        await world.Ask("put-item", """{"pk":"flag","mode":"block","reason":"change freeze","setBy":"alice"}""");
        return world;
    }

    private static Task<JsonNode> Decide(World world, string execution, DateTimeOffset at) =>
        world.InvokeAsync("decide", Probe(execution), time: new ManualTime(at));

    private static JsonNode Notice(JsonNode response) => response["notice"]!;

    private static DateTimeOffset Time(JsonNode? node) => DateTimeOffset.Parse(node!.GetValue<string>(), CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_first_blocked_run_announces_and_says_when_the_next_reminder_comes()
    {
        var world = await BlockedOutage(moto);

        var response = await Decide(world, "probe-1", Start);

        response["decision"]!.GetValue<string>().Should().Be("BLOCKED");
        Notice(response)["notify"]!.GetValue<bool>().Should().BeTrue();
        Time(Notice(response)["nextReminderAt"]).Should().BeCloseTo(Start.AddMinutes(30), TimeSpan.FromSeconds(1));
        Notice(response)["reminder"]!.GetValue<string>().Should().StartWith("next reminder at ").And.Contain("at most every 30 min");
        var record = (await world.Ask("item", "notice#failover"))!;
        record["condition"]!.GetValue<string>().Should().StartWith("BLOCKED: primary is unhealthy but the flag is block");
        record["announcedBy"]!.GetValue<string>().Should().EndWith(":probe-1");
    }

    [Fact]
    public async Task The_same_condition_again_within_the_interval_is_not_announced_and_says_until_when()
    {
        var world = await BlockedOutage(moto);
        await Decide(world, "probe-1", Start);

        var second = await Decide(world, "probe-2", Start.AddMinutes(5));

        second["decision"]!.GetValue<string>().Should().Be("BLOCKED");
        Notice(second)["notify"]!.GetValue<bool>().Should().BeFalse();
        Time(Notice(second)["nextReminderAt"]).Should().BeCloseTo(Start.AddMinutes(30), TimeSpan.FromSeconds(1));
        Notice(second)["reminder"]!.GetValue<string>().Should().Contain("not repeated until");
        (await world.Ask("item", "notice#failover"))!["announcedBy"]!.GetValue<string>().Should().EndWith(":probe-1");
    }

    [Fact]
    public async Task The_same_condition_after_the_interval_is_announced_again_as_a_reminder()
    {
        var world = await BlockedOutage(moto);
        await Decide(world, "probe-1", Start);
        await Decide(world, "probe-2", Start.AddMinutes(29));

        var reminder = await Decide(world, "probe-3", Start.AddMinutes(30));

        Notice(reminder)["notify"]!.GetValue<bool>().Should().BeTrue();
        Notice(reminder)["reminder"]!.GetValue<string>().Should().StartWith("a reminder: first announced at ");
        Time(Notice(reminder)["nextReminderAt"]).Should().BeCloseTo(Start.AddMinutes(60), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task The_interval_is_the_configured_one()
    {
        var world = await BlockedOutage(moto);
        var repeat = new Dictionary<string, string> { ["NOTICE_REPEAT_MINUTES"] = "5" };
        await world.InvokeAsync("decide", Probe("probe-1"), repeat, new ManualTime(Start));

        var reminder = await world.InvokeAsync("decide", Probe("probe-2"), repeat, new ManualTime(Start.AddMinutes(5)));

        Notice(reminder)["notify"]!.GetValue<bool>().Should().BeTrue();
        Time(Notice(reminder)["nextReminderAt"]).Should().BeCloseTo(Start.AddMinutes(10), TimeSpan.FromSeconds(1));
    }

    /// Route 53's API answering one minute and not the next changes the evidence, not what the operator acts on.
    [Fact]
    public async Task A_source_that_comes_and_goes_during_the_outage_is_not_announced_again_within_the_interval()
    {
        var world = await BlockedOutage(moto);
        await Decide(world, "probe-1", Start);

        var again = await world.InvokeAsync("decide", Probe("probe-2"),
            new Dictionary<string, string> { ["AWS_ENDPOINT_URL_ROUTE_53"] = $"http://127.0.0.1:{MotoServer.FreePort()}" }, time: new ManualTime(Start.AddMinutes(1)));

        again["decision"]!.GetValue<string>().Should().Be("BLOCKED");
        again["health"]!["evidence"]!.AsArray().Should().Contain(e => e!["source"]!.GetValue<string>() == "route53-endpoint" && e["verdict"]!.GetValue<string>() == "UNKNOWN");
        Notice(again)["notify"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task A_different_condition_is_announced_at_once()
    {
        var world = await BlockedOutage(moto);
        await Decide(world, "probe-1", Start);
        // The block is lifted: the same outage, seen by one source only, is now an unconfirmed ALERT.
        await world.Ask("put-item", """{"pk":"flag","mode":"auto","setBy":"alice"}""");

        var alert = await Decide(world, "probe-2", Start.AddMinutes(5));

        alert["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        alert["alert"]!.GetValue<bool>().Should().BeTrue();
        Notice(alert)["notify"]!.GetValue<bool>().Should().BeTrue();
        Notice(alert)["reminder"]!.GetValue<string>().Should().StartWith("next reminder at ");
    }

    [Fact]
    public async Task A_normal_outcome_clears_the_record_so_the_next_occurrence_is_announced_at_once()
    {
        var world = await BlockedOutage(moto);
        await Decide(world, "probe-1", Start);
        await world.Ask("alarm-state", world.Alarms[0], "OK");

        var healthy = await Decide(world, "probe-2", Start.AddMinutes(5));
        await world.Ask("alarm-state", world.Alarms[0], "ALARM");
        var again = await Decide(world, "probe-3", Start.AddMinutes(10));

        healthy["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        Notice(healthy)["notify"]!.GetValue<bool>().Should().BeFalse();
        Notice(healthy)["reminder"]!.GetValue<string>().Should().Contain("has ended");
        again["decision"]!.GetValue<string>().Should().Be("BLOCKED");
        Notice(again)["notify"]!.GetValue<bool>().Should().BeTrue();
        Notice(again)["reminder"]!.GetValue<string>().Should().StartWith("next reminder at ");
    }

    [Fact]
    public async Task A_record_of_announcements_that_cannot_be_read_announces_anyway()
    {
        var world = await BlockedOutage(moto);
        await Decide(world, "probe-1", Start);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.Status(400, """{"__type":"com.amazon.coral.service#AccessDeniedException","message":"not authorized"}"""),
            r => r.Target == "DynamoDB_20120810.GetItem" && r.Body.Contains("notice#failover", StringComparison.Ordinal));

        var response = await world.InvokeThroughAsync(proxy, "decide", Probe("probe-2"));

        response["decision"]!.GetValue<string>().Should().Be("BLOCKED");
        Notice(response)["notify"]!.GetValue<bool>().Should().BeTrue();
        Notice(response)["reminder"]!.GetValue<string>().Should().Contain("could not be used (AwsServiceError): announced on every run");
        Notice(response)["nextReminderAt"].Should().BeNull();
    }

    [Fact]
    public async Task A_record_of_announcements_that_cannot_be_written_announces_anyway()
    {
        var world = await BlockedOutage(moto);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.Status(400, """{"__type":"com.amazon.coral.service#AccessDeniedException","message":"not authorized"}"""),
            r => r.Target == "DynamoDB_20120810.UpdateItem" && r.Body.Contains("notice#failover", StringComparison.Ordinal));

        var response = await world.InvokeThroughAsync(proxy, "decide", Probe("probe-1"));

        Notice(response)["notify"]!.GetValue<bool>().Should().BeTrue();
        Notice(response)["reminder"]!.GetValue<string>().Should().Contain("announced on every run");
    }

    [Fact]
    public async Task An_announcement_recorded_in_the_future_silences_nothing()
    {
        var world = await BlockedOutage(moto);
        await Decide(world, "probe-1", Start.AddDays(365));

        var response = await Decide(world, "probe-2", Start);

        Notice(response)["notify"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_retried_decide_of_the_execution_that_announced_announces_again_rather_than_lose_the_notice()
    {
        var world = await BlockedOutage(moto);
        await Decide(world, "probe-1", Start);

        var retry = await Decide(world, "probe-1", Start.AddSeconds(20));

        Notice(retry)["notify"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_run_that_announces_nothing_and_finds_nothing_recorded_writes_nothing()
    {
        var world = await World.ArrangeAsync(moto);

        var response = await Decide(world, "probe-1", Start);

        response["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        Notice(response)["notify"]!.GetValue<bool>().Should().BeFalse();
        Notice(response)["reminder"]!.GetValue<string>().Should().Be("nothing to announce");
        (await world.Ask("item", "notice#failover")).Should().BeNull();
    }
}
