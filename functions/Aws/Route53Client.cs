using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Failover.Functions.Aws;

/// The Route 53 health-check calls the workflow needs (REST-XML API 2013-04-01).
public sealed class Route53Client(AwsHttpClient client)
{
    private const string Namespace = "https://route53.amazonaws.com/doc/2013-04-01/";

    // Route 53 is global; its control plane signs in us-east-1.
    private readonly AwsService _service = new("Route 53", "route53",
        client.Environment.Endpoint("Route 53", "https://route53.amazonaws.com"), "us-east-1");

    public sealed record HealthCheck(string Id, bool Inverted, long Version);

    public async Task<HealthCheck> GetHealthCheckAsync(string id, CancellationToken cancellationToken)
    {
        var xml = Xml.Parse(await client.SendAsync(_service, HttpMethod.Get, $"/2013-04-01/healthcheck/{Uri.EscapeDataString(id)}", null, null, null, cancellationToken),
            _service, "GetHealthCheck");
        return Read(id, xml, "GetHealthCheck");
    }

    /// Sets only the inversion; HealthCheckVersion makes a concurrent edit fail instead of being overwritten.
    public async Task<HealthCheck> UpdateHealthCheckAsync(string id, long version, bool inverted, CancellationToken cancellationToken)
    {
        XNamespace ns = Namespace;
        var body = new XDocument(new XElement(ns + "UpdateHealthCheckRequest",
            new XElement(ns + "HealthCheckVersion", version.ToString(CultureInfo.InvariantCulture)),
            new XElement(ns + "Inverted", inverted ? "true" : "false")));
        var xml = Xml.Parse(await client.SendAsync(_service, HttpMethod.Post, $"/2013-04-01/healthcheck/{Uri.EscapeDataString(id)}",
            Encoding.UTF8.GetBytes(body.ToString(SaveOptions.DisableFormatting)), "application/xml", null, cancellationToken), _service, "UpdateHealthCheck");
        return Read(id, xml, "UpdateHealthCheck");
    }

    /// What each Route 53 checker last saw, e.g. "Success: HTTP Status Code 200, OK" or "Failure: ...".
    public async Task<IReadOnlyList<string>> GetHealthCheckStatusAsync(string id, CancellationToken cancellationToken)
    {
        var xml = Xml.Parse(await client.SendAsync(_service, HttpMethod.Get, $"/2013-04-01/healthcheck/{Uri.EscapeDataString(id)}/status", null, null, null, cancellationToken),
            _service, "GetHealthCheckStatus");
        return Xml.All(xml, "StatusReport")
            .Select(r => Xml.Child(r, "Status") ?? throw new AwsMalformedResponseException(_service.Name, "GetHealthCheckStatus", "StatusReport/Status")).ToList();
    }

    // HealthCheckVersion is a required member of HealthCheck in the API model, and guessing one would defeat the concurrent-edit check.
    // Inverted is an optional member of HealthCheckConfig (only Type is required): an absent Inverted is a health check not inverted.
    private HealthCheck Read(string id, XDocument xml, string action)
    {
        var version = Xml.First(xml, "HealthCheckVersion") ?? throw new AwsMalformedResponseException(_service.Name, action, "HealthCheckVersion");
        if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            throw new AwsMalformedResponseException(_service.Name, action, "a numeric HealthCheckVersion");
        return new HealthCheck(id, string.Equals(Xml.First(xml, "Inverted"), "true", StringComparison.OrdinalIgnoreCase), number);
    }
}
