using System.Text.Json.Nodes;
using Failover.Contract.Readiness;
using Failover.Infra.Tests.Golden;

namespace Failover.Infra.Tests.Oracles;

/// Runs tests/oracles/drill.mjs once over the compiled primary and secondary programs: their own state machines, driven by
/// aws-local-stepfunctions, call the real native `bootstrap` with the compiled environments and the temporary credentials of
/// roles holding the compiled policies, against a moto that enforces SigV4 and IAM after its setup. The secondary is the
/// shipped one with a drill schedule (golden variant secondary-scheduled-drill): drills are opt-in, and the scheduled-drill
/// scenarios start what its schedule starts; everything else in it is the shipped secondary.
public sealed class DrillRun
{
    public JsonNode Result { get; }

    public DrillRun() =>
        Result = MotoScript.RunWorkflows("drill.mjs", GoldenProgramTests.CompileOffline("primary"), GoldenProgramTests.CompileVariant("secondary-scheduled-drill"));

    public JsonNode Scenario(string name) =>
        Result["scenarios"]?[name] ?? throw new InvalidOperationException($"drill.mjs reported no scenario {name}: {Result.ToJsonString()[..Math.Min(2000, Result.ToJsonString().Length)]}");

    public string[] Findings(string name) => [.. Scenario(name)["findings"]!.AsArray().Select(f => f!.GetValue<string>())];

    /// What to read when a scenario fails: its findings, and the last log lines of every function.
    public string Explain(string name) =>
        $"findings of {name}:\n  {string.Join("\n  ", Findings(name))}\nfunction logs:\n{Result["logs"]?.ToJsonString() ?? "none"}";
}

public sealed class DrillTests(DrillRun drill) : IClassFixture<DrillRun>
{
    [Theory]
    [InlineData("failover")]
    [InlineData("failback")]
    [InlineData("drill")]
    public void Each_workflow_runs_end_to_end_under_iam_enforcement_and_does_what_it_promises(string scenario)
    {
        drill.Findings(scenario).Should().BeEmpty(drill.Explain(scenario));
        drill.Scenario(scenario)["outcome"]!.GetValue<string>().Should().Be("SUCCEEDED");
    }

    [Fact]
    public void Failover_moves_traffic_to_the_secondary_and_records_it_as_epoch_1()
    {
        var failover = drill.Scenario("failover");
        failover["output"]!["release"]!["epoch"]!.GetValue<long>().Should().Be(1);
        failover["output"]!["shift"]!["inverted"]!.GetValue<bool>().Should().BeTrue();
        failover["notices"]!.AsArray().Select(n => n!["message"]!["event"]!.GetValue<string>()).Should().Equal("INITIATED", "SUCCEEDED");
    }

    [Fact]
    public void Failback_scales_the_secondary_down_through_the_primarys_scale_standby_function()
    {
        var failback = drill.Scenario("failback");
        failback["tasks"]!.AsArray().Should().Contain(t => t!["state"]!.GetValue<string>() == "ScaleDownStandby"
            && t["function"]!.GetValue<string>() == "failover-primary-scale-standby" && t["response"]!["desiredCount"]!.GetValue<int>() == 1);
        failback["output"]!["release"]!["epoch"]!.GetValue<long>().Should().Be(2);
    }

    /// What the compiled schedule starts (its target machine and input) drills like an operator's drill, and says so in the
    /// same words: drill.mjs compares every notice's event, decision, reason and summary, the source aside.
    [Fact]
    public void A_scheduled_drill_runs_like_an_operators_and_is_notified_in_the_same_words()
    {
        drill.Findings("scheduled-drill").Should().BeEmpty(drill.Explain("scheduled-drill"));
        var scheduled = drill.Scenario("scheduled-drill");
        scheduled["outcome"]!.GetValue<string>().Should().Be("SUCCEEDED");
        scheduled["executionArn"]!.GetValue<string>().Should().Contain(":execution:failover-secondary-failover-trigger:");
        var notices = scheduled["notices"]!.AsArray().Select(n => n!["message"]!).ToList();
        notices.Select(n => n["event"]!.GetValue<string>()).Should().Equal("INITIATED", "SUCCEEDED");
        notices.Should().OnlyContain(n => n["source"]!.GetValue<string>() == "schedule failover-secondary-drill");
        var operators = drill.Scenario("drill")["notices"]!.AsArray().Select(n => n!["message"]!["summary"]!.GetValue<string>());
        notices.Select(n => n["summary"]!.GetValue<string>().Replace("(schedule failover-secondary-drill)", "(drill-test)", StringComparison.Ordinal))
            .Should().Equal(operators);
    }

    /// Fired while traffic is failed over: NO_ACTION that says why, nothing scaled, nothing announced (the primary is healthy).
    [Fact]
    public void A_scheduled_drill_while_failed_over_scales_nothing_and_says_why()
    {
        drill.Findings("scheduled-drill-failed-over").Should().BeEmpty(drill.Explain("scheduled-drill-failed-over"));
        var refused = drill.Scenario("scheduled-drill-failed-over");
        refused["output"]!["decision"]!["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        refused["output"]!["decision"]!["reason"]!.GetValue<string>().Should().StartWith("traffic is failed over: the standby is serving, so not drilling");
        refused["visited"]!.AsArray().Select(v => v!.GetValue<string>()).Should().NotContain("ScaleUp");
        refused["notices"]!.AsArray().Should().BeEmpty();
    }

    [Fact]
    public void A_drill_reports_its_timings()
    {
        var timings = drill.Scenario("drill")["timings"]!["workflow"]!.AsObject();
        timings.Select(t => t.Key).Should().Equal("started", "decided", "ready", "finished");
        timings["finished"]!["ms"]!.GetValue<long>().Should().BeGreaterThanOrEqualTo(timings["ready"]!["ms"]!.GetValue<long>());
    }

    /// release-lock measured each run at its final release into its region's decision log: the phases the run went through are
    /// seconds, the others null (no alarm started these runs; a drill neither runs recovery tasks nor moves the gate; detection and
    /// the DNS TTL are never seen by a run).
    [Theory]
    [InlineData("failover", "failover-secondary", new[] { RecoveryPhases.Decision, RecoveryPhases.ScaleUpAndReadiness, RecoveryPhases.RecoveryTasks, RecoveryPhases.GateFlip })]
    [InlineData("failback", "failover-primary", new[] { RecoveryPhases.Decision, RecoveryPhases.ScaleUpAndReadiness, RecoveryPhases.RecoveryTasks, RecoveryPhases.GateFlip })]
    [InlineData("drill", "failover-secondary", new[] { RecoveryPhases.Decision, RecoveryPhases.ScaleUpAndReadiness })]
    public void Each_run_leaves_its_measured_record_in_the_decision_log(string scenario, string stack, string[] measuredPhases)
    {
        var run = drill.Scenario(scenario);
        drill.Findings(scenario).Should().BeEmpty(drill.Explain(scenario));
        var measured = run["measured"]!;
        var execution = run["executionArn"]!.GetValue<string>();
        (measured["execution"]!.GetValue<string>(), measured["action"]!.GetValue<string>(), measured["stack"]!.GetValue<string>(), measured["outcome"]!.GetValue<string>())
            .Should().Be((execution, scenario, stack, "SUCCEEDED"));
        var phases = measured["phases"]!.AsObject();
        phases.Select(p => p.Key).Should().Equal(RecoveryPhases.All);
        phases.Where(p => p.Value is not null).Select(p => p.Key).Should().Equal(measuredPhases);
        phases.Where(p => p.Value is not null).Should().OnlyContain(p => p.Value!.GetValue<double>() >= 0);
        run["output"]!["release"]!["recorded"]!.GetValue<bool>().Should().BeTrue();
        run["runIndex"]!["recent"]![0]!.GetValue<string>().Should().Be(execution);
    }

    /// One index for the pair: the decision log is a global table, so each region's release-lock adds to what the other wrote.
    [Fact]
    public void The_run_index_keeps_the_runs_newest_first_and_the_drill_as_the_last_succeeded_one()
    {
        var index = drill.Scenario("drill")["runIndex"]!;
        index["recent"]!.AsArray().Select(r => r!.GetValue<string>()).Should()
            .Equal(Executions("drill", "failback", "failover"));
        index["lastSucceededDrill"]!.GetValue<string>().Should().Be(drill.Scenario("drill")["executionArn"]!.GetValue<string>());
        drill.Scenario("failover")["runIndex"]!["lastSucceededDrill"].Should().BeNull("a failover is no drill");
    }

    /// Each stack's real readiness function, once after the drills, with its compiled environment and its compiled role's
    /// credentials under moto's IAM enforcement: the role allows every read its eleven checks make, and every check moto can
    /// answer passes on this consistent pair. Service Quotas and IAM's simulator are the Ops harness's stand-ins
    /// (tests/Ops.Tests/Harness/stand_ins.py), which moto checks first, so the quota read and the simulation need the role's grant too.
    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    public void Each_stacks_readiness_function_runs_every_check_with_no_more_than_its_role_allows(string stack)
    {
        drill.Findings("readiness").Should().BeEmpty(drill.Explain("readiness"));
        var results = drill.Scenario("readiness")["stacks"]![stack]!["report"]!["results"]!.AsArray()
            .Select(r => (Check: r!["check"]!.GetValue<string>(), Status: r["status"]!.GetValue<string>(), Why: r["why"]!.GetValue<string>())).ToList();
        results.Select(r => r.Check).Should().Equal(CheckNames.All);
        results.Should().NotContain(r => r.Why.Contains("AccessDenied", StringComparison.Ordinal) || r.Why.Contains("not authorized", StringComparison.Ordinal));
        // moto starts no task, so none reports the digest it pulled, and the world's image is in no private registry whose tag
        // could be resolved: the one check moto cannot answer.
        results.Where(r => r.Status != "pass").Select(r => (r.Check, r.Status)).Should().Equal((CheckNames.SameImage, "unknown"));
    }

    /// What the readiness function published, read back from moto's CloudWatch in the stack's region: the readiness alarm's
    /// count and each check's pair of metrics.
    [Theory]
    [InlineData("primary", "failover-primary")]
    [InlineData("secondary", "failover-secondary")]
    public void The_readiness_function_publishes_each_checks_result_where_the_readiness_alarm_reads_it(string stack, string prefix)
    {
        var metrics = drill.Scenario("readiness")["stacks"]![stack]!["metrics"]!.AsArray()
            .Select(m => (Name: m!["name"]!.GetValue<string>(), Check: m["dimensions"]!["Check"]?.GetValue<string>(), Stack: m["dimensions"]!["Stack"]!.GetValue<string>(),
                Value: m["value"]?.GetValue<double>())).ToList();
        metrics.Should().OnlyContain(m => m.Stack == prefix);
        metrics.Should().ContainSingle(m => m.Name == ReadinessMetrics.ChecksFailing).Which.Value.Should().Be(0);
        metrics.Where(m => m.Name == ReadinessMetrics.CheckUnknown && m.Value == 1).Select(m => m.Check).Should().Equal(CheckNames.SameImage);
        metrics.Where(m => m.Name == ReadinessMetrics.CheckFailed).Select(m => m.Check).Should().BeEquivalentTo(CheckNames.All.Except([CheckNames.SameImage]));
        metrics.Where(m => m.Name == ReadinessMetrics.CheckFailed).Should().OnlyContain(m => m.Value == 0);
    }

    /// `failoverctl report --output json`, built and run against the same moto after the drills (a stand-in `pulumi` answering the
    /// stacks' outputs; as an IAM user allowed dynamodb:GetItem only): the scheduled drill just run, newest, each phase as
    /// release-lock measured it beside the secondary's model as its readiness plan carries it.
    [Fact]
    public void The_report_prints_the_scheduled_drill_just_run_phase_by_phase_beside_the_model()
    {
        drill.Findings("report").Should().BeEmpty(drill.Explain("report"));
        var scenario = drill.Scenario("report");
        var runs = scenario["report"]!["runs"]!.AsArray();
        runs.Select(r => r!["execution"]!.GetValue<string>()).Should().Equal(Executions("scheduled-drill", "drill", "failback", "failover"));
        var shown = runs[0]!;
        (shown["action"]!.GetValue<string>(), shown["outcome"]!.GetValue<string>(), shown["stack"]!.GetValue<string>())
            .Should().Be(("drill", "SUCCEEDED", "failover-secondary"));

        var phases = shown["phases"]!.AsArray().Select(p => (Phase: p!["phase"]!.GetValue<string>(), Measured: p["measuredSeconds"]?.GetValue<double>(),
            Typical: p["typicalSeconds"]!.GetValue<int>(), Bound: p["boundSeconds"]!.GetValue<int>())).ToList();
        var recorded = scenario["recorded"]!["phases"]!.AsObject();
        phases.Select(p => (p.Phase, p.Measured)).Should().Equal(recorded.Select(p => (p.Key, p.Value?.GetValue<double>())));
        phases.Where(p => p.Measured is not null).Select(p => p.Phase).Should().Equal(RecoveryPhases.Decision, RecoveryPhases.ScaleUpAndReadiness);
        var model = scenario["model"]!["phases"]!.AsArray();
        phases.Select(p => (p.Phase, p.Typical, p.Bound)).Should().Equal(model.Select(m =>
            (m!["phase"]!.GetValue<string>(), m["typicalSeconds"]!.GetValue<int>(), m["boundSeconds"]!.GetValue<int>())));
        shown["objectiveSeconds"]!.GetValue<int>().Should().Be(scenario["model"]!["objectiveSeconds"]!.GetValue<int>());
        shown["phasesOverBound"]!.AsArray().Should().BeEmpty();
    }

    private string[] Executions(params string[] scenarios) => [.. scenarios.Select(s => drill.Scenario(s)["executionArn"]!.GetValue<string>())];

    [Theory]
    [InlineData("denied-update-service", "ecs:UpdateService", "ScaleUp")]
    // moto names CloudWatch's actions by its signing name in an AccessDenied.
    [InlineData("denied-put-metric-data", "monitoring:PutMetricData", "ShiftTraffic")]
    public void A_policy_missing_one_action_fails_the_failover_with_access_denied_and_moves_no_traffic(string scenario, string action, string state)
    {
        // The expected failure is finding-free: FAILED notified, lock released, gate untouched (drill.mjs checks each in moto).
        drill.Findings(scenario).Should().BeEmpty(drill.Explain(scenario));
        var result = drill.Scenario(scenario);
        result["outcome"]!.GetValue<string>().Should().Be("FAILED");
        result["expected"]!.GetValue<string>().Should().Be("FAILED");
        result["error"]!["Error"]!.GetValue<string>().Should().Be("AwsServiceError");
        result["error"]!["Cause"]!.GetValue<string>().Should().Contain("AccessDenied").And.Contain($"is not authorized to perform: {action}");
        result["tasks"]!.AsArray().Should().Contain(t => t!["state"]!.GetValue<string>() == state && t["error"] != null
            && t["error"]!.GetValue<string>() == "AwsServiceError");
        result["notices"]!.AsArray().Select(n => n!["message"]!["event"]!.GetValue<string>()).Should().Equal("INITIATED", "FAILED");
    }

    /// The primary's region down (its application and every endpoint signed for it reset the connection) and Route 53's API
    /// unreachable: an operator's failover still closes the primary's gate, in the recovery region's CloudWatch. Asserted from what
    /// moto holds and from every request the functions made (a recording proxy), not from what the functions say.
    [Fact]
    public void A_failover_with_the_primary_region_and_route53s_api_down_moves_traffic_through_the_recovery_region_alone()
    {
        drill.Findings("outage-failover").Should().BeEmpty(drill.Explain("outage-failover"));
        var scenario = drill.Scenario("outage-failover");
        scenario["outcome"]!.GetValue<string>().Should().Be("SUCCEEDED");
        scenario["after"]!["gates"]!["primary"]!["inverted"]!.GetValue<bool>().Should().BeTrue();
        var requests = scenario["requests"]!.AsArray().Select(r => (Role: r!["role"]!.GetValue<string>(), Service: r["service"]!.GetValue<string>(),
            Region: r["region"]!.GetValue<string>(), Operation: r["operation"]!.GetValue<string>())).ToList();
        requests.Where(r => r.Role != "secondary:decide").Should().NotBeEmpty()
            .And.OnlyContain(r => r.Region == "us-west-2" && r.Service != "route53", "scaling, readiness, the gate and the record need only the recovery region");
        requests.Should().Contain(("secondary:shift-traffic", "monitoring", "us-west-2", "PutMetricData"));
        requests.Where(r => r.Region == "us-east-1" || r.Service == "route53").Should()
            .OnlyContain(r => r.Role == "secondary:decide" && (r.Operation == "DescribeAlarms" || r.Operation.EndsWith("/status", StringComparison.Ordinal)
                    || r.Operation == "AmazonEC2ContainerServiceV20141113.DescribeServices"),
                "only decide's reads of the primary's health and size try the dead region, and they count as evidence, not as a dependency");
    }

    [Fact]
    public void Failing_back_after_the_primary_recovers_needs_no_route53_api()
    {
        drill.Findings("outage-failback").Should().BeEmpty(drill.Explain("outage-failback"));
        var scenario = drill.Scenario("outage-failback");
        scenario["outcome"]!.GetValue<string>().Should().Be("SUCCEEDED");
        (scenario["after"]!["gates"]!["primary"]!["inverted"]!.GetValue<bool>(), scenario["after"]!["gates"]!["secondary"]!["inverted"]!.GetValue<bool>())
            .Should().Be((false, false));
        scenario["requests"]!.AsArray().Where(r => r!["service"]!.GetValue<string>() == "route53")
            .Should().OnlyContain(r => r!["role"]!.GetValue<string>() == "primary:decide");
    }

    /// The recovery region crowded (one task of two gets healthy) while the primary is confirmed down (its application does not
    /// answer and its health alarm is in ALARM): the probe's failover moves traffic to the one healthy task when the readiness wait
    /// ends, keeps the active desired count, and says so.
    [Fact]
    public void A_crowded_recovery_region_takes_traffic_with_partial_capacity_when_the_primary_is_confirmed_down()
    {
        drill.Findings("crowded-failover").Should().BeEmpty(drill.Explain("crowded-failover"));
        var scenario = drill.Scenario("crowded-failover");
        scenario["outcome"]!.GetValue<string>().Should().Be("SUCCEEDED");
        scenario["visited"]!.AsArray().Select(v => v!.GetValue<string>()).Should().Contain("ShiftWithPartialCapacity").And.NotContain("NotReady");
        scenario["notices"]!.AsArray().Single(n => n?["message"]?["event"]?.GetValue<string>() == "SUCCEEDED")!["message"]!["partial"]!["healthyTargets"]!
            .GetValue<int>().Should().Be(1);
    }

    /// A faster probe must not page faster: with the primary down and the flag block, the probe's first run publishes BLOCKED
    /// (saying when the next reminder comes) and records it with decide's own grant; the second ends Blocked in silence.
    [Fact]
    public void A_blocked_outage_is_announced_once_and_the_next_probe_stays_silent()
    {
        drill.Findings("repeated-blocked").Should().BeEmpty(drill.Explain("repeated-blocked"));
        var scenario = drill.Scenario("repeated-blocked");
        scenario["outcome"]!.GetValue<string>().Should().Be("SUCCEEDED");
        scenario["notices"]!.AsArray().Select(n => n!["message"]!["event"]!.GetValue<string>()).Should().Equal("BLOCKED");
    }
}
