using Failover.Functions.Aws;
using Failover.Functions.Json;

namespace Failover.Functions.Handlers;

/// One source's view of the primary.
public sealed record Evidence(string Source, Health Verdict, string Detail);

/// Gathers the primary's health from outside it where possible (design §5) and combines it.
public sealed class HealthEvidence(Route53Client route53, CloudWatchClient? primaryCloudWatch, string? endpointHealthCheckId, IReadOnlyList<string> primaryAlarmNames)
{
    public async Task<IReadOnlyList<Evidence>> GatherAsync(AlarmEvent? trigger, CancellationToken cancellationToken)
    {
        var evidence = new List<Evidence>();
        if (trigger?.State?.Value is { } state)
            evidence.Add(new Evidence("trigger", state switch
            {
                "ALARM" => Health.Unhealthy,
                "OK" => Health.Healthy,
                _ => Health.Unknown,
            }, $"{trigger.AlarmName ?? "alarm"} is {state}"));

        if (endpointHealthCheckId is not null) evidence.Add(await EndpointAsync(endpointHealthCheckId, cancellationToken));
        if (primaryCloudWatch is not null && primaryAlarmNames.Count > 0) evidence.Add(await AlarmsAsync(primaryCloudWatch, cancellationToken));
        return evidence;
    }

    /// Any source that sees trouble wins; otherwise any that sees health; otherwise nobody knows.
    public static Health Combine(IReadOnlyList<Evidence> evidence) =>
        evidence.Any(e => e.Verdict == Health.Unhealthy) ? Health.Unhealthy
        : evidence.Any(e => e.Verdict == Health.Healthy) ? Health.Healthy
        : Health.Unknown;

    // Route 53's checkers probe from several regions: a majority of failures is an outage, not one checker's network.
    private async Task<Evidence> EndpointAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var reports = await route53.GetHealthCheckStatusAsync(id, cancellationToken);
            if (reports.Count == 0) return new Evidence("route53-endpoint", Health.Unknown, "no checker has reported yet");
            var failures = reports.Count(r => !r.StartsWith("Success", StringComparison.OrdinalIgnoreCase));
            var verdict = failures * 2 > reports.Count ? Health.Unhealthy : Health.Healthy;
            return new Evidence("route53-endpoint", verdict, $"{reports.Count - failures} of {reports.Count} Route 53 checkers see the endpoint healthy");
        }
        catch (AwsServiceException e)
        {
            return new Evidence("route53-endpoint", Health.Unknown, $"status unavailable: {e.Code}");
        }
        catch (Exception e) when (e is AwsUnreachableException or AwsMalformedResponseException)
        {
            return new Evidence("route53-endpoint", Health.Unknown, e.Message);
        }
    }

    private async Task<Evidence> AlarmsAsync(CloudWatchClient cloudWatch, CancellationToken cancellationToken)
    {
        try
        {
            var alarms = await cloudWatch.DescribeAlarmsAsync(primaryAlarmNames, cancellationToken);
            var firing = alarms.Where(a => a.State == "ALARM").Select(a => a.Name).ToList();
            if (firing.Count > 0) return new Evidence("primary-alarms", Health.Unhealthy, $"in ALARM: {string.Join(", ", firing)}");
            var missing = primaryAlarmNames.Except(alarms.Select(a => a.Name)).ToList();
            if (missing.Count > 0) return new Evidence("primary-alarms", Health.Unknown, $"alarms not found: {string.Join(", ", missing)}");
            if (alarms.Any(a => a.State != "OK")) return new Evidence("primary-alarms", Health.Unknown, "some alarms have insufficient data");
            return new Evidence("primary-alarms", Health.Healthy, $"all {alarms.Count} alarms OK");
        }
        catch (AwsUnreachableException e)
        {
            // A region whose CloudWatch cannot be reached is in trouble: evidence against it, not for it.
            return new Evidence("primary-alarms", Health.Unhealthy, e.Message);
        }
        catch (AwsServiceException e) when (e.StatusCode >= 500)
        {
            return new Evidence("primary-alarms", Health.Unhealthy, $"primary CloudWatch failing: {e.Code}");
        }
        catch (AwsMalformedResponseException e)
        {
            // CloudWatch answered, so the region is reachable, but the answer says nothing either way.
            return new Evidence("primary-alarms", Health.Unknown, e.Message);
        }
    }
}
