using System.Globalization;
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
        // The secondary's failover model (world.py MODELS): measured, typical, bound. An operator's drill measures the decision
        // and the scale-up only.
        run.Stdout.Should().MatchRegex(@"\n  phase\s+measured\s+typical\s+bound\n")
            .And.MatchRegex(@"\n  decision\s+3\.2s\s+5\.0s\s+1m00s\n")
            .And.MatchRegex(@"\n  scaleUpAndReadiness\s+1m35s\s+1m20s\s+10m00s\n")
            .And.MatchRegex(@"\n  trigger\s+-\s+5\.0s\s+1m00s\n")
            .And.MatchRegex(@"\n  detection\s+-\s+3m00s\s+5m00s\n");
        run.Stdout.Should().NotContain("OVER");
    }

    [Fact]
    public async Task The_total_is_the_measured_phases_with_the_models_bound_for_the_rest_and_says_which_are_modelled()
    {
        var run = await RunAsync("report");

        // 98.2 s measured + 540 s of bounds (detection 300, trigger 60, recoveryTasks 0, gateFlip 120, dnsTtl 60).
        run.Stdout.Should().MatchRegex(@"\n  total\s+10m38s\s+6m30s\s+30m00s objective\n")
            .And.Contain("  total = 1m38s measured + 9m00s modelled: the bound of detection, trigger, recoveryTasks, gateFlip, dnsTtl, not measured in this run\n");
    }

    [Fact]
    public async Task A_run_within_the_objective_on_its_measured_phases_alone_is_over_it_as_readiness_judges_it()
    {
        // 1303.2 s measured, under the 1800 s objective; with the 540 s the model bounds the rest, 1843.2 s: over it.
        await Moto.WorldAsync("runs", new JsonArray(Drill("drill-3", scaleUp: 1300)).ToJsonString());

        var report = await RunAsync("report", "--output", "json");
        var readiness = await RunAsync("readiness", "--stack", "secondary", "--output", "json");

        var run = report.Json["runs"]!.AsArray().Single()!;
        run["measuredSeconds"]!.GetValue<double>().Should().BeApproximately(1303.2, 0.001);
        run["totalSeconds"]!.GetValue<double>().Should().BeApproximately(1843.2, 0.001);
        run["overObjective"]!.GetValue<bool>().Should().BeTrue();
        readiness.Json["stacks"]!.AsArray().Single()!["results"]!.AsArray()
            .Single(r => r!["check"]!.GetValue<string>() == "drill-recovery-time")!["status"]!.GetValue<string>()
            .Should().Be("fail", "the report and the drill-recovery-time check judge a run the same way");
    }

    [Fact]
    public async Task A_phase_over_its_bound_and_a_run_over_the_objective_are_flagged_and_the_report_still_exits_0()
    {
        await Moto.WorldAsync("drift-slow-drill");

        var run = await RunAsync("report");

        run.Exit.Should().Be(0, "a history is read, not a gate: `readiness` fails on the newest drill");
        run.Stdout.Should().MatchRegex(@"\n  scaleUpAndReadiness\s+33m20s\s+1m20s\s+10m00s\s+OVER BOUND\n")
            .And.MatchRegex(@"\n  total\s+42m23s\s+6m30s\s+30m00s objective\s+OVER OBJECTIVE\n");
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
        // An operator's failback (no alarm: no trigger) runs the recovery tasks (none here) and moves the gate.
        await Moto.WorldAsync("runs", new JsonArray(new JsonObject
        {
            ["execution"] = "arn:aws:states:us-east-1:123456789012:execution:failover-primary-failover:failback-1", ["action"] = "failback",
            ["stack"] = "failover-primary", ["outcome"] = "SUCCEEDED", ["source"] = "operator",
            ["startedAt"] = "2026-01-05T10:00:00.000Z", ["finishedAt"] = "2026-01-05T10:04:00.000Z",
            ["phases"] = new JsonObject
            {
                ["detection"] = null, ["trigger"] = null, ["decision"] = 3.0, ["scaleUpAndReadiness"] = 100.0, ["recoveryTasks"] = 0.1,
                ["gateFlip"] = 130.0, ["dnsTtl"] = null,
            },
        }).ToJsonString());

        var run = await RunAsync("report");

        run.Stdout.Should().StartWith("failback SUCCEEDED")
            .And.MatchRegex(@"\n  gateFlip\s+2m10s\s+1m00s\s+2m00s\s+OVER BOUND\n")
            .And.Contain("  total = 3m53s measured + 1m00s modelled: the bound of detection, trigger, dnsTtl, not measured in this run",
                "the primary's failback model bounds its detection and trigger at 0 s: an operator starts it");
    }

    private static JsonObject Drill(string name, double scaleUp) => new()
    {
        ["execution"] = $"arn:aws:states:us-west-2:123456789012:execution:failover-secondary-failover:{name}", ["action"] = "drill",
        ["stack"] = "failover-secondary", ["outcome"] = "SUCCEEDED", ["source"] = "operator",
        ["startedAt"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        ["finishedAt"] = DateTimeOffset.UtcNow.AddDays(-1).AddSeconds(scaleUp + 60).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        ["phases"] = new JsonObject
        {
            ["detection"] = null, ["trigger"] = null, ["decision"] = 3.2, ["scaleUpAndReadiness"] = scaleUp, ["recoveryTasks"] = null,
            ["gateFlip"] = null, ["dnsTtl"] = null,
        },
    };

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
