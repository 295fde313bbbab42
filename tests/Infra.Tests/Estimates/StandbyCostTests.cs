using System.Globalization;
using Failover.Infra.Estimates;

namespace Failover.Infra.Tests.Estimates;

/// What the standby posture costs a month, from the prices in docs/deploying.md.
public sealed class StandbyCostTests
{
    private static StandbyCost Estimate(params (string Key, string? Value)[] overrides) => StandbyCost.Estimate(TestStacks.Config("secondary", overrides));

    /// The shipped standby: 1 task of 0.5 vCPU + 1 GB with a public IPv4 address (the built VPC has no NAT gateway):
    /// (0.5 × 0.04048 + 1 × 0.004445) × 730 = 0.024685 × 730 = 18.02; the address 0.005 × 730 = 3.65; together 21.67.
    [Fact]
    public void The_shipped_warm_standby_costs_21_67_a_month_more_than_a_pilot_light()
    {
        var cost = Estimate();

        (cost.ConfiguredWarm, cost.WarmTasks, cost.Vcpu, cost.MemoryGb, cost.PublicIpPerTask).Should().Be((true, 1, 0.5m, 1m, true));
        (cost.TaskMonthlyUsd, cost.AddressMonthlyUsd).Should().Be((18.02m, 3.65m));
        (cost.WarmMonthlyUsd, cost.PilotLightMonthlyUsd, cost.DifferenceUsd).Should().Be((21.67m, 0m, 21.67m));
    }

    /// 3 tasks of 1 vCPU + 2 GB: (0.04048 + 2 × 0.004445) × 730 = 0.04937 × 730 = 36.04, + 3.65 each: 3 × 39.69 = 119.07.
    [Fact]
    public void The_warm_standby_scales_with_its_count_and_task_size() =>
        Estimate(("standbyCount", "3"), ("cpu", "1024"), ("memory", "2048")).WarmMonthlyUsd.Should().Be(119.07m);

    [Fact]
    public void Tasks_in_an_existing_vpcs_private_subnets_have_no_address_to_pay_for()
    {
        var cost = Estimate(TestStacks.ExistingVpc);

        (cost.PublicIpPerTask, cost.AddressMonthlyUsd, cost.WarmMonthlyUsd).Should().Be((false, 0m, 18.02m));
    }

    [Fact]
    public void A_pilot_light_is_compared_with_the_smallest_warm_standby()
    {
        var cost = Estimate(("standbyCount", "0"));

        (cost.ConfiguredWarm, cost.WarmTasks, cost.DifferenceUsd).Should().Be((false, 1, 21.67m));
    }

    [Fact]
    public void The_prices_used_are_listed_with_their_units()
    {
        Estimate().Prices.Select(p => (p.Item, p.Usd, p.Unit)).Should().Equal(
            ("Fargate vCPU (Linux/x86)", 0.04048m, "per vCPU-hour"),
            ("Fargate memory (Linux/x86)", 0.004445m, "per GB-hour"),
            ("public IPv4 address", 0.005m, "per address-hour"));
        StandbyCost.HoursPerMonth.Should().Be(730);
    }

    /// The cost table in docs/deploying.md is where the prices are written down for people: the estimate must use the same ones.
    [Fact]
    public void The_prices_are_the_ones_the_readme_cost_table_states()
    {
        var readme = Repo.Documentation();
        string Usd(decimal price) => "$" + price.ToString(CultureInfo.InvariantCulture);

        readme.Should().Contain($"{Usd(StandbyCost.FargateVcpuHourUsd)} per vCPU-hour, {Usd(StandbyCost.FargateGbHourUsd)} per GB-hour")
            .And.Contain($"{Usd(StandbyCost.PublicIpv4HourUsd)} per IP-hour")
            .And.Contain($"{StandbyCost.HoursPerMonth} h a month");
    }

    [Fact]
    public void The_report_shows_both_postures_their_difference_and_every_price()
    {
        var text = StandbyCostReport.Text(Estimate());

        text.Should().StartWith("Standby cost per month (730 h), a model; this stack: warm standby, 1 task:\n")
            .And.Contain("  warm standby       $21.67  1 × ($18.02 for 0.5 vCPU + 1 GB + $3.65 for its public IPv4 address)\n")
            .And.Contain("  pilot light         $0.00  no task runs until a failover scales the region up\n")
            .And.Contain("  difference         $21.67  what the warm standby costs more")
            .And.Contain("    Fargate vCPU (Linux/x86)     $0.04048 per vCPU-hour (AWS list price, us-east-1, 2026; docs/deploying.md, Rough monthly cost)\n")
            .And.Contain("    public IPv4 address          $0.005 per address-hour");
    }
}
