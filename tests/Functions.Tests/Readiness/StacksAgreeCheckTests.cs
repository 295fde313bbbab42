using Failover.Contract.Readiness;
using Failover.Functions.Aws.Readiness;

namespace Failover.Functions.Tests.Readiness;

[Collection("moto")]
public sealed class StacksAgreeCheckTests(MotoServer moto)
{
    private readonly ControlPlans _plans = new(moto);

    private static ReadinessPlan Primary(params (string Key, string Value)[] changed)
    {
        var agreement = ControlPlans.Secondary().Agreement.ToDictionary();
        foreach (var (key, value) in changed) agreement[key] = value;
        return ControlPlans.Secondary() with { Stack = "failover-primary", Role = "primary", Agreement = agreement };
    }

    [Fact]
    public async Task Two_stacks_deployed_from_one_configuration_pass()
    {
        var result = await new StacksAgreeCheck().RunAsync(_plans.Context(ControlPlans.Secondary(), Primary()), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Pass);
        result.Why.Should().Be("failover-secondary and failover-primary agree on 4 settings " +
                               "(failover:activeCount, failover:controlTableConsistency, failover:dnsFailover, failover:trafficGate)");
    }

    [Fact]
    public async Task A_setting_that_differs_fails_with_both_values()
    {
        var peer = Primary(("failover:trafficGate", "metric"), ("failover:activeCount", "4"));

        var result = await new StacksAgreeCheck().RunAsync(_plans.Context(ControlPlans.Secondary(), peer), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().Be("2 of 4 settings differ: failover:activeCount: failover-secondary has 3 but failover-primary has 4; " +
                               "failover:trafficGate: failover-secondary has route53-api but failover-primary has metric");
    }

    [Fact]
    public async Task A_setting_only_one_plan_has_is_a_difference()
    {
        var peer = Primary(("failover:drillSchedule", "cron(0 3 ? * MON *)"));

        var result = await new StacksAgreeCheck().RunAsync(_plans.Context(ControlPlans.Secondary(), peer), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().Contain("failover:drillSchedule: failover-secondary has nothing (not in its plan) but failover-primary has cron(0 3 ? * MON *)");
    }

    [Fact]
    public async Task Without_the_peer_plan_it_is_unknown_and_says_why()
    {
        var context = _plans.Context(ControlPlans.Secondary(), peer: null, peerMissing: "no item readiness#failover-primary in failover-control (us-west-2)");

        var result = await new StacksAgreeCheck().RunAsync(context, CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Unknown);
        result.Why.Should().Be("failover-primary's plan could not be read (no item readiness#failover-primary in failover-control (us-west-2)), so there is nothing to compare with");
    }
}
