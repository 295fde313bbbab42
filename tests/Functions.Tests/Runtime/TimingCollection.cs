namespace Failover.Functions.Tests.Runtime;

/// Tests that hold the loop to wall-clock bounds run alone, after the parallel ones: on a small machine the load of
/// other tests (megabyte strings, native child processes) would otherwise be what they measure.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}
