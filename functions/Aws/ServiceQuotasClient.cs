using System.Text.Json.Nodes;

namespace Failover.Functions.Aws;

/// The Service Quotas calls the readiness checks make: a quota's value in a given region.
public sealed class ServiceQuotasClient(AwsHttpClient client, string region)
{
    private readonly AwsService _service = new("ServiceQuotas", "servicequotas",
        client.Environment.Endpoint("Service Quotas", region, $"https://servicequotas.{region}.amazonaws.com"), region);

    /// The quota's value as applied to the account in this region; its AWS default when no value was ever applied (GetServiceQuota
    /// then answers NoSuchResourceException, Service Quotas API reference), which is the value that applies.
    public async Task<double> GetServiceQuotaAsync(string serviceCode, string quotaCode, CancellationToken cancellationToken)
    {
        try
        {
            return await QuotaAsync("GetServiceQuota", serviceCode, quotaCode, cancellationToken);
        }
        catch (AwsServiceException e) when (e.Code == "NoSuchResourceException")
        {
            return await QuotaAsync("GetAWSDefaultServiceQuota", serviceCode, quotaCode, cancellationToken);
        }
    }

    private async Task<double> QuotaAsync(string action, string serviceCode, string quotaCode, CancellationToken cancellationToken)
    {
        var response = await JsonRpc.CallAsync(client, _service, $"ServiceQuotasV20190624.{action}",
            new JsonObject { ["ServiceCode"] = serviceCode, ["QuotaCode"] = quotaCode }, cancellationToken);
        return (response["Quota"] as JsonObject)?["Value"] is JsonValue value && value.TryGetValue<double>(out var quota)
            ? quota : throw new AwsMalformedResponseException(_service.Name, action, "Quota.Value");
    }
}
