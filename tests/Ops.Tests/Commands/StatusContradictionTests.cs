using System.Text.Json.Nodes;
using Failover.Functions.Aws;
using Failover.Ops.Aws;
using Failover.Ops.Commands;
using Failover.Ops.Pulumi;
using Failover.Ops.Tests.Harness;

namespace Failover.Ops.Tests.Commands;

/// `failoverctl status` says which readings contradict each other, one sentence each, instead of leaving them side by side;
/// they change nothing of its exit code.
public sealed class StatusContradictionTests(MotoServer moto) : OpsWorld(moto)
{
    private static IEnumerable<string> Contradictions(Run run) => run.Json["contradictions"]!.AsArray().Select(c => c!.GetValue<string>());

    [Fact]
    public async Task A_healthy_pair_has_none()
    {
        var run = await RunAsync("status", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        Contradictions(run).Should().BeEmpty();
        (await RunAsync("status")).Stdout.Should().NotContain("Contradictions");
    }

    [Fact]
    public async Task A_closed_gate_while_the_control_table_records_no_failover_is_one_sentence_and_exit_0()
    {
        await CloseGateAsync(Primary);

        var run = await RunAsync("status");

        run.Exit.Should().Be(0, "status is a read: a pipeline polling it must not break on the state it watches");
        var sentence = "primary's gate is closed, so Route 53 sends traffic to secondary (us-west-2), but the control table records no failover: " +
            "a run moved traffic without recording it, or someone closed the gate by hand";
        run.Stdout.Should().Contain($"Contradictions (readings that cannot all be true; check before acting on either):\n  - {sentence}\n");
        Contradictions(await RunAsync("status", "--output", "json")).Should().Equal(sentence);
    }

    [Fact]
    public async Task A_closed_gate_while_a_run_holds_the_lock_is_a_failover_in_flight_not_a_contradiction()
    {
        await CloseGateAsync(Primary);
        Now = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        await PutItemAsync(new JsonObject
        {
            ["pk"] = "state", ["lockOwner"] = "arn:aws:states:us-west-2:123456789012:execution:failover-secondary-failover:fo-1",
            ["lockLeaseExpiresAt"] = (int)Now.Value.AddMinutes(10).ToUnixTimeSeconds(),
        });

        var run = await RunAsync("status", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        Contradictions(run).Should().BeEmpty("the run records the transition when it releases the lock");
    }

    [Fact]
    public async Task An_open_gate_while_the_control_table_says_the_secondary_is_active_is_named()
    {
        await PutItemAsync(new JsonObject { ["pk"] = "state", ["activeRegion"] = "us-west-2", ["epoch"] = 2 });

        var run = await RunAsync("status", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        Contradictions(run).Should().Equal("primary's gate is open, so Route 53 may send traffic to primary (us-east-1), but the control table says us-west-2 is active: " +
            "someone opened the gate by hand, or a failback moved traffic without recording it");
    }

    [Fact]
    public async Task Both_gates_closed_is_named()
    {
        await CloseGateAsync(Primary);
        await CloseGateAsync(Secondary);
        await PutItemAsync(new JsonObject { ["pk"] = "state", ["activeRegion"] = "us-west-2", ["epoch"] = 2 });

        var run = await RunAsync("status", "--output", "json");

        Contradictions(run).Should().Equal("both gates are closed, which no run does: Route 53 then answers with primary's record although its gate says not to");
    }

    [Fact]
    public async Task A_lock_held_by_a_run_that_has_ended_is_named()
    {
        var drill = await RunAsync("start", "drill", "--wait", "--output", "json");
        var arn = drill.Json["executionArn"]!.GetValue<string>();
        Now = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        await PutItemAsync(new JsonObject
        {
            ["pk"] = "state", ["activeRegion"] = "us-east-1", ["epoch"] = 1,
            ["lockOwner"] = arn, ["lockLeaseExpiresAt"] = (int)Now.Value.AddMinutes(20).ToUnixTimeSeconds(),
        });

        var run = await RunAsync("status", "--output", "json");

        Contradictions(run).Should().Equal($"the lock is held by run {arn.Split(':')[^1]} until 2026-11-26T09:20:00.000Z, but that run has ended (SUCCEEDED): " +
            "deploy refuses until then (the next run takes the lock over)");
    }

    /// Serving with no tasks, and a run that outlives its lease, are hard to hold still in moto: the checks are read from the
    /// facts directly.
    [Fact]
    public void The_serving_region_without_running_tasks_and_a_run_past_its_lease_are_named()
    {
        var now = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        var primary = DeployedStack.From("primary", Primary);
        var owner = "arn:aws:states:us-west-2:123456789012:execution:failover-secondary-failover:fo-1";
        var facts = new StatusFacts
        {
            Primary = primary, Secondary = DeployedStack.From("secondary", Secondary),
            PrimaryGate = new GatePosition(false), SecondaryGate = new GatePosition(false),
            Replicas = [("us-west-2", new ControlItem(null, new LockHolder(owner, now.AddMinutes(-3))))],
            Serving = primary, ServingService = new EcsClient.Service(2, 0, "FAILED"),
            Runs = [new Execution(owner, "fo-1", "RUNNING", now.AddMinutes(-20), null)], Now = now,
        };

        Failover.Ops.Commands.Contradictions.Find(facts).Should().Equal(
            "primary (us-east-1) serves traffic but runs 0 tasks (desired 2): its requests fail until tasks start",
            "run fo-1 is still running, but its lock's lease ended at 2026-11-26T08:57:00.000Z: another run could take the lock and act at the same time");
    }
}
