using System.Text.Json.Nodes;
using Failover.Ops.Tests.Harness;

namespace Failover.Ops.Tests.Commands;

/// `failoverctl report`: the runs the decision log measured, each phase beside the model of the stack whose workflow ran.
public sealed class ReportCommandTests(MotoServer moto) : OpsWorld(moto)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await UseReadinessWorldAsync();
    }

    private static JsonObject Phase(JsonNode run, string phase) =>
        run["phases"]!.AsArray().Single(p => p!["phase"]!.GetValue<string>() == phase)!.AsObject();

    [Fact]
    public async Task A_recorded_drill_is_shown_phase_by_phase_beside_the_model()
    {
        var run = await RunAsync("report");

        run.Exit.Should().Be(0, run.ToString());
        run.Stdout.Should().MatchRegex(@"^drill SUCCEEDED, started \S+Z by operator \(failover-secondary; arn:aws:states:us-west-2:\S+:drill-1\)\n");
        // The secondary's failover model (world.py MODELS): measured, typical, bound.
        run.Stdout.Should().MatchRegex(@"\n  phase\s+measured\s+typical\s+bound\n")
            .And.MatchRegex(@"\n  trigger\s+1\.2s\s+5\.0s\s+1m00s\n")
            .And.MatchRegex(@"\n  scaleUpAndReadiness\s+1m35s\s+1m20s\s+10m00s\n")
            .And.MatchRegex(@"\n  detection\s+-\s+3m00s\s+5m00s\n")
            .And.MatchRegex(@"\n  total\s+1m38s\s+6m30s\s+30m00s objective\n");
        run.Stdout.Should().Contain("not measured in this run: detection, recoveryTasks, gateFlip, dnsTtl (the total leaves them out)")
            .And.NotContain("OVER");
    }

    [Fact]
    public async Task A_phase_over_its_bound_and_a_run_over_the_objective_are_flagged_and_the_report_still_exits_0()
    {
        await Moto.WorldAsync("drift-slow-drill");

        var run = await RunAsync("report");

        run.Exit.Should().Be(0, "a history is read, not a gate: `readiness` fails on the newest drill");
        run.Stdout.Should().MatchRegex(@"\n  scaleUpAndReadiness\s+33m20s\s+1m20s\s+10m00s\s+OVER BOUND\n")
            .And.MatchRegex(@"\n  total\s+33m23s\s+6m30s\s+30m00s objective\s+OVER OBJECTIVE\n");
        run.Stdout.Split("OVER BOUND").Should().HaveCount(2, "only the drill that overran is flagged, once");
    }

    [Fact]
    public async Task The_json_result_has_each_runs_phases_with_the_models_figures_and_what_is_over()
    {
        await Moto.WorldAsync("drift-slow-drill");

        var run = await RunAsync("report", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        var runs = run.Json["runs"]!.AsArray();
        runs.Should().HaveCount(2);
        var slow = runs[0]!;
        slow["execution"]!.GetValue<string>().Should().EndWith(":drill-2", "newest first");
        slow["phasesOverBound"]!.AsArray().Select(p => p!.GetValue<string>()).Should().Equal("scaleUpAndReadiness");
        slow["overObjective"]!.GetValue<bool>().Should().BeTrue();
        slow["objectiveSeconds"]!.GetValue<int>().Should().Be(1800);
        Phase(slow, "scaleUpAndReadiness")["measuredSeconds"]!.GetValue<double>().Should().Be(2000);
        Phase(slow, "scaleUpAndReadiness")["boundSeconds"]!.GetValue<int>().Should().Be(600);
        Phase(slow, "gateFlip")["measuredSeconds"].Should().BeNull("a drill does not move the gate");
        runs[1]!["overObjective"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task Last_shows_only_the_newest_runs()
    {
        await Moto.WorldAsync("drift-slow-drill");

        var run = await RunAsync("report", "--last", "1", "--output", "json");

        run.Json["runs"]!.AsArray().Should().ContainSingle().Which!["execution"]!.GetValue<string>().Should().EndWith(":drill-2");
    }

    [Fact]
    public async Task A_failback_is_measured_against_the_primarys_model()
    {
        await Moto.WorldAsync("runs", new JsonArray(new JsonObject
        {
            ["execution"] = "arn:aws:states:us-east-1:123456789012:execution:failover-primary-failover:failback-1", ["action"] = "failback",
            ["stack"] = "failover-primary", ["outcome"] = "SUCCEEDED", ["source"] = "operator",
            ["startedAt"] = "2026-01-05T10:00:00.000Z", ["finishedAt"] = "2026-01-05T10:04:00.000Z",
            ["phases"] = new JsonObject { ["trigger"] = 2.0, ["scaleUpAndReadiness"] = 100.0, ["gateFlip"] = 130.0 },
        }).ToJsonString());

        var run = await RunAsync("report");

        run.Stdout.Should().StartWith("failback SUCCEEDED")
            .And.MatchRegex(@"\n  gateFlip\s+2m10s\s+1m00s\s+2m00s\s+OVER BOUND\n")
            .And.NotContain("detection", "the primary's failback model has no detection phase, and none was measured");
    }

    [Fact]
    public async Task With_no_run_measured_yet_it_says_how_one_is()
    {
        await Moto.WorldAsync("runs", "[]");

        var run = await RunAsync("report");

        run.Exit.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("No run has been measured yet");
    }

    [Fact]
    public async Task Last_outside_1_to_50_is_a_usage_error()
    {
        var run = await RunAsync("report", "--last", "0");

        run.Exit.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("--last takes a number of runs from 1 to 50 (got 0)");
    }
}
