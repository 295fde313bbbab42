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

    /// Route 53 answers with the primary's record then, as a table that records no failover says: one sentence, with the causes
    /// a metric gate has, and no run blamed for moving traffic.
    [Fact]
    public async Task Both_gates_closed_is_one_sentence_with_its_causes()
    {
        await CloseGateAsync(Primary);
        await CloseGateAsync(Secondary);

        var run = await RunAsync("status", "--output", "json");

        Contradictions(run).Should().Equal("both gates are closed, so Route 53 answers with primary's record (us-east-1) although its gate says not to: " +
            "a degraded failback no longer among the recent runs (one that cannot open primary's gate closes secondary's), or someone closed a gate " +
            "by hand; open both gates (docs/design.md, Traffic gates)");
    }

    /// A failback that cannot open the primary's gate closes the secondary's on purpose, and records the primary as active.
    [Fact]
    public async Task Both_gates_closed_after_a_degraded_failback_names_it_and_the_remedy()
    {
        await CloseGateAsync(Primary);
        await CloseGateAsync(Secondary);
        await PutItemAsync(new JsonObject { ["pk"] = "state", ["activeRegion"] = "us-east-1", ["epoch"] = 2 });
        await RanAsync(Primary, "fb-1", new JsonObject { ["action"] = "failback", ["shift"] = new JsonObject { ["shifted"] = true, ["degraded"] = true } });
        Now = DateTimeOffset.UtcNow.AddMinutes(10);

        var run = await RunAsync("status", "--output", "json");

        Contradictions(run).Should().Equal("both gates are closed, so Route 53 answers with primary's record (us-east-1) although its gate says not to: " +
            "failback fb-1 could not open primary's gate (its switch is in us-west-2) and closed secondary's instead (degraded); once us-west-2 answers, " +
            "open both gates, or the next failover has no record to move to (docs/design.md, Traffic gates)");
    }

    /// ARC creates routing controls Off: a new pair has both gates closed until someone turns both On.
    [Fact]
    public async Task Both_arc_routing_controls_off_names_a_new_pair()
    {
        using var primaryCluster = new RecordingEndpoint();
        using var secondaryCluster = new RecordingEndpoint();
        primaryCluster.Then(200, """{"RoutingControlState":"Off"}""", "application/x-amz-json-1.0");
        secondaryCluster.Then(200, """{"RoutingControlState":"Off"}""", "application/x-amz-json-1.0");
        UseArcGates($"us-west-2={primaryCluster.Url}/v1", $"us-west-2={secondaryCluster.Url}/v1");

        var run = await RunAsync("status", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        Contradictions(run).Should().Equal("both gates are closed, so Route 53 answers with primary's record (us-east-1) although its gate says not to: " +
            "a new pair of routing controls (ARC creates them Off: turn both On, docs/design.md, Traffic gates), or someone set them Off by hand");
    }

    /// A run releases its lock seconds after it moved a metric gate, and the gate's alarm shows the move up to two periods later
    /// (a failback's open is published at the start of the next one): right after, the gate is not held against the table.
    [Fact]
    public async Task A_metric_gate_that_has_not_caught_up_with_a_failover_that_just_ended_is_not_a_contradiction()
    {
        await PutItemAsync(new JsonObject { ["pk"] = "state", ["activeRegion"] = "us-west-2", ["epoch"] = 1 });
        await Moto.WorldAsync("alarm", "us-west-2", Primary["trafficGate"]!["alarmName"]!.GetValue<string>(), "OK");
        var ended = await RanAsync(Secondary, "fo-1", new JsonObject { ["action"] = "failover", ["shift"] = new JsonObject { ["shifted"] = true } });
        Now = ended.AddSeconds(30);

        var run = await RunAsync("status");

        run.Exit.Should().Be(0, run.ToString());
        run.Stdout.Should().NotContain("Contradictions");
        run.Stdout.Should().Contain($"(run fo-1 moved traffic and ended at {Attr.Iso(ended)}: until {Attr.Iso(ended.AddMinutes(3))} primary's gate " +
            "may still read where it was, so it is not checked against the control table)");

        Now = ended.AddMinutes(10);
        Contradictions(await RunAsync("status", "--output", "json")).Should().Equal(
            "primary's gate is open, so Route 53 may send traffic to primary (us-east-1), but the control table says us-west-2 is active: " +
            "someone opened the gate by hand, or a failback moved traffic without recording it");
    }

    /// A run that moved nothing (a drill, a decision not to act) leaves the gates where they were: no reason to wait for them.
    [Fact]
    public async Task A_run_that_moved_no_traffic_does_not_hold_the_checks_back()
    {
        await PutItemAsync(new JsonObject { ["pk"] = "state", ["activeRegion"] = "us-west-2", ["epoch"] = 1 });
        var ended = await RanAsync(Secondary, "drill-1", new JsonObject { ["action"] = "drill", ["shift"] = new JsonObject { ["shifted"] = false } });
        Now = ended.AddSeconds(30);

        var run = await RunAsync("status", "--output", "json");

        Contradictions(run).Should().ContainSingle().Which.Should().StartWith("primary's gate is open");
    }

    /// Runs a stack's workflow to its end with this input (the test world's workflow carries its input to its output, as the
    /// real one carries shift-traffic's answer at `shift`), and answers when it stopped.
    private async Task<DateTimeOffset> RanAsync(JsonObject outputs, string name, JsonObject input)
    {
        var region = outputs["region"]!.GetValue<string>();
        var sfn = new OpsAws(Context(Environment(), TextWriter.Null, TextWriter.Null)).StepFunctions(region);
        var started = await sfn.StartExecutionAsync(outputs["stateMachineArn"]!.GetValue<string>(), name, input.ToJsonString(), default);
        for (var tries = 0; tries < 100; tries++)
        {
            var run = await sfn.DescribeExecutionAsync(started.Arn, default);
            if (run.StopDate is { } stopped) return stopped;
            await Task.Delay(200);
        }
        throw new TimeoutException($"the test world's run {name} did not end");
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
