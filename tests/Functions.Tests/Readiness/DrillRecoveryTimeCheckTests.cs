using Failover.Contract.Readiness;
using Failover.Functions.Aws.Readiness;

namespace Failover.Functions.Tests.Readiness;

/// The plan's model (ControlPlans): objective 900 s; bounds detection 180, trigger 60, decision 60, scale-up 300, recovery
/// tasks 60, gate flip 90, DNS TTL 60. A drill measures decision, scale-up and recovery tasks; the model's bounds stand in for
/// the other four (390 s).
[Collection("moto")]
public sealed class DrillRecoveryTimeCheckTests(MotoServer moto)
{
    private readonly ControlPlans _plans = new(moto);

    private const string Execution = "arn:aws:states:us-west-2:123456789012:execution:failover-secondary-failover:drill-1";

    private static RunRecord Drill(double scaleUp) => ControlPlans.Drill(DateTimeOffset.UtcNow.AddDays(-1), new Dictionary<string, double?>
    {
        [RecoveryPhases.Decision] = 20, [RecoveryPhases.ScaleUpAndReadiness] = scaleUp, [RecoveryPhases.RecoveryTasks] = 10.4,
    });

    private Task<CheckResult> CheckAsync() => new DrillRecoveryTimeCheck().RunAsync(_plans.Context(ControlPlans.Secondary()), CancellationToken.None);

    [Fact]
    public async Task A_drill_whose_measured_time_with_the_modelled_rest_fits_the_objective_passes()
    {
        await _plans.ArrangeAsync();
        await _plans.RecordDrillAsync(Drill(scaleUp: 150));

        var result = await CheckAsync();

        result.Status.Should().Be(CheckStatus.Pass);
        result.Why.Should().Be($"the last successful drill ({Execution}) measured 180 s (decision 20 s, scaleUpAndReadiness 150 s, recoveryTasks 10 s), " +
                               "and the model's bound for the rest is 390 s (detection 180 s, trigger 60 s, gateFlip 90 s, dnsTtl 60 s): 570 s, within the objective of 900 s");
    }

    [Fact]
    public async Task A_drill_whose_scale_up_would_break_the_objective_fails_with_the_measured_and_modelled_totals()
    {
        await _plans.ArrangeAsync();
        await _plans.RecordDrillAsync(Drill(scaleUp: 600));

        var result = await CheckAsync();

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().Be($"the last successful drill ({Execution}) measured 630 s (decision 20 s, scaleUpAndReadiness 600 s, recoveryTasks 10 s), " +
                               "and the model's bound for the rest is 390 s (detection 180 s, trigger 60 s, gateFlip 90 s, dnsTtl 60 s): 1020 s, over the objective of 900 s");
    }

    /// The primary's plan models its failback, which no alarm detects nor triggers: 240 s less than the secondary's failover.
    private static ReadinessPlan PrimaryPlan() => ControlPlans.Secondary() with
    {
        Stack = "failover-primary", Role = "primary", Region = ControlPlans.PrimaryRegion, PeerStack = "failover-secondary", PeerRegion = ControlPlans.Region,
        Model = ControlPlans.Secondary().Model with
        {
            Phases = [.. ControlPlans.Secondary().Model.Phases.Select(p => p.Phase is RecoveryPhases.Detection or RecoveryPhases.Trigger ? p with { TypicalSeconds = 0, BoundSeconds = 0 } : p)],
        },
    };

    [Fact]
    public async Task In_the_primary_a_drill_is_held_against_the_secondarys_failover_model_not_the_failback_one()
    {
        await _plans.ArrangeAsync();
        await _plans.RecordDrillAsync(Drill(scaleUp: 600));
        // The primary's plan, but read where the drill's record is (this moto's region), and the secondary's as its peer.
        var primary = PrimaryPlan() with { Region = ControlPlans.Region };

        var result = await new DrillRecoveryTimeCheck().RunAsync(_plans.Context(primary, peer: ControlPlans.Secondary()), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail, result.Why);
        result.Why.Should().EndWith("1020 s, over the objective of 900 s");
    }

    [Fact]
    public async Task In_the_primary_without_the_secondarys_plan_it_is_unknown()
    {
        await _plans.ArrangeAsync();
        await _plans.RecordDrillAsync(Drill(scaleUp: 150));

        var result = await new DrillRecoveryTimeCheck().RunAsync(
            _plans.Context(PrimaryPlan() with { Region = ControlPlans.Region }, peerMissing: "no readiness plan for failover-secondary"), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Unknown);
        result.Why.Should().Be("the secondary's plan, whose failover model a drill is measured against, could not be read (no readiness plan for failover-secondary)");
    }

    [Fact]
    public async Task Without_a_drill_nothing_was_measured_and_it_is_unknown()
    {
        await _plans.ArrangeAsync();

        var result = await CheckAsync();

        result.Status.Should().Be(CheckStatus.Unknown);
        result.Why.Should().Be("no successful drill recorded, so no recovery time has been measured");
    }
}
