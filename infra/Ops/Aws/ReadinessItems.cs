using Failover.Contract.Readiness;
using Failover.Functions.Aws;
using Failover.Functions.Aws.Readiness;
using Failover.Functions.Runtime;
using Failover.Ops.Cli;
using Failover.Ops.Pulumi;

namespace Failover.Ops.Aws;

/// A stack's readiness plan as read, or why it could not be.
public sealed record PlanRead(string Stack, ReadinessPlan? Plan, string? Missing);

/// The readiness plans (control table, `readiness#STACK`, written by Pulumi at deploy) and the measured runs (decision log, `runs`,
/// written by release-lock at a run's end), as failoverctl reads them. Both tables are global: a replica that does not answer is
/// passed over for the next.
public sealed class ReadinessItems(OpsAws aws)
{
    /// Both stacks' plans, each from its own stack's table, read side by side.
    public async Task<(PlanRead Secondary, PlanRead Primary)> PlansAsync(Project project, DeployedStack primary, DeployedStack secondary, CancellationToken ct)
    {
        var plans = await Task.WhenAll(new[] { secondary, primary }.Select(stack =>
            PlanAsync(stack.ControlTableName, project.NamePrefix(stack.Stack), [stack.Region, stack.PeerRegion], ct)));
        return (plans[0], plans[1]);
    }

    /// The stack's plan from the first replica that answers (its own region's first: Pulumi writes it there), read as the
    /// readiness function reads it (ReadinessPlans).
    public async Task<PlanRead> PlanAsync(string table, string stack, IReadOnlyList<string> regions, CancellationToken ct)
    {
        var unanswered = new List<string>();
        foreach (var region in regions)
        {
            try
            {
                return await new ReadinessPlans(aws.Signed(OpsAws.CallBudget), region, table).ReadAsync(stack, ct) is { } plan
                    ? new PlanRead(stack, plan, null)
                    : new PlanRead(stack, null, $"the control table {table} ({region}) has no readiness plan for {stack}: deploy it again with this version (failoverctl deploy)");
            }
            catch (ConfigurationException e)
            {
                return new PlanRead(stack, null, $"{e.Message.TrimEnd('.')}: deploy it again (failoverctl deploy)");
            }
            catch (FunctionException e)
            {
                unanswered.Add($"{region}: {(e.ErrorType == ErrorTypes.AwsUnreachable ? "no answer" : e.Message)}");
            }
        }
        return new PlanRead(stack, null, $"the control table {table} did not answer ({string.Join("; ", unanswered)})");
    }

    /// The runs the decision log's index holds, newest first: every replica's list merged (each region's release-lock writes its
    /// own runs into its own replica, and replication may not have carried the other's yet).
    public async Task<IReadOnlyList<RunRecord>> RunsAsync(IReadOnlyList<(string Table, string Region)> replicas, Output output, CancellationToken ct)
    {
        var runs = new Dictionary<string, RunRecord>(StringComparer.Ordinal);
        var answered = 0;
        string? lastError = null;
        foreach (var (table, region) in replicas)
        {
            try
            {
                var index = await new RunLogClient(aws.DynamoDb(region), table).GetIndexAsync(ct);
                answered++;
                foreach (var run in index.Recent) runs.TryAdd(run.Execution, run);
            }
            catch (AwsMalformedResponseException e)
            {
                answered++;
                output.Warn($"the run index in {table} ({region}) is not one this version reads ({e.Message}); skipped");
            }
            catch (FunctionException e)
            {
                lastError = e.ErrorType == ErrorTypes.AwsUnreachable ? "no answer" : e.Message;
                output.Warn($"the decision log {table} in {region} could not be read ({lastError}); showing what the other replica holds");
            }
        }
        if (answered == 0) throw new OpsException($"the decision log could not be read in any region ({lastError}); check your AWS credentials and network");
        return [.. runs.Values.OrderByDescending(r => r.StartedAt, StringComparer.Ordinal)];
    }
}
