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

    /// AWS_ENDPOINT_URL_<SERVICE_ID>, then AWS_ENDPOINT_URL, then the public endpoint (the SDKs' documented order).
    public Uri Endpoint(string serviceId, string defaultUrl) => new(EndpointOverride(serviceId) ?? defaultUrl);

    /// Set when a test points a client at an emulator; the SDK clients need it as ServiceURL.
    public string? EndpointOverride(string serviceId)
    {
        var specific = _env($"AWS_ENDPOINT_URL_{serviceId.ToUpperInvariant().Replace(' ', '_')}");
        var general = _env("AWS_ENDPOINT_URL");
        return !string.IsNullOrEmpty(specific) ? specific : !string.IsNullOrEmpty(general) ? general : null;
    }
}
