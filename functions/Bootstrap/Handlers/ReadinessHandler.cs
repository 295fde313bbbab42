using Failover.Contract.Readiness;
using Failover.Functions.Aws;
using Failover.Functions.Aws.Readiness;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// `readiness`: the scheduled readiness checks of one stack. Reads the stack's plan and the peer's from this region's replica of
/// the control table, runs every check side by side (ReadinessChecks), publishes the results as metrics (ReadinessMetrics) in
/// one call and returns them. Read-only: it changes nothing it checks.
public sealed class ReadinessHandler(Func<string, string?> env, AwsClients clients, TimeProvider time)
{
    /// Each check's own limit: a read that hangs answers unknown and leaves the rest of the invocation to the others.
    public static readonly TimeSpan PerCheck = TimeSpan.FromSeconds(20);

    /// Kept back from the invocation's deadline for the one PutMetricData after the checks.
    public static readonly TimeSpan PublishReserve = TimeSpan.FromSeconds(5);

    public async Task<ReadinessReport> HandleAsync(ReadinessRequest request, InvocationContext context, CancellationToken cancellationToken)
    {
        var settings = new Settings(env, FunctionContract.Readiness);
        var tableName = settings.Required(EnvNames.ControlTableName);
        var stack = settings.Required(EnvNames.StackPrefix);
        var peerStack = settings.Required(EnvNames.PeerStackPrefix);
        settings.ThrowIfInvalid();

        var aws = clients.Until(context.StopBy);
        var region = aws.Environment.Region;
        var plans = new ReadinessPlans(aws.Http, region, tableName);
        // Without its own plan there is nothing to hold the account against: an error (the function's errors alarm pages), and no
        // metric, so the readiness alarm neither passes nor fails a stack it could not check.
        var plan = await plans.ReadAsync(stack, cancellationToken)
            ?? throw new ConfigurationException($"no readiness plan for {stack} in table {tableName} ({region}): item {ControlTableItems.Readiness(stack)} " +
                "is written by `pulumi up` of that stack; deploy it.");
        var (peer, peerMissing) = await PeerPlanAsync(plans, peerStack, tableName, region, cancellationToken);

        var left = context.StopBy - time.GetUtcNow() - PublishReserve;
        var perCheck = left < PerCheck ? left : PerCheck;
        if (perCheck <= TimeSpan.Zero)
            throw new DeadlineExceededException($"no time left for the checks of {stack} after reading the plans; nothing was published.");
        var results = await ReadinessChecks.RunAsync(new ReadinessContext
        {
            Plan = plan, Peer = peer, PeerMissing = peerMissing, Aws = aws.Http, Time = time,
        }, perCheck, cancellationToken);

        await aws.CloudWatch(region).PutMetricDataAsync(ReadinessMetrics.Namespace, MetricData(stack, results), cancellationToken);
        var report = ReadinessReport.Of(stack, results);
        context.Log.Info("readiness", ("stack", stack), ("source", BoundedText.Of(request.Source, 200)), ("passing", report.Passing),
            ("failing", report.Failing), ("unknown", report.Unknown),
            ("checks", string.Join("; ", results.Select(r => $"{r.Check}: {Wire(r.Status)}"))));
        foreach (var result in results.Where(r => r.Status != CheckStatus.Pass))
            context.Log.Info("readiness check", ("check", result.Check), ("status", Wire(result.Status)), ("why", result.Why));
        return report;
    }

    // A peer plan that is missing or unreadable makes the checks that need it unknown; it stops nothing else.
    private static async Task<(ReadinessPlan? Plan, string? Missing)> PeerPlanAsync(ReadinessPlans plans, string peerStack, string tableName, string region,
        CancellationToken cancellationToken)
    {
        try
        {
            return await plans.ReadAsync(peerStack, cancellationToken) is { } plan
                ? (plan, null)
                : (null, $"{peerStack} has no readiness plan in table {tableName} ({region}) yet: deploy that stack");
        }
        catch (FunctionException e)
        {
            return (null, $"the readiness plan of {peerStack} could not be read: {e.Message}");
        }
    }

    /// Per check: CheckFailed 1 or 0 (none when unknown: a check that could not tell neither fails nor passes) and CheckUnknown 1 or
    /// 0, by Stack and Check; and ChecksFailing, by Stack, which the readiness alarm watches.
    public static IReadOnlyList<CloudWatchClient.Datum> MetricData(string stack, IReadOnlyList<CheckResult> results)
    {
        var byStack = new[] { (ReadinessMetrics.StackDimension, stack) };
        var data = new List<CloudWatchClient.Datum>();
        foreach (var result in results)
        {
            var dimensions = new[] { (ReadinessMetrics.StackDimension, stack), (ReadinessMetrics.CheckDimension, result.Check) };
            if (result.Status != CheckStatus.Unknown)
                data.Add(new(ReadinessMetrics.CheckFailed, result.Status == CheckStatus.Fail ? 1 : 0, dimensions));
            data.Add(new(ReadinessMetrics.CheckUnknown, result.Status == CheckStatus.Unknown ? 1 : 0, dimensions));
        }
        data.Add(new(ReadinessMetrics.ChecksFailing, results.Count(r => r.Status == CheckStatus.Fail), byStack));
        return data;
    }

    private static string Wire(CheckStatus status) => status.ToString().ToLowerInvariant();
}
