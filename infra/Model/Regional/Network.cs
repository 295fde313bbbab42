using System.Net;
using Failover.Infra.Config;
using Failover.Infra.Yaml;

namespace Failover.Infra.Regional;

/// The VPC and subnets (in two AZs) the ALB and tasks use: built here, or existing ones from config.
public sealed record Network
{
    public required Value VpcId { get; init; }
    /// Where the internet-facing ALB lives.
    public required IReadOnlyList<Value> PublicSubnetIds { get; init; }
    /// Where the tasks run: the public subnets this stack builds, or the private ones given with an existing VPC.
    public required IReadOnlyList<Value> TaskSubnetIds { get; init; }
    /// Tasks need a public IP to pull images when they sit in the public subnets this stack builds (no NAT gateway).
    public required bool AssignPublicIp { get; init; }
    /// TCP ports the tasks may connect out on (taskEgressPorts).
    public required IReadOnlyList<int> EgressPorts { get; init; }

    private const int SubnetCount = 2;

    public static Network Create(PulumiProgram program, Naming naming, NetworkSettings settings)
    {
        if (settings.UsesExistingVpc)
            return new Network
            {
                VpcId = settings.ExistingVpcId!,
                PublicSubnetIds = settings.PublicSubnetIds.Select(s => (Value)s).ToList(),
                TaskSubnetIds = settings.PrivateSubnetIds.Select(s => (Value)s).ToList(),
                AssignPublicIp = settings.TasksGetPublicIp,
                EgressPorts = settings.TaskEgressPorts,
            };

        // Letters differ per account and some regions lack "b": ask the provider for the AZ names. Only zones every
        // account has (opt-in-not-required): a Local or Wavelength Zone can sort first and runs no Fargate.
        var zones = program.AddVariable("availability-zones", new Invoke(
            "aws:index/getAvailabilityZones:getAvailabilityZones",
            Map.Of(("state", "available"),
                ("filters", Value.List(Map.Of(("name", "opt-in-status"), ("values", Value.List("opt-in-not-required")))))),
            "names"));

        var vpc = program.Add(new Resource
        {
            Name = "vpc",
            Type = "aws:ec2/vpc:Vpc",
            Properties = Map.Of(
                ("cidrBlock", settings.VpcCidr),
                ("enableDnsHostnames", true),
                ("enableDnsSupport", true),
                ("tags", naming.TagsNamed(""))),
        });
        var gateway = program.Add(new Resource
        {
            Name = "internet-gateway",
            Type = "aws:ec2/internetGateway:InternetGateway",
            Properties = Map.Of(("vpcId", vpc.Out("id")), ("tags", naming.TagsNamed(""))),
        });
        var routes = program.Add(new Resource
        {
            Name = "public-route-table",
            Type = "aws:ec2/routeTable:RouteTable",
            Properties = Map.Of(
                ("vpcId", vpc.Out("id")),
                ("routes", Value.List(Map.Of(("cidrBlock", "0.0.0.0/0"), ("gatewayId", gateway.Out("id"))))),
                ("tags", naming.TagsNamed("public"))),
        });

        var subnets = new List<Value>();
        var cidrs = SplitCidr(settings.VpcCidr, SubnetCount);
        for (var i = 0; i < SubnetCount; i++)
        {
            var letter = (char)('a' + i);
            var subnet = program.Add(new Resource
            {
                Name = $"public-subnet-{letter}",
                Type = "aws:ec2/subnet:Subnet",
                Properties = Map.Of(
                    ("vpcId", vpc.Out("id")),
                    ("cidrBlock", cidrs[i]),
                    ("availabilityZone", zones[i]),
                    ("tags", naming.TagsNamed($"public-{letter}"))),
            });
            program.Add(new Resource
            {
                Name = $"public-subnet-{letter}-routes",
                Type = "aws:ec2/routeTableAssociation:RouteTableAssociation",
                Properties = Map.Of(("subnetId", subnet.Out("id")), ("routeTableId", routes.Out("id"))),
            });
            subnets.Add(subnet.Out("id"));
        }
        return new Network
        {
            VpcId = vpc.Out("id"), PublicSubnetIds = subnets, TaskSubnetIds = subnets, AssignPublicIp = settings.TasksGetPublicIp,
            EgressPorts = settings.TaskEgressPorts,
        };
    }

    /// The first `count` quarter-blocks of the VPC CIDR (a /16 gives /18s), leaving room for private subnets later.
    internal static IReadOnlyList<string> SplitCidr(string cidr, int count)
    {
        var parts = cidr.Split('/');
        var prefix = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var bytes = IPAddress.Parse(parts[0]).GetAddressBytes();
        var start = (uint)bytes[0] << 24 | (uint)bytes[1] << 16 | (uint)bytes[2] << 8 | bytes[3];
        start &= prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
        var childPrefix = prefix + 2;
        var size = 1u << (32 - childPrefix);
        return Enumerable.Range(0, count).Select(i =>
        {
            var a = start + (uint)i * size;
            return $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}/{childPrefix}";
        }).ToList();
    }
}
