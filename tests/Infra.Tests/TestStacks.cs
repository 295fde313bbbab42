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
