using Failover.Contract.Readiness;
using Failover.Functions.Aws;
using Failover.Functions.Aws.Readiness;

namespace Failover.Functions.Tests.Readiness;

[Collection("moto")]
public sealed class DrillAgeCheckTests(MotoServer moto)
{
    private readonly ControlPlans _plans = new(moto);

    private const string Execution = "arn:aws:states:us-west-2:123456789012:execution:failover-secondary-failover:drill-1";

    private Task<CheckResult> CheckAsync() => new DrillAgeCheck().RunAsync(_plans.Context(ControlPlans.Secondary()), CancellationToken.None);

    [Fact]
    public async Task A_drill_younger_than_drill_max_age_days_passes()
    {
        await _plans.ArrangeAsync();
        var finished = DateTimeOffset.UtcNow.AddDays(-3);
        await _plans.RecordDrillAsync(ControlPlans.Drill(finished));

        var result = await CheckAsync();

        result.Status.Should().Be(CheckStatus.Pass);
        result.Why.Should().Be($"the last successful drill ({Execution}) finished {Attr.Iso(finished)}, 3 days ago, within drillMaxAgeDays 30");
    }

    [Fact]
    public async Task A_drill_older_than_drill_max_age_days_fails()
    {
        await _plans.ArrangeAsync();
        var finished = DateTimeOffset.UtcNow.AddDays(-45);
        await _plans.RecordDrillAsync(ControlPlans.Drill(finished));

        var result = await CheckAsync();

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().Be($"the last successful drill ({Execution}) finished {Attr.Iso(finished)}, 45 days ago: older than drillMaxAgeDays 30; " +
                               "run `failoverctl start drill --wait`");
    }

    [Fact]
    public async Task No_drill_recorded_fails()
    {
        await _plans.ArrangeAsync();

        var result = await CheckAsync();

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().Be("no successful drill recorded in failover-control (us-west-2): run `failoverctl start drill --wait`");
    }

    [Fact]
    public async Task A_last_succeeded_drill_that_is_no_run_record_is_unreadable_even_beside_a_readable_recent()
    {
        await _plans.ArrangeAsync();
        await _plans.Ask("put-runs", ControlPlans.Table, ControlPlans.Region, """{"execution":"half a record"}""", "[]");

        var act = CheckAsync;

        (await act.Should().ThrowAsync<AwsMalformedResponseException>()).WithMessage("*a run record's JSON in runs.lastSucceededDrill*");
    }

    [Fact]
    public async Task A_record_that_is_no_run_record_is_unreadable_not_no_drill()
    {
        await _plans.ArrangeAsync();
        await _plans.Ask("put-runs", ControlPlans.Table, ControlPlans.Region, """{"execution":"half a record"}""");

        var act = CheckAsync;

        (await act.Should().ThrowAsync<AwsMalformedResponseException>()).WithMessage("*a run record's JSON in runs.*");
    }
}
