using Failover.Contract.Readiness;
using Failover.Functions.Aws.Readiness;
using Failover.Functions.Tests.Runtime;

namespace Failover.Functions.Tests.Readiness;

[Collection("moto")]
public sealed class AlarmsCheckTests(MotoServer moto)
{
    private readonly ControlPlans _plans = new(moto);

    private static ReadinessPlan WithAlarms(params AlarmRef[] alarms) => ControlPlans.Secondary() with { Alarms = alarms };

    private static AlarmRef Alarm(string name, string region = ControlPlans.PrimaryRegion) => new() { Region = region, Name = name };

    private static ManualTime Later(TimeSpan after) => new(DateTimeOffset.UtcNow + after);

    [Fact]
    public async Task A_plan_that_names_no_alarm_was_emptied_and_fails()
    {
        await _plans.ArrangeAsync();

        var result = await new AlarmsCheck().RunAsync(_plans.Context(WithAlarms()), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().StartWith("the plan names no alarm");
    }

    [Fact]
    public async Task Alarms_that_exist_in_their_regions_with_data_pass()
    {
        await _plans.ArrangeAsync();
        await _plans.Ask("alarm", "failover-primary-healthy-hosts", ControlPlans.PrimaryRegion, "OK");
        await _plans.Ask("alarm", "failover-secondary-healthy-hosts", ControlPlans.Region, "ALARM");
        var plan = WithAlarms(Alarm("failover-primary-healthy-hosts"), Alarm("failover-secondary-healthy-hosts", ControlPlans.Region));

        var result = await new AlarmsCheck().RunAsync(_plans.Context(plan), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Pass);
        result.Why.Should().Be("all 2 alarms exist and none is stuck in INSUFFICIENT_DATA");
    }

    [Fact]
    public async Task A_deleted_alarm_fails_by_name_and_region()
    {
        await _plans.ArrangeAsync();
        await _plans.Ask("alarm", "failover-primary-healthy-hosts", ControlPlans.PrimaryRegion, "OK");
        await _plans.Ask("alarm", "failover-primary-target-5xx", ControlPlans.PrimaryRegion, "OK");
        await _plans.Ask("delete-alarm", "failover-primary-target-5xx", ControlPlans.PrimaryRegion);
        var plan = WithAlarms(Alarm("failover-primary-healthy-hosts"), Alarm("failover-primary-target-5xx"));

        var result = await new AlarmsCheck().RunAsync(_plans.Context(plan), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().Be("of 2 alarms, 1 missing (failover-primary-target-5xx in us-east-1)");
    }

    [Fact]
    public async Task An_alarm_in_another_region_than_the_plan_says_is_missing()
    {
        await _plans.ArrangeAsync();
        await _plans.Ask("alarm", "failover-primary-healthy-hosts", ControlPlans.Region, "OK");

        var result = await new AlarmsCheck().RunAsync(_plans.Context(WithAlarms(Alarm("failover-primary-healthy-hosts"))), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().Contain("1 missing (failover-primary-healthy-hosts in us-east-1)");
    }

    [Fact]
    public async Task An_alarm_without_data_past_the_grace_fails()
    {
        await _plans.ArrangeAsync();
        await _plans.Ask("alarm", "failover-primary-healthy-hosts", ControlPlans.PrimaryRegion, "INSUFFICIENT_DATA");
        var context = _plans.Context(WithAlarms(Alarm("failover-primary-healthy-hosts")), time: Later(TimeSpan.FromMinutes(31)));

        var result = await new AlarmsCheck().RunAsync(context, CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().MatchRegex(@"^of 1 alarms, 1 in INSUFFICIENT_DATA longer than 30 min \(failover-primary-healthy-hosts in us-east-1 for 3[01] min\): " +
                                       "CloudWatch cannot evaluate them, so they would not fire$");
    }

    [Fact]
    public async Task A_new_alarm_without_data_within_the_grace_passes()
    {
        await _plans.ArrangeAsync();
        await _plans.Ask("alarm", "failover-primary-healthy-hosts", ControlPlans.PrimaryRegion, "INSUFFICIENT_DATA");
        var context = _plans.Context(WithAlarms(Alarm("failover-primary-healthy-hosts")), time: Later(TimeSpan.FromMinutes(29)));

        var result = await new AlarmsCheck().RunAsync(context, CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Pass);
    }

    [Fact]
    public async Task An_alarm_the_design_expects_without_data_passes_and_says_why()
    {
        await _plans.ArrangeAsync();
        await _plans.Ask("alarm", "failover-primary-gate", ControlPlans.Region, "INSUFFICIENT_DATA");
        var gate = Alarm("failover-primary-gate", ControlPlans.Region) with { MayLackData = true, Why = "a metric gate nobody has moved has no data" };
        var context = _plans.Context(WithAlarms(gate), time: Later(TimeSpan.FromDays(3)));

        var result = await new AlarmsCheck().RunAsync(context, CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Pass);
        result.Why.Should().Be("all 1 alarms exist and none is stuck in INSUFFICIENT_DATA; " +
                               "INSUFFICIENT_DATA as designed: failover-primary-gate (a metric gate nobody has moved has no data)");
    }
}
