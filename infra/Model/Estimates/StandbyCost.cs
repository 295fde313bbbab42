using Failover.Infra.Config;

namespace Failover.Infra.Estimates;

/// A list price the estimate uses: what is priced, in US dollars, per what, and where the figure comes from.
public sealed record PriceUsed(string Item, decimal Usd, string Unit, string Source);

/// What the standby posture costs a month: the secondary's idle tasks in a warm standby (standbyCount of them, at the stack's
/// task size, each with a public IPv4 address when the tasks get one) against a pilot light, which runs none. Everything else
/// (the ALBs and their addresses, health checks, alarms, the workflow) is the same in both postures and not counted. A model:
/// us-east-1 list prices as of 2026, the "Rough monthly cost" table of docs/deploying.md.
public sealed record StandbyCost
{
    /// Fargate, Linux/x86, per vCPU-hour (AWS Fargate pricing, us-east-1).
    public const decimal FargateVcpuHourUsd = 0.04048m;
    /// Fargate, Linux/x86, per GB of memory per hour (AWS Fargate pricing, us-east-1).
    public const decimal FargateGbHourUsd = 0.004445m;
    /// A public IPv4 address in use, per hour (Amazon VPC pricing, public IPv4 addresses, since February 2024).
    public const decimal PublicIpv4HourUsd = 0.005m;
    /// 730 hours: the month AWS's pricing calculator uses (8,760 hours a year ÷ 12).
    public const int HoursPerMonth = 730;

    /// The standby as configured (standbyCount): 0 is a pilot light.
    public required int StandbyCount { get; init; }
    /// The warm standby priced: standbyCount tasks, or the smallest warm standby (1) when the stack is a pilot light.
    public required int WarmTasks { get; init; }
    /// One task's size: cpu / 1024 vCPU and memory / 1024 GB.
    public required decimal Vcpu { get; init; }
    public required decimal MemoryGb { get; init; }
    /// Tasks in the subnets this stack builds get a public IP; an existing VPC's private subnets do not.
    public required bool PublicIpPerTask { get; init; }
    /// One idle task a month: its vCPU and memory, and its address when it has one.
    public required decimal TaskMonthlyUsd { get; init; }
    public required decimal AddressMonthlyUsd { get; init; }
    public required decimal WarmMonthlyUsd { get; init; }
    /// A pilot light runs no task while it is the standby: nothing to pay until a failover scales it up.
    public required decimal PilotLightMonthlyUsd { get; init; }
    public required IReadOnlyList<PriceUsed> Prices { get; init; }

    public bool ConfiguredWarm => StandbyCount > 0;
    /// What the warm standby costs more than a pilot light, a month.
    public decimal DifferenceUsd => WarmMonthlyUsd - PilotLightMonthlyUsd;

    public static StandbyCost Estimate(StackConfig config)
    {
        var vcpu = config.Container.Cpu / 1024m;
        var memory = config.Container.Memory / 1024m;
        var publicIp = config.Network.TasksGetPublicIp;
        var task = Monthly(vcpu * FargateVcpuHourUsd + memory * FargateGbHourUsd);
        var address = publicIp ? Monthly(PublicIpv4HourUsd) : 0m;
        var warm = Math.Max(1, config.Capacity.StandbyCount);
        var source = "AWS list price, us-east-1, 2026; docs/deploying.md, Rough monthly cost";
        return new StandbyCost
        {
            StandbyCount = config.Capacity.StandbyCount,
            WarmTasks = warm,
            Vcpu = vcpu,
            MemoryGb = memory,
            PublicIpPerTask = publicIp,
            TaskMonthlyUsd = task,
            AddressMonthlyUsd = address,
            WarmMonthlyUsd = warm * (task + address),
            PilotLightMonthlyUsd = 0m,
            Prices =
            [
                new("Fargate vCPU (Linux/x86)", FargateVcpuHourUsd, "per vCPU-hour", source),
                new("Fargate memory (Linux/x86)", FargateGbHourUsd, "per GB-hour", source),
                new("public IPv4 address", PublicIpv4HourUsd, "per address-hour", source),
            ],
        };
    }

    // Money to the cent, as a bill shows it.
    private static decimal Monthly(decimal hourly) => Math.Round(hourly * HoursPerMonth, 2, MidpointRounding.AwayFromZero);
}
