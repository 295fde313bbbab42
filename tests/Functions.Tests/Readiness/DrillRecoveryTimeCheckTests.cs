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

    [Fact]
    public async Task Without_a_drill_nothing_was_measured_and_it_is_unknown()
    {
        await _plans.ArrangeAsync();

        var result = await CheckAsync();

        result.Status.Should().Be(CheckStatus.Unknown);
        result.Why.Should().Be("no successful drill recorded, so no recovery time has been measured");
    }
}
