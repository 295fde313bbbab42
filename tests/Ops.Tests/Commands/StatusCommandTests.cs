using System.Text.Json.Nodes;
using Failover.Functions.Tests.Moto;
using Failover.Ops.Tests.Harness;

namespace Failover.Ops.Tests.Commands;

/// `failoverctl status`: both regions side by side, read from moto; a region that does not answer shows as such.
public sealed class StatusCommandTests(MotoServer moto) : OpsWorld(moto)
{
    private JsonObject Region(Run run, string region) =>
        run.Json["regions"]!.AsArray().Single(r => r!["region"]!.GetValue<string>() == region)!.AsObject();

    [Fact]
    public async Task A_healthy_pair_shows_the_primary_serving_both_gates_open_and_the_task_counts()
    {
        var run = await RunAsync("status", "--json");

        run.Exit.Should().Be(0, run.ToString());
        run.Json["serving"]!.GetValue<string>().Should().StartWith("primary (us-east-1) serves");
        Region(run, "us-east-1")["gateOpen"]!.GetValue<bool>().Should().BeTrue();
        Region(run, "us-west-2")["gateOpen"]!.GetValue<bool>().Should().BeTrue();
        Region(run, "us-east-1")["desiredCount"]!.GetValue<int>().Should().Be(2);
        Region(run, "us-west-2")["desiredCount"]!.GetValue<int>().Should().Be(1);
        Region(run, "us-west-2")["flag"]!.GetValue<string>().Should().Be("auto (default)");
        run.Json["controlTable"]!["lock"].Should().BeNull();
    }

    [Fact]
    public async Task After_a_failover_the_secondary_serves_and_the_lock_and_override_are_shown()
    {
        Now = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        await Moto.WorldAsync("invert-gate", Primary["gateHealthCheckId"]!.GetValue<string>());
        await PutItemAsync(new JsonObject
        {
            ["pk"] = "state", ["activeRegion"] = "us-west-2", ["epoch"] = 3, ["lastTransitionAt"] = "2026-11-26T08:50:00.000Z",
            ["lockOwner"] = "arn:aws:states:us-east-1:123456789012:execution:failover-primary-failover:fb-1",
            ["lockLeaseExpiresAt"] = (int)Now.AddMinutes(30).ToUnixTimeSeconds(),
        });
        await RunAsync("flag", "set", "block", "--reason", "hold until the database is checked", "--ttl", "1h");

        var run = await RunAsync("status");

        run.Exit.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("Traffic: secondary (us-west-2) serves: the primary gate is closed (failed over)");
        run.Stdout.Should().Contain("active region us-west-2, epoch 3, last transition 2026-11-26T08:50:00.000Z");
        run.Stdout.Should().Contain("Lock: held by arn:aws:states:us-east-1:123456789012:execution:failover-primary-failover:fb-1 until 2026-11-26T09:30:00.000Z (in 30m00s)");
        run.Stdout.Should().Contain("Flag override: block by arn:aws:sts::123456789012:");
        run.Stdout.Should().MatchRegex(@"gate\s+closed \(inverted\)\s+open");
        run.Stdout.Should().MatchRegex(@"flag in force\s+block \(override\)\s+block \(override\)");
    }

    [Fact]
    public async Task Recent_runs_and_decisions_are_listed()
    {
        await RunAsync("start", "drill", "--wait");
        await PutItemAsync(new JsonObject
        {
            ["pk"] = "decision#exec-1", ["decision"] = "NO_ACTION", ["action"] = "failover", ["flag"] = "auto", ["health"] = "HEALTHY",
            ["source"] = "probe failover-secondary-probe", ["reason"] = "the primary is healthy", ["decidedAt"] = "2026-11-26T08:55:00.000Z",
        }, table: "failover-decisions");

        var run = await RunAsync("status", "--json");

        run.Exit.Should().Be(0, run.ToString());
        Region(run, "us-west-2")["executions"]!.AsArray().Should().ContainSingle(e => e!["status"]!.GetValue<string>() == "SUCCEEDED");
        run.Json["decisions"]!.AsArray().Should().ContainSingle(d => d!["reason"]!.GetValue<string>() == "the primary is healthy");
    }

    [Fact]
    public async Task A_primary_region_that_does_not_answer_is_shown_as_such_and_the_rest_still_reads()
    {
        var env = Environment();
        var dead = $"http://127.0.0.1:{MotoServer.FreePort()}";
        env["AWS_ENDPOINT_URL_DYNAMODB_US_EAST_1"] = dead;
        env["AWS_ENDPOINT_URL_ECS_US_EAST_1"] = dead;
        env["AWS_ENDPOINT_URL_SFN_US_EAST_1"] = dead;
        await PutItemAsync(new JsonObject { ["pk"] = "state", ["activeRegion"] = "us-east-1", ["epoch"] = 1 }, region: "us-west-2");

        var run = await RunAsync(env, "status", "--json");

        run.Exit.Should().Be(0, run.ToString());
        Region(run, "us-east-1")["serviceError"]!.GetValue<string>().Should().Be("no answer");
        Region(run, "us-west-2")["desiredCount"]!.GetValue<int>().Should().Be(1);
        run.Json["controlTable"]!["readFrom"]!.GetValue<string>().Should().Be("us-west-2");
        run.Json["controlTable"]!["activeRegion"]!.GetValue<string>().Should().Be("us-east-1");
    }
}
