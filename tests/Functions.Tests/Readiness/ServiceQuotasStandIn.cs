using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Failover.Functions.Tests.Readiness;

/// The Service Quotas stand-in: moto implements GetServiceQuota for VPC quotas only, so the Fargate check's tests reach this
/// small HTTP server on 127.0.0.1 instead (AWS_ENDPOINT_URL_SERVICE_QUOTAS). It answers GetServiceQuota and
/// GetAWSDefaultServiceQuota as AWS does, for the quotas it was given by region (the region read from the request's signature):
/// GetServiceQuota only for a quota given as applied to the account, and NoSuchResourceException otherwise.
public sealed partial class ServiceQuotasStandIn : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly IReadOnlyDictionary<(string Region, string ServiceCode, string QuotaCode), (double Value, bool Applied)> _quotas;

    /// Each quota's value, and whether it was applied to the account (else only its AWS default exists, this value).
    public ServiceQuotasStandIn(IReadOnlyDictionary<(string Region, string ServiceCode, string QuotaCode), (double Value, bool Applied)> quotas)
    {
        _quotas = quotas;
        Url = $"http://127.0.0.1:{MotoServer.FreePort()}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    /// The Fargate On-Demand vCPU quota of one region, applied to the account or only its AWS default.
    public static ServiceQuotasStandIn FargateVcpu(string region, double value, bool applied = true) =>
        new(new Dictionary<(string, string, string), (double, bool)> { [(region, "fargate", "L-3032A538")] = (value, applied) });

    public string Url { get; }

    /// The environment that points the functions' Service Quotas client here.
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["AWS_ENDPOINT_URL_SERVICE_QUOTAS"] = Url };

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            var body = JsonNode.Parse(await new StreamReader(context.Request.InputStream, Encoding.UTF8).ReadToEndAsync())!;
            var region = CredentialScope().Match(context.Request.Headers["Authorization"] ?? "").Groups["region"].Value;
            var (service, quota) = (body["ServiceCode"]!.GetValue<string>(), body["QuotaCode"]!.GetValue<string>());
            var target = context.Request.Headers["X-Amz-Target"];
            var (status, answer) = target is not ("ServiceQuotasV20190624.GetServiceQuota" or "ServiceQuotasV20190624.GetAWSDefaultServiceQuota")
                ? (400, new JsonObject { ["__type"] = "UnknownOperationException", ["message"] = "the stand-in answers GetServiceQuota and GetAWSDefaultServiceQuota only" })
                : _quotas.TryGetValue((region, service, quota), out var known) && (known.Applied || target.EndsWith("GetAWSDefaultServiceQuota", StringComparison.Ordinal))
                    ? (200, new JsonObject
                    {
                        ["Quota"] = new JsonObject
                        {
                            ["ServiceCode"] = service, ["QuotaCode"] = quota, ["QuotaName"] = "Fargate On-Demand vCPU resource count",
                            ["Value"] = known.Value, ["Unit"] = "None", ["Adjustable"] = true, ["GlobalQuota"] = false,
                        },
                    })
                    : (400, new JsonObject { ["__type"] = "NoSuchResourceException", ["message"] = $"no quota {service}/{quota} in {region}" });
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/x-amz-json-1.1";
            var bytes = Encoding.UTF8.GetBytes(answer.ToJsonString());
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    // Credential=KEY/DATE/REGION/servicequotas/aws4_request
    [GeneratedRegex("Credential=[^/]+/[0-9]+/(?<region>[a-z0-9-]+)/")]
    private static partial Regex CredentialScope();

    public void Dispose() => _listener.Close();
}
