using Failover.Functions.Runtime;
using Failover.Functions.Tests.Harness;
using static Failover.Functions.Tests.Handlers.DecideSetup;

namespace Failover.Functions.Tests.Handlers;

/// Every decision is recorded (in the control table, or the decision table when configured) with its evidence, the request's
/// reason and a TTL; a decision that cannot be recorded gives its lock back.
[Collection("moto")]
public sealed class DecideRecordTests(MotoServer moto)
{
    [Fact]
    public async Task Every_decision_is_recorded_with_its_evidence_and_a_ttl()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);

        await world.DecideAsync(AlarmFailover);

        var record = (await world.Ask("decisions"))!.AsArray().Should().ContainSingle().Subject!;
        record["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        record["source"]!.GetValue<string>().Should().Be("alarm");
        record["owner"]!.GetValue<string>().Should().EndWith(":exec-1");
        record["evidence"]!.GetValue<string>().Should().Contain("failover-primary-healthy-hosts");
        record["ttl"]!.GetValue<long>().Should().BeGreaterThan(DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task The_requests_reason_is_kept_in_the_response_the_lock_and_the_record()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);

        var response = await world.DecideAsync(
            """{"action":"failover","source":"alice","reason":"eu-west-1 is degraded, AWS case 123","executionId":"exec-1"}""");

        response.RequestReason.Should().Be("eu-west-1 is degraded, AWS case 123");
        response.Source.Should().Be("alice");
        (await world.Ask("lock"))!["requestReason"]!.GetValue<string>().Should().Be("eu-west-1 is degraded, AWS case 123");
        var record = (await world.Ask("decisions"))!.AsArray().Should().ContainSingle().Subject!;
        record["requestReason"]!.GetValue<string>().Should().Be("eu-west-1 is degraded, AWS case 123");
    }

    [Fact]
    public async Task When_the_decision_cannot_be_recorded_the_lock_is_given_back()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.Status(500, """{"__type":"InternalServerError","message":"injected"}"""),
            r => r.Target == "DynamoDB_20120810.PutItem" && r.Body.Contains("decision#"));

        var act = () => world.DecideThroughAsync(proxy, AlarmFailover);

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.AwsServerError);
        proxy.ForwardedCount(r => r.Target == "DynamoDB_20120810.UpdateItem").Should().Be(2, "the lock was taken, then given back");
        (await world.Ask("lock")).Should().BeNull();
        var next = await world.DecideAsync("""{"action":"failover","source":"alarm","executionId":"exec-2"}""");
        next.Decision.Should().Be("FAILOVER");
    }

    [Fact]
    public async Task A_record_write_that_hangs_to_the_deadline_still_leaves_time_to_give_the_lock_back()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        using var proxy = new FaultProxy(moto.Url);
        proxy.Inject(Fault.Hang, r => r.Target == "DynamoDB_20120810.PutItem" && r.Body.Contains("decision#"));

        var act = () => world.DecideThroughAsync(proxy, AlarmFailover, timeLeft: TimeSpan.FromSeconds(8));

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.AwsUnreachable);
        (await world.Ask("lock")).Should().BeNull("the lock was given back before the deadline");
    }

    [Fact]
    public async Task With_a_decision_table_the_record_goes_there_and_the_flag_and_lock_stay_in_the_control_table()
    {
        var world = await WithPrimaryAlarmFiringAsync(moto);
        await world.Ask("create-table", "failover-decisions");
        await world.Ask("put-item", """{"pk":"flag","mode":"force","setBy":"bob"}""");

        var response = await world.DecideAsync(AlarmFailover, new() { ["DECISION_TABLE_NAME"] = "failover-decisions" });

        response.Decision.Should().Be("FAILOVER");
        response.Flag.SetBy.Should().Be("bob", "the flag is read from the control table");
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
        var world = await WithPrimaryAlarmFiringAsync(moto);

        var act = () => world.DecideAsync(AlarmFailover, new() { ["DECISION_TABLE_NAME"] = "no-such-table" });

        (await act.Should().ThrowAsync<FunctionException>()).Which.ErrorType.Should().Be(ErrorTypes.AwsServiceError);
        (await world.Ask("lock")).Should().BeNull();
        (await world.Ask("decisions"))!.AsArray().Should().BeEmpty();
    }
}
