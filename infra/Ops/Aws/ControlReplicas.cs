using Failover.Functions.Aws;
using Failover.Functions.Runtime;
using Failover.Ops.Cli;

namespace Failover.Ops.Aws;

/// The control table's replicas in the order failoverctl tries them: the primary's, else the secondary's. The table matters most
/// when the primary's region is the one not answering, so a replica that does not answer (or answers 5xx) is not the end.
public static class ControlReplicas
{
    /// Acts on the first replica that answers; returns its region. Any other error, or the last replica's, is the caller's.
    public static async Task<string> OnAnyAsync(OpsAws aws, Output output, IReadOnlyList<(string Table, string Region)> replicas, string what,
        Func<ControlTable, Task> act)
    {
        for (var i = 0; ; i++)
        {
            var (table, region) = replicas[i];
            try
            {
                await act(aws.ControlTable(table, region));
                return region;
            }
            catch (FunctionException e) when (i < replicas.Count - 1 && e.ErrorType is ErrorTypes.AwsUnreachable or ErrorTypes.AwsServerError)
            {
                output.Warn($"the control table in {region} did not answer ({e.Message}); trying the replica in {replicas[i + 1].Region} to {what}");
            }
        }
    }
}
