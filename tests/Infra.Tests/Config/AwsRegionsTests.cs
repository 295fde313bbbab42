using System.Diagnostics;
using System.Text.Json;
using Failover.Infra.Config;

namespace Failover.Infra.Tests.Config;

/// The compiler's region list is the aws, aws-cn and aws-us-gov partitions' regions as botocore's endpoint data (the AWS CLI's
/// own) lists them: a region AWS opens fails this test until it is added, and nothing else keeps the list current.
public sealed class AwsRegionsTests
{
    private const string BotocoreRegions = """
        import botocore, json, os
        data = json.load(open(os.path.join(os.path.dirname(botocore.__file__), 'data', 'endpoints.json')))
        print(json.dumps(sorted(r for p in data['partitions'] if p['partition'] in ('aws', 'aws-cn', 'aws-us-gov') for r in p['regions'])))
        """;

    [Fact]
    public async Task The_region_list_is_botocores_for_the_commercial_china_and_govcloud_partitions()
    {
        var start = new ProcessStartInfo("python3", ["-c", BotocoreRegions]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
        process.ExitCode.Should().Be(0, $"python3 with botocore reads its endpoint data (pip install botocore): {await stderr}");

        var botocore = JsonSerializer.Deserialize<List<string>>(await stdout)!;

        AwsRegions.All.Should().BeEquivalentTo(botocore, "infra/Model/Config/AwsRegions.cs lists exactly these partitions' regions");
    }

    [Theory]
    [InlineData("us-east-1", null)]
    [InlineData("cn-north-1", null)]
    [InlineData("us-gov-west-1", null)]
    [InlineData("us-est-1", "is not an AWS region (got 'us-est-1')")]
    [InlineData("eu-wset-1", "is not an AWS region (got 'eu-wset-1'; did you mean eu-west-1?)")]
    [InlineData("us-iso-east-1", "is not an AWS region (got 'us-iso-east-1')")]
    public void A_name_is_a_region_only_when_listed_and_a_slip_names_the_region_it_is_near(string name, string? problem) =>
        AwsRegions.Problem(name).Should().Be(problem);
}
