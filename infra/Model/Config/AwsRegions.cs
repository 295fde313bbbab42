namespace Failover.Infra.Config;

/// The AWS regions a stack may name: those of the commercial (aws) partition, as botocore's endpoint data lists them
/// (tests/Infra.Tests/Config/AwsRegionsTests.cs compares the two). A region of the right shape that does not exist (`us-est-1`)
/// would compile, and only fail at deploy time. The China (aws-cn) and GovCloud (aws-us-gov) regions are known so that they are
/// refused by name: the workflow's service integrations (`arn:aws:states:::lambda:invoke`) and the ARC cluster ARN are written for
/// the aws partition; the isolated partitions (aws-iso*, aws-eusc) lack services the stacks use.
public static class AwsRegions
{
    public static readonly IReadOnlySet<string> All = new SortedSet<string>(StringComparer.Ordinal)
    {
        "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
        "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
        "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
        "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1",
        "us-west-2",
    };

    /// The regions of the other partitions a stack could plausibly name, with their partition: refused with the reason.
    public static readonly IReadOnlyDictionary<string, string> OtherPartitions = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["cn-north-1"] = "aws-cn",
        ["cn-northwest-1"] = "aws-cn",
        ["us-gov-east-1"] = "aws-us-gov",
        ["us-gov-west-1"] = "aws-us-gov",
    };

    /// Why a name is not a region a stack may name, with the region it is a slip of when one is nearest; null for one it may.
    public static string? Problem(string name) =>
        All.Contains(name) ? null
        : OtherPartitions.TryGetValue(name, out var partition)
            ? $"is in the {partition} partition, and this project builds ARNs for the aws partition only (got '{name}')"
            : $"is not an AWS region (got '{name}'{(Spelling.Nearest(name, All) is { } near ? $"; did you mean {near}?" : "")})";
}
