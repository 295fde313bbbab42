using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Failover.Functions.Tests.Readiness;

/// The Service Quotas stand-in: moto implements GetServiceQuota for VPC quotas only, so the Fargate check's tests reach this
/// small HTTP server on 127.0.0.1 instead (AWS_ENDPOINT_URL_SERVICE_QUOTAS). It answers GetServiceQuota as AWS does, for the
/// quotas it was given by region (the region read from the request's signature), and NoSuchResourceException otherwise.
public sealed partial class ServiceQuotasStandIn : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly IReadOnlyDictionary<(string Region, string ServiceCode, string QuotaCode), double> _quotas;

    public ServiceQuotasStandIn(IReadOnlyDictionary<(string Region, string ServiceCode, string QuotaCode), double> quotas)
    {
        _quotas = quotas;
        Url = $"http://127.0.0.1:{MotoServer.FreePort()}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    /// The Fargate On-Demand vCPU quota of one region.
    public static ServiceQuotasStandIn FargateVcpu(string region, double value) => new(new Dictionary<(string, string, string), double>
    {
        [(region, "fargate", "L-3032A538")] = value,
    });

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
            var (status, answer) = context.Request.Headers["X-Amz-Target"] != "ServiceQuotasV20190624.GetServiceQuota"
                ? (400, new JsonObject { ["__type"] = "UnknownOperationException", ["message"] = "the stand-in answers GetServiceQuota only" })
                : _quotas.TryGetValue((region, service, quota), out var value)
                    ? (200, new JsonObject
                    {
                        ["Quota"] = new JsonObject
                        {
                            ["ServiceCode"] = service, ["QuotaCode"] = quota, ["QuotaName"] = "Fargate On-Demand vCPU resource count",
                            ["Value"] = value, ["Unit"] = "None", ["Adjustable"] = true, ["GlobalQuota"] = false,
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
