using Failover.Functions.Aws;

namespace Failover.Ops.Aws;

/// Who is calling: the identity written as `setBy` on the flag (STS GetCallerIdentity, Query API 2011-06-15).
public sealed class StsClient(AwsHttpClient client, string region)
{
    private readonly AwsService _service = new("STS", "sts", client.Environment.Endpoint("STS", region, $"https://sts.{region}.amazonaws.com"), region);

    public async Task<string> CallerArnAsync(CancellationToken cancellationToken)
    {
        var xml = await QueryApi.CallAsync(client, _service, [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")], cancellationToken);
        return Xml.First(xml, "Arn") ?? throw new AwsMalformedResponseException("STS", "GetCallerIdentity", "Arn");
    }
}
