namespace Failover.Functions.Tests.Harness;

/// A second moto server, started the same way as the collection's: the control table's replica in the other region. moto has no
/// global tables, so two servers are two replicas, and a test replicates by copying items between them (or, to model the lag,
/// does not).
public sealed class PeerRegionMoto : IAsyncLifetime
{
    public MotoServer Server { get; } = new();

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}
