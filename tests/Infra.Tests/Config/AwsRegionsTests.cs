using System.Diagnostics;
using System.Text.Json;
using Failover.Infra.Config;

namespace Failover.Infra.Tests.Config;

/// The compiler's region list is the aws partition's regions as botocore's endpoint data (the AWS CLI's own) lists them, and the
/// regions it refuses by partition are aws-cn's and aws-us-gov's: a region AWS opens fails this test until it is added, and
/// nothing else keeps the lists current.
public sealed class AwsRegionsTests
{
    private const string BotocoreRegions = """
        import botocore, json, os
        data = json.load(open(os.path.join(os.path.dirname(botocore.__file__), 'data', 'endpoints.json')))
        print(json.dumps({p['partition']: sorted(p['regions']) for p in data['partitions']}))
        """;

    [Fact]
    public async Task The_region_list_is_botocores_aws_partition_and_the_refused_ones_are_china_and_govcloud()
    {
        var start = new ProcessStartInfo("python3", ["-c", BotocoreRegions]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
        process.ExitCode.Should().Be(0, $"python3 with botocore reads its endpoint data (pip install botocore): {await stderr}");

        var botocore = JsonSerializer.Deserialize<Dictionary<string, List<string>>>(await stdout)!;

        AwsRegions.All.Should().BeEquivalentTo(botocore["aws"], "infra/Model/Config/AwsRegions.cs lists exactly the aws partition's regions");
        AwsRegions.OtherPartitions.Should().BeEquivalentTo(
            new[] { "aws-cn", "aws-us-gov" }.SelectMany(p => botocore[p].Select(r => KeyValuePair.Create(r, p))).ToDictionary(),
            "the China and GovCloud regions are refused by name, with their partition");
    }

    [Theory]
    [InlineData("us-east-1", null)]
    [InlineData("us-est-1", "is not an AWS region (got 'us-est-1')")]
    [InlineData("eu-wset-1", "is not an AWS region (got 'eu-wset-1'; did you mean eu-west-1?)")]
    [InlineData("us-iso-east-1", "is not an AWS region (got 'us-iso-east-1')")]
    [InlineData("cn-north-1", "is in the aws-cn partition, and this project builds ARNs for the aws partition only (got 'cn-north-1')")]
    [InlineData("us-gov-west-1", "is in the aws-us-gov partition, and this project builds ARNs for the aws partition only (got 'us-gov-west-1')")]
    public void A_name_is_a_region_only_when_listed_in_the_aws_partition_and_a_slip_names_the_region_it_is_near(string name, string? problem) =>
        AwsRegions.Problem(name).Should().Be(problem);
}
