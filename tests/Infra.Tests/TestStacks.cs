using Failover.Infra.Config;
using Failover.Infra.Yaml;

namespace Failover.Infra.Tests;

/// Config for tests: a valid stack of either role, with the keys a test cares about overridden.
internal static class TestStacks
{
    /// An existing VPC with its public subnets (the ALB) and private subnets (the tasks).
    public static readonly (string Key, string? Value)[] ExistingVpc =
    [
        ("vpcId", "vpc-0123456789abcdef0"),
        ("publicSubnetIds", "subnet-0123456789abcdef0,subnet-0123456789abcdef1"),
        ("privateSubnetIds", "subnet-0123456789abcdef2,subnet-0123456789abcdef3"),
    ];

    /// trafficGate arc on an existing cluster: its ARN and the endpoints describe-cluster lists (the shape of AWS's examples).
    public const string ArcClusterArn = "arn:aws:route53-recovery-control::123456789012:cluster/0123abcd-4567-89ef-0123-456789abcdef";
    public static readonly (string Key, string? Value)[] ArcNamedCluster =
    [
        ("trafficGate", "arc"),
        ("arcClusterArn", ArcClusterArn),
        ("arcClusterEndpoints", "us-east-1=https://host-dzu23x.us-east-1.example.aws/v1,eu-west-1=https://host-dzu23x.eu-west-1.example.aws/v1," +
            "ap-northeast-1=https://host-dzu23x.ap-northeast-1.example.aws/v1,us-west-2=https://host-dzu23x.us-west-2.example.aws/v1," +
            "ap-southeast-2=https://host-dzu23x.ap-southeast-2.example.aws/v1"),
    ];

    /// A weekly drill (Monday 03:00 UTC), as the golden variant secondary-scheduled-drill has it.
    public static readonly (string Key, string? Value)[] DrillSchedule = [("drillSchedule", "cron(0 3 ? * MON *)")];

    /// trafficGate arc on a cluster the primary creates.
    public static readonly (string Key, string? Value)[] ArcCreatedCluster = [("trafficGate", "arc"), ("arcCreateCluster", "true")];

    public static StackInputs Inputs(string role = "primary", params (string Key, string? Value)[] overrides)
    {
        var values = new Dictionary<string, string>
        {
            ["aws:region"] = role == "primary" ? "us-east-1" : "us-west-2",
            ["failover:role"] = role,
            ["failover:peerRegion"] = role == "primary" ? "us-west-2" : "us-east-1",
            ["failover:domainName"] = "app.example.com",
            ["failover:hostedZoneId"] = "Z0123456789ABCDEFGHIJ",
        };
        foreach (var (key, value) in overrides)
        {
            var full = key.Contains(':') ? key : $"failover:{key}";
            if (value is null) values.Remove(full);
            else values[full] = value;
        }
        // Each stack's image in its own region's registry (a replicated repository): the compiler refuses one from another region.
        if (!overrides.Any(o => o.Key is "containerImage" or "failover:containerImage"))
            values["failover:containerImage"] = $"123456789012.dkr.ecr.{values.GetValueOrDefault("aws:region", "us-east-1")}.amazonaws.com/app:1.0.0";
        return new StackInputs("failover", role, "organization", values, $"Pulumi.{role}.yaml");
    }

    public static StackConfig Config(string role = "primary", params (string Key, string? Value)[] overrides)
    {
        var result = ConfigParser.Parse(Inputs(role, overrides));
        result.Errors.Should().BeEmpty();
        return result.Config!;
    }

    public static PulumiProgram Program(string role = "primary", params (string Key, string? Value)[] overrides) =>
        RegionStack.Build(Config(role, overrides));

    public static string Yaml(string role = "primary", params (string Key, string? Value)[] overrides) =>
        YamlWriter.Write(Program(role, overrides));

    public static IReadOnlyList<string> Errors(string role = "primary", params (string Key, string? Value)[] overrides)
    {
        var result = ConfigParser.Parse(Inputs(role, overrides));
        result.Config.Should().BeNull("invalid config must not produce a stack");
        return result.Errors;
    }
}
