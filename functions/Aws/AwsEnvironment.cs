using Amazon.Runtime;
using Failover.Functions.Runtime;

namespace Failover.Functions.Aws;

/// Credentials, region and endpoint overrides as Lambda (or a test) puts them in the environment.
public sealed class AwsEnvironment
{
    private readonly Func<string, string?> _env;

    private AwsEnvironment(Func<string, string?> env, ImmutableCredentials credentials, string region)
    {
        _env = env;
        Credentials = credentials;
        Region = region;
    }

    public ImmutableCredentials Credentials { get; }

    /// The function's own region (AWS_REGION).
    public string Region { get; }

    public static AwsEnvironment From(Func<string, string?> env)
    {
        var missing = new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY" }.Where(k => string.IsNullOrEmpty(env(k))).ToList();
        var region = env("AWS_REGION") ?? env("AWS_DEFAULT_REGION");
        if (string.IsNullOrEmpty(region)) missing.Add("AWS_REGION");
        if (missing.Count > 0) throw new ConfigurationException($"Missing AWS environment: {string.Join(", ", missing)}.");
        var token = env("AWS_SESSION_TOKEN");
        return new AwsEnvironment(env, new ImmutableCredentials(env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), string.IsNullOrEmpty(token) ? null : token), region!);
    }

    /// Credentials found elsewhere (a profile, SSO, an instance role: the operator tool's SDK credential chain); the endpoint
    /// overrides still come from `env`.
    public static AwsEnvironment With(Func<string, string?> env, ImmutableCredentials credentials, string region) => new(env, credentials, region);

    /// AWS_ENDPOINT_URL_<SERVICE_ID>, then AWS_ENDPOINT_URL, then the public endpoint (the SDKs' documented order).
    public Uri Endpoint(string serviceId, string defaultUrl) => new(EndpointOverride(serviceId) ?? defaultUrl);

    /// For a client of one region: AWS_ENDPOINT_URL_<SERVICE_ID>_<REGION> (e.g. AWS_ENDPOINT_URL_DYNAMODB_US_EAST_1) first, then
    /// the order above. Not an SDK variable: a test seam, so that two regions can be two emulators (a control table's replicas);
    /// without it a region's client calls that region's public endpoint.
    public Uri Endpoint(string serviceId, string region, string defaultUrl)
    {
        var regional = _env($"AWS_ENDPOINT_URL_{Upper(serviceId)}_{Upper(region)}");
        return new(!string.IsNullOrEmpty(regional) ? regional : EndpointOverride(serviceId) ?? defaultUrl);
    }

    /// Set when a test points a client at an emulator; the SDK clients need it as ServiceURL.
    public string? EndpointOverride(string serviceId)
    {
        var specific = _env($"AWS_ENDPOINT_URL_{Upper(serviceId)}");
        var general = _env("AWS_ENDPOINT_URL");
        return !string.IsNullOrEmpty(specific) ? specific : !string.IsNullOrEmpty(general) ? general : null;
    }

    private static string Upper(string name) => name.ToUpperInvariant().Replace(' ', '_').Replace('-', '_');
}
