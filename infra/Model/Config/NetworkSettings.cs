using System.Globalization;
using System.Text.RegularExpressions;

namespace Failover.Infra.Config;

/// Build a VPC, or use an existing one.
public sealed record NetworkSettings
{
    /// TCP ports the tasks (the service's and the recovery tasks) may connect out on, to any address.
    public required IReadOnlyList<int> TaskEgressPorts { get; init; }
    /// CIDR of the VPC the stack creates; ignored when an existing VPC is given.
    public required string VpcCidr { get; init; }
    public string? ExistingVpcId { get; init; }
    /// Where the internet-facing ALB lives (≥ 2 AZs, routed to an internet gateway).
    public IReadOnlyList<string> PublicSubnetIds { get; init; } = [];
    /// Where the tasks run, without public IPs (need NAT or VPC endpoints for ECR, S3 and CloudWatch Logs).
    public IReadOnlyList<string> PrivateSubnetIds { get; init; } = [];
    public bool UsesExistingVpc => ExistingVpcId is not null;
    /// Tasks in the public subnets this stack builds need a public IP to pull images (there is no NAT gateway); tasks in an
    /// existing VPC's private subnets get none.
    public bool TasksGetPublicIp => !UsesExistingVpc;
}

/// The VPC the stack builds or the existing one it uses, and where the tasks may connect out.
public static partial class NetworkSection
{
    public static readonly TextSetting VpcCidr = new()
    {
        Key = "vpcCidr",
        Default = "10.0.0.0/16",
        Form = "an IPv4 CIDR block between /16 and /24",
        Description = "the CIDR of the VPC the stack builds (two public subnets in two AZs); ignored with vpcId",
        Why = "10.0.0.0/16: room for the two public /18 subnets and later private ones",
    };

    public static readonly TextSetting VpcId = new()
    {
        Key = "vpcId",
        Form = "vpc- and 8-17 hex digits",
        Rule = "with publicSubnetIds and privateSubnetIds",
        Description = "an existing VPC to use instead of building one",
        Why = "none: the stack builds its own VPC unless told otherwise",
    };

    public static readonly ListSetting PublicSubnetIds = new()
    {
        Key = "publicSubnetIds",
        Form = "subnet ids: subnet- and 8-17 hex digits",
        Rule = "vpcId only, and then at least 2 in different AZs, routed to an internet gateway",
        Description = "the existing VPC's subnets for the internet-facing ALB",
        Why = "none: only with vpcId",
    };

    public static readonly ListSetting PrivateSubnetIds = new()
    {
        Key = "privateSubnetIds",
        Form = "subnet ids: subnet- and 8-17 hex digits",
        Rule = "vpcId only, and then at least 2 in different AZs, none of publicSubnetIds",
        Description = "the existing VPC's subnets for the tasks, which get no public IP (give them NAT or VPC endpoints for ECR, S3 and CloudWatch Logs)",
        Why = "none: only with vpcId",
    };

    public static readonly ListSetting TaskEgressPorts = new()
    {
        Key = "taskEgressPorts",
        ItemType = "integer",
        Default = ["443"],
        Form = "TCP ports 1-65535, 443 among them",
        Description = "TCP ports the tasks (the service's and the recovery tasks) may connect out on, to any address",
        Why = "443 only: what the tasks need without NAT or VPC endpoints (ECR, S3, CloudWatch Logs, Secrets Manager, AWS APIs)",
    };

    public static IReadOnlyList<Setting> All => [VpcCidr, VpcId, PublicSubnetIds, PrivateSubnetIds, TaskEgressPorts];

    internal static NetworkSettings Parse(ConfigReader r)
    {
        var cidr = r.Text(VpcCidr);
        if (!CidrPattern().IsMatch(cidr)) r.Fail(VpcCidr, $"must be an IPv4 CIDR block between /16 and /24 (got '{cidr}')");
        var vpcId = r.Raw(VpcId);
        if (vpcId is not null && !VpcPattern().IsMatch(vpcId)) r.Fail(VpcId, $"is not a VPC id (got '{vpcId}')");

        // The ALB needs subnets routed to an internet gateway; tasks without public IPs need NAT or endpoints: one list cannot be both.
        var lists = new[]
        {
            (PublicSubnetIds, "the internet-facing ALB"),
            (PrivateSubnetIds, "the tasks (no public IP: give them NAT or VPC endpoints for ECR, S3 and CloudWatch Logs)"),
        }.ToDictionary(l => l.Item1, l =>
        {
            var (setting, what) = l;
            var subnets = r.List(setting);
            foreach (var subnet in subnets.Where(s => !SubnetPattern().IsMatch(s))) r.Fail(setting, $"has '{subnet}', which is not a subnet id");
            if (vpcId is not null && subnets.Count < 2) r.Fail(setting, $"must list at least 2 subnets in different AZs of {vpcId} for {what} (got {subnets.Count})");
            if (vpcId is null && subnets.Count > 0) r.Fail(setting, "needs vpcId: subnets are used only with an existing VPC");
            return subnets;
        });
        foreach (var shared in lists[PublicSubnetIds].Intersect(lists[PrivateSubnetIds]))
            r.Fail(PrivateSubnetIds, $"repeats {shared} from publicSubnetIds: tasks there would have no public IP and no route out");

        var ports = new SortedSet<int>();
        foreach (var item in r.IsSet(TaskEgressPorts) ? r.List(TaskEgressPorts) : TaskEgressPorts.Default)
            if (int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535) ports.Add(port);
            else r.Fail(TaskEgressPorts, $"has '{item}', which is not a TCP port (1-65535)");
        if (r.IsSet(TaskEgressPorts) && !ports.Contains(443))
            r.Fail(TaskEgressPorts, "must include 443: without NAT or VPC endpoints the tasks pull their image (ECR, S3) and write their logs over HTTPS");

        return new NetworkSettings
        {
            TaskEgressPorts = [.. ports],
            VpcCidr = cidr,
            ExistingVpcId = vpcId,
            PublicSubnetIds = lists[PublicSubnetIds],
            PrivateSubnetIds = lists[PrivateSubnetIds],
        };
    }

    [GeneratedRegex(@"^(\d{1,3}\.){3}\d{1,3}/(1[6-9]|2[0-4])$")]
    private static partial Regex CidrPattern();

    [GeneratedRegex("^vpc-[0-9a-f]{8,17}$")]
    private static partial Regex VpcPattern();

    [GeneratedRegex("^subnet-[0-9a-f]{8,17}$")]
    private static partial Regex SubnetPattern();
}
