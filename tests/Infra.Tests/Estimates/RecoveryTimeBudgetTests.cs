using Failover.Infra.Config;
using Failover.Infra.Estimates;

namespace Failover.Infra.Tests.Estimates;

/// The recovery time model: the shipped stacks' figures worked out by hand, and each config key moving its own phase.
public sealed class RecoveryTimeBudgetTests
{
    private static RecoveryTimeBudget Shipped(string stack)
    {
        var result = ConfigParser.Parse(StackInputs.FromFiles(Repo.Root, stack));
        result.Errors.Should().BeEmpty();
        return RecoveryTimeBudget.For(result.Config!);
    }

    private static RecoveryTimeBudget Secondary(params (string Key, string? Value)[] overrides) =>
        RecoveryTimeBudget.For(TestStacks.Config("secondary", overrides));

    private static RecoveryTimePhase Phase(RecoveryTimeBudget budget, string name) => budget.Phases.Single(p => p.Name == name);

    private static (int Typical, int Bound) Figures(RecoveryTimeBudget budget, string name) =>
        (Phase(budget, name).TypicalSeconds, Phase(budget, name).BoundSeconds);

    /// By hand, from Pulumi.secondary.yaml (defaults: alarms 60 s × 2, endpoint check 10 s × 3, probe every 300 s, active 2,
    /// standby 1, readiness 600 s / 15 s, no recovery tasks), primary in us-east-1:
    ///   paths: alarms 60×2+60 = 180 / 60×3+120 = 300; Route 53 30+60×2+60 = 210 / 40+60×3+120 = 340; probe 30+150 = 180 / 40+300 = 340
    ///   detection: typical min = 180 (alarms); bound max(300, probe 340) = 340 (only the probe outlives a us-east-1 primary)
    ///   trigger 5 / 60; decision 5 / 30+30 = 60; scale-up 60+5×2+15 = 85 / 600; recovery 0 / 0;
    ///   gate (metric, a close: no wait) 60 period + 60 propagation = 120 / 90 timeout + 60 + 60 = 210; TTL 60 / 60
    ///   total 335 s (5 min 35 s) typical, 1290 s (21 min 30 s) bound, against 30 min = 1800 s.
    [Fact]
    public void The_shipped_secondary_fails_over_in_5_and_a_half_minutes_typically_and_21_and_a_half_at_worst()
    {
        var budget = Shipped("secondary");

        budget.Action.Should().Be("failover");
        budget.Phases.Select(p => (p.Name, p.TypicalSeconds, p.BoundSeconds)).Should().Equal(
            (RecoveryTimeBudget.Detection, 60, 300),
            (RecoveryTimeBudget.Trigger, 5, 60),
            (RecoveryTimeBudget.Decision, 5, 60),
            (RecoveryTimeBudget.ScaleUp, 85, 600),
            (RecoveryTimeBudget.RecoveryTasks, 0, 0),
            (RecoveryTimeBudget.TrafficShift, 120, 210),
            (RecoveryTimeBudget.DnsTtl, 60, 60));
        budget.DetectionPaths.Select(p => (p.Name, p.TypicalSeconds, p.BoundSeconds, p.OutlivesPrimaryRegion)).Should().Equal(
            ("health alarms", 180, 300, false), ("Route 53 check + alarm", 210, 340, false), ("probe", 60, 100, true));
        (budget.TypicalSeconds, budget.BoundSeconds, budget.ObjectiveSeconds, budget.Fits).Should().Be((335, 1290, 1800, true));
    }

    /// By hand, from Pulumi.primary.yaml: an operator starts the failback (0 / 0, twice), decision 5 / 60, the primary still runs
    /// its 2 tasks (0 / 600), no recovery tasks, gate (metric, an open: half a period's wait) 30 + 60 + 60 = 150 / 90 + 60 + 60 = 210,
    /// TTL 60 / 60: 215 s typical, 930 s (15 min 30 s) bound.
    [Fact]
    public void The_shipped_primary_fails_back_in_3_and_a_half_minutes_typically_and_15_and_a_half_at_worst()
    {
        var budget = Shipped("primary");

        budget.Action.Should().Be("failback");
        budget.Phases.Select(p => (p.TypicalSeconds, p.BoundSeconds)).Should().Equal((0, 0), (0, 0), (5, 60), (0, 600), (0, 0), (150, 210), (60, 60));
        budget.DetectionPaths.Should().BeEmpty();
        (budget.TypicalSeconds, budget.BoundSeconds, budget.Fits).Should().Be((215, 930, true));
    }

    /// With the probe off (and the primary in us-east-1) only the alarms bound detection; the fastest path gives the typical figure.
    ///   period 120: alarms 120×2+60 = 300 / 120×3+120 = 480; Route 53 30+120+60 = 210 is first.
    ///   3 evaluations: alarms 60×3+60 = 240 / 60×4+120 = 360; Route 53 30+180+60 = 270.
    [Theory]
    [InlineData("60", "2", 180, 300)]
    [InlineData("120", "2", 210, 480)]
    [InlineData("60", "3", 240, 360)]
    public void The_alarm_period_and_evaluations_move_detection(string period, string evaluations, int typical, int bound)
    {
        var budget = Secondary(("probeRate", "off"), ("alarmPeriodSeconds", period), ("alarmEvaluationPeriods", evaluations));

        Figures(budget, RecoveryTimeBudget.Detection).Should().Be((typical, bound));
        Phase(budget, RecoveryTimeBudget.Detection).From.Should().Contain("no trigger outlives the primary region");
        budget.Notes.Should().Contain(n => n.StartsWith("probeRate off and the primary in us-east-1: no trigger outlives the primary region", StringComparison.Ordinal));
    }

    /// The probe bounds detection behind the endpoint check: interval 30 × 3 = 90 (bound 120) + 300 = 420; 10 × 5 = 50 (60) + 300 = 360.
    [Theory]
    [InlineData("10", "3", 340)]
    [InlineData("30", "3", 420)]
    [InlineData("10", "5", 360)]
    public void The_endpoint_interval_and_failure_threshold_move_the_detection_bound(string interval, string failures, int bound)
    {
        // Every 5 minutes, the probe's bound is the later one (every minute, the alarms' 300 s would be).
        var budget = Secondary(("probeRate", "rate(5 minutes)"), ("endpointCheckIntervalSeconds", interval), ("endpointFailureThreshold", failures));

        Figures(budget, RecoveryTimeBudget.Detection).Should().Be((180, bound));
        budget.DetectionPaths.Single(p => p.Name == "probe").BoundSeconds.Should().Be(bound);
    }

    /// A probe every minute is first typically (30 + 30 = 60) but cannot bound a failure only the alarms see (300); an hourly
    /// probe bounds a region outage at 40 + 3600.
    [Theory]
    [InlineData("rate(1 minute)", 60, 300, "bound: health alarms, for a failure only they see (probe outlives the region sooner)")]
    [InlineData("rate(1 hour)", 180, 3640, "bound: probe, the first trigger that outlives the primary region")]
    public void The_probe_rate_moves_detection(string rate, int typical, int bound, string why)
    {
        var budget = Secondary(("probeRate", rate));

        Figures(budget, RecoveryTimeBudget.Detection).Should().Be((typical, bound));
        Phase(budget, RecoveryTimeBudget.Detection).From.Should().Contain(why);
    }

    /// A primary outside us-east-1 has its Route 53 alarm outlive its region: with the probe off it bounds detection (340), not the alarms (300).
    [Fact]
    public void Outside_us_east_1_the_route_53_alarm_outlives_the_primary_region()
    {
        var budget = Secondary(("peerRegion", "us-east-2"), ("probeRate", "off"));

        budget.DetectionPaths.Single(p => p.Name == "Route 53 check + alarm").OutlivesPrimaryRegion.Should().BeTrue();
        Figures(budget, RecoveryTimeBudget.Detection).Should().Be((180, 340));
        budget.Notes.Should().NotContain(n => n.Contains("no trigger outlives", StringComparison.Ordinal));
    }

    /// The workflow waits for activeCount (2) tasks: a pilot light and a warm standby of 1 both start tasks (60 + 5×2 + 15 = 85);
    /// only a standby at the active size is ready at the first check.
    [Theory]
    [InlineData("0", 85, "2 tasks to start (activeCount 2 - standbyCount 0, pilot light)")]
    [InlineData("1", 85, "1 task to start (activeCount 2 - standbyCount 1, warm standby)")]
    [InlineData("2", 0, "the standby already runs activeCount 2 tasks")]
    public void Pilot_light_or_warm_standby_moves_the_scale_up(string standby, int typical, string from)
    {
        var budget = Secondary(("standbyCount", standby));

        Figures(budget, RecoveryTimeBudget.ScaleUp).Should().Be((typical, 600));
        Phase(budget, RecoveryTimeBudget.ScaleUp).From.Should().StartWith(from);
    }

    [Fact]
    public void The_readiness_timeout_bounds_the_scale_up_and_the_poll_adds_to_its_typical_time()
    {
        var budget = Secondary(("readinessTimeoutSeconds", "1200"), ("readinessPollSeconds", "30"));

        Figures(budget, RecoveryTimeBudget.ScaleUp).Should().Be((60 + 10 + 30, 1200));
        budget.BoundSeconds.Should().Be(1290 + 600);
        budget.Fits.Should().BeFalse("1890 s exceed the default objective of 1800 s");
    }

    /// Two beforeShift tasks run in turn: 2 × 60 s to start them, their timeouts (300 + 900) as the bound; afterShift tasks
    /// run once traffic has moved and do not count.
    [Fact]
    public void Before_shift_recovery_tasks_add_their_timeouts_and_after_shift_ones_nothing()
    {
        const string tasks = """
            [{"name": "promote-db", "phase": "beforeShift", "command": ["./promote"], "timeoutSeconds": 300},
             {"name": "warm-cache", "phase": "afterShift", "command": ["./warm"], "timeoutSeconds": 3600},
             {"name": "repoint", "phase": "beforeShift", "command": ["./repoint"], "timeoutSeconds": 900}]
            """;
        var budget = Secondary(("recoveryTasks", tasks));

        Figures(budget, RecoveryTimeBudget.RecoveryTasks).Should().Be((120, 1200));
        Phase(budget, RecoveryTimeBudget.RecoveryTasks).From.Should().StartWith("2 tasks in turn (promote-db, repoint)").And.Contain("300 + 900");
        budget.BoundSeconds.Should().Be(1290 + 1200);
    }

    [Theory]
    [InlineData("21", false)]
    [InlineData("22", true)]
    public void The_bound_not_the_typical_time_must_fit_the_objective(string minutes, bool fits)
    {
        var budget = Secondary(("rtoObjectiveMinutes", minutes));

        budget.ObjectiveSeconds.Should().Be(int.Parse(minutes, System.Globalization.CultureInfo.InvariantCulture) * 60);
        budget.Fits.Should().Be(fits, "the bound is 1290 s; the typical 335 s fits either way");
    }

    /// The route53-api gate flips at once through Route 53's control plane: 60 s propagation, + shift-traffic's 90 s timeout.
    /// A metric gate's open waits for the next period of its alarm (half of it typically), a close does not.
    [Theory]
    [InlineData("secondary", "route53-api", 60, 150)]
    [InlineData("primary", "route53-api", 60, 150)]
    [InlineData("secondary", "metric", 120, 210)]
    [InlineData("primary", "metric", 150, 210)]
    public void The_gate_flip_depends_on_the_gate_kind_and_on_whether_it_opens_or_closes(string role, string gate, int typical, int bound)
    {
        var budget = RecoveryTimeBudget.For(TestStacks.Config(role, ("trafficGate", gate)));

        Figures(budget, RecoveryTimeBudget.TrafficShift).Should().Be((typical, bound));
        Phase(budget, RecoveryTimeBudget.TrafficShift).Keys.Should().Contain("trafficGate");
    }

    /// An arc gate moves when the cluster's data plane sets the routing control, as at once as an inversion: 60 s, + the timeout.
    [Theory]
    [InlineData("secondary", "Off")]
    [InlineData("primary", "On")]
    public void The_arc_gate_flips_with_its_routing_control_and_then_propagates(string role, string state)
    {
        var budget = RecoveryTimeBudget.For(TestStacks.Config(role, TestStacks.ArcNamedCluster));

        Figures(budget, RecoveryTimeBudget.TrafficShift).Should().Be((60, 150));
        Phase(budget, RecoveryTimeBudget.TrafficShift).From.Should().Contain($"routing control {state}");
    }

    [Theory]
    [InlineData("endpoint")]
    [InlineData("automatic")]
    public void A_mode_where_dns_moves_by_itself_says_when(string mode) =>
        Secondary(("dnsFailover", mode)).Notes.Should().Contain(
            $"dnsFailover {mode}: for an outage the endpoint check sees, Route 53 moves traffic by itself after ~150 s, onto the standby as it is; " +
            "the phases count the workflow, which also scales it and verifies it");

    [Fact]
    public void Each_phase_names_the_keys_that_move_it()
    {
        var budget = Secondary();

        Phase(budget, RecoveryTimeBudget.Detection).Keys.Should().Contain(["alarmPeriodSeconds", "endpointCheckIntervalSeconds", "probeRate"]);
        Phase(budget, RecoveryTimeBudget.ScaleUp).Keys.Should().Contain(["standbyCount", "readinessTimeoutSeconds"]);
        Phase(budget, RecoveryTimeBudget.DnsTtl).Keys.Should().BeEmpty("only AWS sets the alias record's TTL");
    }
}
