using System.Text.Json.Nodes;
using Failover.Ops.Tests.Harness;

namespace Failover.Ops.Tests.Commands;

/// `failoverctl start`: the right region's state machine, the input decide expects, and with --wait an exit code that says
/// whether the run did what it was started for. moto runs the workflows (Harness/world.py: the real state names and output shape).
public sealed class StartCommandTests(MotoServer moto) : OpsWorld(moto)
{
    private string PrimaryMachine => Primary["stateMachineArn"]!.GetValue<string>();
    private string SecondaryMachine => Secondary["stateMachineArn"]!.GetValue<string>();

    private async Task<JsonArray> ExecutionsAsync(string machine) => (await Moto.WorldAsync("executions", machine))!.AsArray();

    [Fact]
    public async Task A_failover_starts_in_the_secondary_with_the_operators_identity_and_reason()
    {
        var run = await RunAsync("start", "failover", "--reason", "us-east-1 ALB 5xx since 09:12");

        run.Exit.Should().Be(0, run.ToString());
        var started = (await ExecutionsAsync(SecondaryMachine)).Should().ContainSingle().Subject!;
        var input = started["input"]!.AsObject();
        input["action"]!.GetValue<string>().Should().Be("failover");
        input["source"]!.GetValue<string>().Should().StartWith("failoverctl arn:aws:sts::123456789012:");
        input["reason"]!.GetValue<string>().Should().Be("us-east-1 ALB 5xx since 09:12");
        input.ContainsKey("force").Should().BeFalse();
        input.ContainsKey("unattended").Should().BeFalse("an operator's start is attended");
        (await ExecutionsAsync(PrimaryMachine)).Should().BeEmpty();
        run.Stdout.Trim().Should().StartWith("arn:aws:states:us-west-2:");
    }

    [Fact]
    public async Task A_failback_starts_in_the_primary()
    {
        var run = await RunAsync("start", "failback", "--reason", "us-east-1 recovered");

        run.Exit.Should().Be(0, run.ToString());
        (await ExecutionsAsync(PrimaryMachine)).Should().ContainSingle();
        (await ExecutionsAsync(SecondaryMachine)).Should().BeEmpty();
    }

    [Fact]
    public async Task Force_is_passed_to_the_run()
    {
        var run = await RunAsync("start", "failover", "--force", "--reason", "planned region evacuation");

        run.Exit.Should().Be(0, run.ToString());
        (await ExecutionsAsync(SecondaryMachine)).Single()!["input"]!["force"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task A_drill_followed_to_the_end_prints_each_state_and_its_step_timings()
    {
        var run = await RunAsync("start", "drill", "--wait");

        run.Exit.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("drill succeeded in").And.Contain("(us-west-2)");
        foreach (var state in new[] { "Prepare", "Decide", "ScaleUp", "CheckReadiness", "StampReady", "ReleaseLock", "Done" })
            run.Stderr.Should().Contain($"  {state}");
        run.Stdout.Should().MatchRegex(@"step\s+at\s+since start\s+since previous");
        var steps = run.Stdout.Split('\n').Select(l => l.Split(' ')[0]).ToList();
        steps.Should().ContainInOrder("started", "decided", "ready", "finished");
    }

    [Fact]
    public async Task A_drill_with_json_reports_its_timings_as_seconds_since_the_start()
    {
        var run = await RunAsync("start", "drill", "--wait", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        var timings = run.Json["timings"]!.AsArray();
        timings.Select(t => t!["step"]!.GetValue<string>()).Should().Equal("started", "decided", "ready", "finished");
        // The readiness check waits a second in the synthetic workflow: ready comes at least that long after the start.
        timings[2]!["sinceStartSeconds"]!.GetValue<double>().Should().BeGreaterThanOrEqualTo(0.9);
        run.Json["endState"]!.GetValue<string>().Should().Be("Done");
    }

    [Fact]
    public async Task A_state_that_lasts_says_on_stderr_that_the_run_is_still_going_and_the_json_stays_clean()
    {
        // Shorter than the 200 ms poll, so any poll that finds the run in the state it last reported says so; the synthetic
        // readiness check's one-second wait guarantees such a poll even when the machine is slow to answer.
        ProgressInterval = TimeSpan.FromMilliseconds(100);

        var run = await RunAsync("start", "drill", "--wait", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        run.Stderr.Should().MatchRegex(@"(?m)^  still running in \w+ \(\d+\.\ds so far\)$");
        run.Json["endState"]!.GetValue<string>().Should().Be("Done");
    }

    [Fact]
    public async Task A_run_the_flag_blocked_exits_3_with_the_reason()
    {
        await Moto.WorldAsync("workflow", SecondaryMachine, "blocked");

        var run = await RunAsync("start", "failover", "--wait", "--reason", "INC-42");

        run.Exit.Should().Be(3, run.ToString());
        run.Stderr.Should().Contain("error: failover was blocked by the user request flag: the primary looks unhealthy but the flag is block (set by oncall); nothing was changed.");
    }

    [Fact]
    public async Task A_run_with_no_action_exits_3_with_the_reason()
    {
        await Moto.WorldAsync("workflow", SecondaryMachine, "no-action");

        var run = await RunAsync("start", "failover", "--wait");

        run.Exit.Should().Be(3, run.ToString());
        run.Stderr.Should().Contain("failover ended with no action: the primary is healthy; nothing was changed.");
    }

    [Fact]
    public async Task A_failed_run_exits_1_with_its_error_and_cause()
    {
        await Moto.WorldAsync("workflow", SecondaryMachine, "not-ready");

        var run = await RunAsync("start", "failover", "--wait");

        run.Exit.Should().Be(1, run.ToString());
        run.Stderr.Should().Contain("error: failover failed after").And.Contain(": NotReady (the region was not ready within 600 s; traffic was not moved).");
    }

    [Theory]
    [InlineData("unknown action 'evacuate'", "start", "evacuate")]
    [InlineData("--force needs --reason", "start", "failover", "--force")]
    [InlineData("--force does not apply to a drill", "start", "drill", "--force", "--reason", "x")]
    [InlineData("Required argument missing", "start")]
    public async Task Bad_arguments_start_nothing(string error, params string[] args)
    {
        var run = await RunAsync(args);

        run.Exit.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain(error);
        (await ExecutionsAsync(SecondaryMachine)).Should().BeEmpty();
        (await ExecutionsAsync(PrimaryMachine)).Should().BeEmpty();
        Pulumi.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task Outputs_of_an_older_deploy_are_named_and_nothing_starts()
    {
        Secondary.Remove("stateMachineArn");
        Pulumi.Outputs("secondary", Secondary);

        var run = await RunAsync("start", "failover");

        run.Exit.Should().Be(1);
        run.Stderr.Should().Contain("stack secondary lacks the output(s) stateMachineArn");
        (await ExecutionsAsync(PrimaryMachine)).Should().BeEmpty();
    }
}
