using Failover.Contract.Readiness;
using Failover.Functions.Aws.Readiness;

namespace Failover.Functions.Tests.Readiness;

[Collection("moto")]
public sealed class GateAgreesCheckTests(MotoServer moto)
{
    private readonly ControlPlans _plans = new(moto);

    /// A route53-api gate (a health check whose inversion closes it) in a fresh world, and the plan that names it.
    private async Task<(ReadinessPlan Plan, string Gate)> ArrangeAsync()
    {
        await _plans.ArrangeAsync();
        var gate = (await _plans.Ask("gate-check"))!["id"]!.GetValue<string>();
        return (ControlPlans.Secondary() with { PrimaryGate = new GateRef { Kind = TrafficGateModes.Route53Api, HealthCheckId = gate } }, gate);
    }

    [Fact]
    public async Task An_open_gate_with_no_transition_recorded_passes()
    {
        var (plan, _) = await ArrangeAsync();

        var result = await new GateAgreesCheck().RunAsync(_plans.Context(plan), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Pass);
        result.Why.Should().Be("the primary's gate is open (route53-api) and the control table records us-east-1 (the primary) as active");
    }

    [Fact]
    public async Task A_closed_gate_after_a_recorded_failover_passes()
    {
        var (plan, gate) = await ArrangeAsync();
        await _plans.Ask("invert-gate", gate);
        await _plans.Ask("put-item", """{"pk":"state","activeRegion":"us-west-2","epoch":1}""");

        var result = await new GateAgreesCheck().RunAsync(_plans.Context(plan), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Pass);
        result.Why.Should().Be("the primary's gate is closed (route53-api) and the control table records us-west-2 (failed over) as active");
    }

    [Fact]
    public async Task A_gate_closed_by_hand_while_the_table_says_primary_fails()
    {
        var (plan, gate) = await ArrangeAsync();
        await _plans.Ask("invert-gate", gate);
        await _plans.Ask("put-item", """{"pk":"state","activeRegion":"us-east-1","epoch":2}""");

        var result = await new GateAgreesCheck().RunAsync(_plans.Context(plan), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().Be("the primary's gate is closed (route53-api) but the control table records us-east-1 (the primary) as active, and no run holds " +
                               "the lock: Route 53 sends traffic away from the primary while the next decision starts from the table");
    }

    [Fact]
    public async Task A_gate_left_open_after_a_recorded_failover_fails()
    {
        var (plan, _) = await ArrangeAsync();
        await _plans.Ask("put-item", """{"pk":"state","activeRegion":"us-west-2","epoch":1}""");

        var result = await new GateAgreesCheck().RunAsync(_plans.Context(plan), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().StartWith("the primary's gate is open (route53-api) but the control table records us-west-2 (failed over) as active");
    }

    [Fact]
    public async Task A_run_holding_the_lock_between_moving_the_gate_and_recording_it_passes_and_says_so()
    {
        var (plan, gate) = await ArrangeAsync();
        await _plans.Ask("invert-gate", gate);
        await _plans.Ask("hold-lock", "failover", "hash");

        var result = await new GateAgreesCheck().RunAsync(_plans.Context(plan), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Pass);
        result.Why.Should().MatchRegex("^the primary's gate is closed \\(route53-api\\) but the control table records us-east-1 \\(the primary\\) as active, " +
                                       "while arn:aws:states:us-west-2:123456789012:execution:failover-secondary-failover:holder holds the lock for failover " +
                                       "\\(lease until .+\\): a run records the transition only when it releases the lock$");
    }

    [Fact]
    public async Task A_state_item_without_an_active_region_is_unknown()
    {
        var (plan, _) = await ArrangeAsync();
        await _plans.Ask("put-item", """{"pk":"state","epoch":3}""");

        var result = await new GateAgreesCheck().RunAsync(_plans.Context(plan), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Unknown);
        result.Why.Should().Be("the control table's state item in us-west-2 records transitions but no activeRegion, so the gate (open) has nothing to agree with");
    }
}
