using System.Text.Json.Nodes;

namespace Failover.Functions.Aws;

/// The one Service Quotas call the readiness checks make: a quota's applied value in a given region.
public sealed class ServiceQuotasClient(AwsHttpClient client, string region)
{
    private readonly AwsService _service = new("ServiceQuotas", "servicequotas",
        client.Environment.Endpoint("Service Quotas", region, $"https://servicequotas.{region}.amazonaws.com"), region);

    /// The quota's value as applied to the account in this region (the default unless raised).
    public async Task<double> GetServiceQuotaAsync(string serviceCode, string quotaCode, CancellationToken cancellationToken)
    {
        var response = await JsonRpc.CallAsync(client, _service, "ServiceQuotasV20190624.GetServiceQuota",
            new JsonObject { ["ServiceCode"] = serviceCode, ["QuotaCode"] = quotaCode }, cancellationToken);
        return (response["Quota"] as JsonObject)?["Value"] is JsonValue value && value.TryGetValue<double>(out var quota)
            ? quota : throw new AwsMalformedResponseException(_service.Name, "GetServiceQuota", "Quota.Value");
    }
}
