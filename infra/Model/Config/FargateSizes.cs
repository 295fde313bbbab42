namespace Failover.Infra.Config;

/// Fargate's valid CPU/memory pairs: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html
public static class FargateSizes
{
    /// Memory sizes (MiB) each CPU size (units) accepts, in CPU order.
    public static readonly IReadOnlyDictionary<int, int[]> MemoryByCpu = new SortedDictionary<int, int[]>
    {
        [256] = [512, 1024, 2048],
        [512] = Steps(1024, 4096, 1024),
        [1024] = Steps(2048, 8192, 1024),
        [2048] = Steps(4096, 16384, 1024),
        [4096] = Steps(8192, 30720, 1024),
        [8192] = Steps(16384, 61440, 4096),
        [16384] = Steps(32768, 122880, 8192),
    };

    private static int[] Steps(int from, int to, int step) => Enumerable.Range(0, (to - from) / step + 1).Select(i => from + i * step).ToArray();
}
