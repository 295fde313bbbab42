using System.Globalization;
using System.Text;

namespace Failover.Infra.Estimates;

/// The standby cost estimate as people read it (failoverctl prints it beside the recovery time budget).
public static class StandbyCostReport
{
    /// Both postures a month, what makes up the warm one, and every price used with its source. Ends with a newline.
    public static string Text(StandbyCost cost)
    {
        var text = new StringBuilder();
        var configured = cost.StandbyCount switch { 0 => "pilot light", 1 => "warm standby, 1 task", var n => $"warm standby, {n} tasks" };
        text.AppendLine($"Standby cost per month ({StandbyCost.HoursPerMonth} h), a model; this stack: {configured}:");
        var task = $"{Number(cost.Vcpu)} vCPU + {Number(cost.MemoryGb)} GB";
        var parts = $"{cost.WarmTasks} × ({Usd(cost.TaskMonthlyUsd)} for {task}" +
            (cost.PublicIpPerTask ? $" + {Usd(cost.AddressMonthlyUsd)} for its public IPv4 address)" : "; no public IPv4 address in an existing VPC's private subnets)");
        text.AppendLine($"  warm standby   {Usd(cost.WarmMonthlyUsd),10}  {parts}{(cost.ConfiguredWarm ? "" : ", the smallest warm standby")}");
        text.AppendLine($"  pilot light    {Usd(cost.PilotLightMonthlyUsd),10}  no task runs until a failover scales the region up");
        text.AppendLine($"  difference     {Usd(cost.DifferenceUsd),10}  what the warm standby costs more; the ALBs, checks, alarms and workflow cost the same in both");
        text.AppendLine("  prices used:");
        foreach (var price in cost.Prices)
            text.AppendLine($"    {price.Item,-28} ${Number(price.Usd)} {price.Unit} ({price.Source})");
        return text.ToString();
    }

    private static string Usd(decimal amount) => string.Create(CultureInfo.InvariantCulture, $"${amount:0.00}");

    private static string Number(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
