using Failover.Infra.Yaml;

namespace Failover.Infra;

/// Explicit aws providers for regions other than the stack's own (the peer region's table replica, us-east-1 where
/// Route 53 publishes its metrics), each declared once, on first use, and pinned like every resource.
public sealed class AwsProviders(PulumiProgram program)
{
    private readonly Dictionary<string, Resource> _byRegion = new(StringComparer.Ordinal);

    /// Pass as `ResourceOptions.Provider` (or an invoke's provider) to place a resource in that region.
    public Resource For(string region)
    {
        if (_byRegion.TryGetValue(region, out var provider)) return provider;
        provider = program.Add(new Resource
        {
            Name = $"aws-{region}",
            Type = "pulumi:providers:aws",
            Properties = Map.Of(("region", region)),
        });
        _byRegion[region] = provider;
        return provider;
    }
}
