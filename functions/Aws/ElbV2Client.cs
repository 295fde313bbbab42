using System.Xml.Linq;

namespace Failover.Functions.Aws;

/// Elastic Load Balancing v2: how many targets of a group (in the service's region) are healthy.
public sealed class ElbV2Client(AwsHttpClient client, string region)
{
    private readonly AwsService _service = new("Elastic Load Balancing v2", "elasticloadbalancing",
        client.Environment.Endpoint("Elastic Load Balancing v2", region, $"https://elasticloadbalancing.{region}.amazonaws.com"), region);

    /// One state per registered target: healthy, unhealthy, initial, draining, unused, unavailable.
    public async Task<IReadOnlyList<string>> DescribeTargetHealthAsync(string targetGroupArn, CancellationToken cancellationToken)
    {
        var xml = await QueryApi.CallAsync(client, _service,
            [("Action", "DescribeTargetHealth"), ("Version", "2015-12-01"), ("TargetGroupArn", targetGroupArn)], cancellationToken);
        return Xml.All(xml, "TargetHealth").Select(t => Xml.Child(t, "State") ?? "").ToList();
    }
}
