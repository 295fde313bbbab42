using System.Globalization;
using System.Text.RegularExpressions;
using Failover.Functions.Aws;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// `check-service`: is the service ready for traffic? The workflow waits on it before moving any. The service is in this region,
/// or in SERVICE_REGION. Given when the workflow began waiting and for how long it may, it also says whether the wait is over:
/// ASL's JSONPath has no date arithmetic, so the loop's time bound is computed here.
public sealed partial class CheckServiceHandler(Func<string, string?> env, AwsClients clients, TimeProvider time)
{
    /// A day: longer than any readiness wait, shorter than the lock's longest lease.
    public const int MaxTimeoutSeconds = 86400;

    /// The workflow's clock and the function's may differ a little; a start further ahead than this is no time the workflow saw.
    public static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(5);

    public async Task<CheckServiceResponse> HandleAsync(CheckServiceRequest request, InvocationContext context, CancellationToken cancellationToken)
    {
        var wait = ReadWait(request, time.GetUtcNow());
        var settings = new Settings(env, FunctionContract.CheckService);
        var cluster = settings.Required(EnvNames.ClusterName);
        var service = settings.Required(EnvNames.ServiceName);
        var targetGroup = settings.Required(EnvNames.TargetGroupArn);
        var serviceRegion = settings.Region(EnvNames.ServiceRegion);
        settings.ThrowIfInvalid();

        var aws = clients.Until(context.StopBy);
        var current = await aws.Ecs(serviceRegion).DescribeServiceAsync(cluster, service, cancellationToken);
        var healthy = (await aws.ElbV2(serviceRegion).DescribeTargetHealthAsync(targetGroup, cancellationToken)).Count(state => state == "healthy");
        // Ready means serving at full size: every task running, the rollout finished, and the ALB sending to all of them.
        var ready = current.DesiredCount > 0
            && current.RunningCount == current.DesiredCount
            && current.PrimaryRolloutState == "COMPLETED"
            && healthy >= current.DesiredCount;

        // Measured after the reads: the answer is about the state just seen. A ready service has not timed out, however late.
        var waited = wait is { } w ? time.GetUtcNow() - w.Since : (TimeSpan?)null;
        var timedOut = !ready && wait is not null && waited >= wait.Value.Timeout;
        int? waitedSeconds = waited is { } d ? (int)Math.Clamp(Math.Floor(d.TotalSeconds), 0, int.MaxValue) : null;
        context.Log.Info("checked", ("ready", ready), ("running", current.RunningCount), ("desired", current.DesiredCount), ("healthyTargets", healthy),
            ("timedOut", timedOut), ("waitedSeconds", waitedSeconds));
        return new CheckServiceResponse
        {
            Ready = ready,
            Running = current.RunningCount,
            Desired = current.DesiredCount,
            HealthyTargets = healthy,
            RolloutState = current.PrimaryRolloutState,
            TimedOut = timedOut,
            WaitedSeconds = waitedSeconds,
        };
    }

    /// Both or neither: a bound without a start (or a start without a bound) would silently never time out.
    private static (DateTimeOffset Since, TimeSpan Timeout)? ReadWait(CheckServiceRequest request, DateTimeOffset now)
    {
        if (request.WaitingSince is null && request.TimeoutSeconds is null) return null;
        if (request.WaitingSince is null || request.TimeoutSeconds is null)
            throw new InvalidInputException($"'waitingSince' and 'timeoutSeconds' go together: '{(request.WaitingSince is null ? "timeoutSeconds" : "waitingSince")}' " +
                $"was given without '{(request.WaitingSince is null ? "waitingSince" : "timeoutSeconds")}'. Give both to bound the wait, or neither.");
        if (request.TimeoutSeconds is not (>= 1 and <= MaxTimeoutSeconds))
            throw new InvalidInputException($"'timeoutSeconds' must be a whole number from 1 to {MaxTimeoutSeconds} (got {request.TimeoutSeconds}).");
        // ISO-8601 with a zone (Step Functions writes `2025-01-01T12:00:00.123Z`): a time without one could be anyone's local time.
        if (!IsoTimestamp().IsMatch(request.WaitingSince)
            || !DateTimeOffset.TryParse(request.WaitingSince, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var since))
            throw new InvalidInputException($"'waitingSince' must be an ISO-8601 time with a zone, e.g. 2025-01-01T12:00:00Z (got {BoundedText.Of(request.WaitingSince)}).");
        if (since - now > AllowedSkew)
            throw new InvalidInputException($"'waitingSince' {BoundedText.Of(request.WaitingSince)} is more than {AllowedSkew.TotalMinutes:0} minutes in the future: no wait began then.");
        return (since, TimeSpan.FromSeconds(request.TimeoutSeconds.Value));
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})$")]
    private static partial Regex IsoTimestamp();
}
