using Failover.Functions.Aws;
using Failover.Functions.Runtime;
using Failover.Ops.Cli;
using Failover.Ops.Pulumi;

namespace Failover.Ops.Aws;

/// What one replica answered, or why it did not.
public sealed record ReplicaRead<T>(string Region, T? Value, string? Error);

/// The control table as failoverctl reaches it: one global table with a replica in each stack's region. Each region's functions
/// read their own replica, so with multi-Region strong consistency one write or read is the table's, while an eventually
/// consistent table is written to both replicas and read from each (a write to one would reach the other only by replication,
/// after the decision it was meant for). The secondary's replica comes first: it is the failover's, and the primary's region
/// is the one most likely not to answer when the table matters.
public sealed class ControlReplicas
{
    private readonly OpsAws _aws;
    private readonly Output _output;
    private readonly IReadOnlyList<string> _regions;

    /// The table of a deployed pair, after checking that both stacks name the same one in the same mode.
    public ControlReplicas(OpsAws aws, Output output, DeployedStack primary, DeployedStack secondary)
        : this(aws, output, primary.ControlTableName, primary.ControlTableConsistency == "strong", [secondary.Region, primary.Region])
    {
        if (primary.ControlTableName != secondary.ControlTableName)
            throw new OpsException($"the stacks name different control tables ({primary.Stack}: {primary.ControlTableName}, {secondary.Stack}: {secondary.ControlTableName}): " +
                $"deploy {secondary.Stack} again so that it reads {primary.Stack}'s table");
        if (primary.ControlTableConsistency != secondary.ControlTableConsistency)
            throw new OpsException($"the stacks disagree on the control table's consistency ({primary.Stack}: {primary.ControlTableConsistency}, " +
                $"{secondary.Stack}: {secondary.ControlTableConsistency}): set controlTableConsistency alike in both and deploy them");
    }

    /// The table by name, its mode, and its replicas' regions in the order to try them.
    public ControlReplicas(OpsAws aws, Output output, string table, bool strong, IReadOnlyList<string> regions)
    {
        _aws = aws;
        _output = output;
        Table = table;
        Strong = strong;
        _regions = regions;
    }

    public string Table { get; }

    /// Multi-Region strong consistency: every replica answers alike.
    public bool Strong { get; }

    /// Writes where the functions will read it: strongly consistent, the first replica that answers; eventually consistent,
    /// every replica. Fails only when no replica took the write; returns the regions that did.
    public async Task<IReadOnlyList<string>> WriteAsync(string what, Func<ControlTableClient, Task> write)
    {
        var written = new List<string>();
        FunctionException? last = null;
        foreach (var region in _regions)
        {
            try
            {
                await write(_aws.ControlTable(Table, region));
                written.Add(region);
                if (Strong) break;
            }
            catch (FunctionException e) when (Unanswered(e))
            {
                last = e;
                _output.Warn(Strong
                    ? $"the control table in {region} did not answer ({e.Message}); trying another replica to {what}"
                    : $"the control table in {region} did not answer ({e.Message}); it gets this by replication once its region answers");
            }
        }
        return written.Count > 0 ? written : throw last!;
    }

    /// Reads what the functions would read: strongly consistent, the first replica that answers (one read, or every replica's
    /// error); eventually consistent, each region's own (the answers may differ until replication catches up).
    public async Task<IReadOnlyList<ReplicaRead<T>>> ReadAsync<T>(Func<ControlTableClient, Task<T>> read)
    {
        var reads = new List<ReplicaRead<T>>();
        foreach (var region in _regions)
        {
            try
            {
                var value = await read(_aws.ControlTable(Table, region));
                // Strongly consistent: this one answer is the table's, whichever replica gave it.
                if (Strong) return [new ReplicaRead<T>(region, value, null)];
                reads.Add(new ReplicaRead<T>(region, value, null));
            }
            catch (FunctionException e) when (Unanswered(e) || !Strong)
            {
                if (Strong && region != _regions[^1]) _output.Warn($"the control table in {region} did not answer ({e.Message}); reading another replica");
                reads.Add(new ReplicaRead<T>(region, default, e.ErrorType == ErrorTypes.AwsUnreachable ? "no answer" : e.Message));
            }
        }
        return reads;
    }

    private static bool Unanswered(FunctionException e) => e.ErrorType is ErrorTypes.AwsUnreachable or ErrorTypes.AwsServerError or ErrorTypes.AwsThrottled;
}
