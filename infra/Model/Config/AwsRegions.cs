namespace Failover.Infra.Config;

/// The AWS regions a stack may name: those of the commercial (aws), China (aws-cn) and GovCloud (aws-us-gov) partitions, as
/// botocore's endpoint data lists them (tests/Infra.Tests/Config/AwsRegionsTests.cs compares the two). A region of the right shape
/// that does not exist (`us-est-1`) would compile, and only fail at deploy time; the isolated partitions (aws-iso*, aws-eusc) are
/// left out: they lack services the stacks use.
public static class AwsRegions
{
    public static readonly IReadOnlySet<string> All = new SortedSet<string>(StringComparer.Ordinal)
    {
        // aws
        "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
        "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
        "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
        "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1",
        "us-west-2",
        // aws-cn
        "cn-north-1", "cn-northwest-1",
        // aws-us-gov
        "us-gov-east-1", "us-gov-west-1",
    };

    /// Why a name is not a region, with the region it is a slip of when one is nearest; null for a region.
    public static string? Problem(string name) => All.Contains(name)
        ? null
        : $"is not an AWS region (got '{name}'{(Spelling.Nearest(name, All) is { } near ? $"; did you mean {near}?" : "")})";
}
