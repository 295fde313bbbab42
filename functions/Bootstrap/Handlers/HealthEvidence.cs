using Failover.Functions.Aws;
using Failover.Functions.Json;

namespace Failover.Functions.Handlers;

/// One source's view of the primary.
public sealed record Evidence(string Source, Health Verdict, string Detail);

/// Gathers the primary's health from outside it where possible (docs/design.md §5) and combines it. The clients it is given end their
/// calls by the evidence budget (see Budget): a source that has not answered by then says nothing (UNKNOWN).
/// `probe` and `probeUrl` (PRIMARY_PROBE_URL): decide's own GET of the primary's health URL; without them there is no direct-probe evidence.
/// `answer`: Route 53's verdict read from its DNS (HealthAnswerProbe), a second view of the same checkers that needs no us-east-1.
public sealed class HealthEvidence(Route53Client route53, CloudWatchClient? primaryCloudWatch, string? endpointHealthCheckId, IReadOnlyList<string> primaryAlarmNames,
    DirectProbe? probe = null, Uri? probeUrl = null, HealthAnswerProbe? answer = null)
{
    /// Route 53 and CloudWatch answer in well under a second when they are well; 5 s leaves room for a failed attempt and a retry.
    public static readonly TimeSpan MaxBudget = TimeSpan.FromSeconds(5);

    /// How long to gather: at most MaxBudget and at most a third of the time left, so the lock, the record and the answer
    /// (two DynamoDB writes, with retries) keep the rest: with a 15 s deadline evidence gets 4.5 s and the writes 9 s.
    /// Below this, asking would make a slow but healthy answer look like an outage: the sources are not asked (UNKNOWN).
    public static readonly TimeSpan MinBudget = TimeSpan.FromSeconds(1);

    public static TimeSpan Budget(DateTimeOffset now, DateTimeOffset stopBy)
    {
        var third = (stopBy - now) / 3;
        return third < TimeSpan.Zero ? TimeSpan.Zero : third < MaxBudget ? third : MaxBudget;
    }

    /// How old a triggering alarm's state may be and still count: the trigger rules give up delivering after as long, and an
    /// alarm event delivered later (an impaired bus or workflow) says nothing about the primary now; the live sources decide.
    public static readonly TimeSpan MaxTriggerAge = TimeSpan.FromSeconds(TriggerContract.MaxAlarmAgeSeconds);

    /// `unattended`: a trigger's start, whose alarm state must carry its time (every CloudWatch event does) to count.
    public async Task<IReadOnlyList<Evidence>> GatherAsync(AlarmEvent? trigger, bool unattended, DateTimeOffset now, TimeSpan budget,
        CancellationToken cancellationToken)
    {
        var evidence = new List<Evidence>();
        if (budget < MinBudget)
        {
            const string notAsked = "not asked: less than 1 s was left for evidence (the function's timeout is too short)";
            if (trigger?.State?.Value is { } s) evidence.Add(Trigger(trigger, s, unattended, now, live: null, probed: Health.Unknown));
            if (endpointHealthCheckId is not null) evidence.Add(new Evidence("route53-endpoint", Health.Unknown, notAsked));
            if (primaryCloudWatch is not null && primaryAlarmNames.Count > 0) evidence.Add(new Evidence("primary-alarms", Health.Unknown, notAsked));
            if (probe is not null && probeUrl is not null) evidence.Add(new Evidence(DirectProbe.Source, Health.Unknown, notAsked));
            if (answer is not null) evidence.Add(new Evidence(HealthAnswerProbe.Source, Health.Unknown, notAsked));
            return evidence;
        }

        // Side by side: a hung source costs the budget once, not once per source.
        var endpoint = endpointHealthCheckId is not null ? EndpointAsync(endpointHealthCheckId, cancellationToken) : null;
        var alarms = primaryCloudWatch is not null && primaryAlarmNames.Count > 0 ? AlarmsAsync(primaryCloudWatch, cancellationToken) : null;
        var direct = probe is not null && probeUrl is not null ? probe.ProbeAsync(probeUrl, budget, cancellationToken) : null;
        var dns = answer?.AskAsync(budget, cancellationToken);
        var read = alarms is null ? ((Evidence, IReadOnlyList<CloudWatchClient.Alarm>?)?)null : await alarms;
        var probed = direct is null ? null : await direct;
        if (trigger?.State?.Value is { } state) evidence.Add(Trigger(trigger, state, unattended, now, read?.Item2, probed?.Verdict ?? Health.Unknown));
        if (endpoint is not null) evidence.Add(await endpoint);
        if (read is { } r) evidence.Add(r.Item1);
        if (probed is not null) evidence.Add(probed);
        if (dns is not null) evidence.Add(await dns);
        return evidence;
    }

    /// The evidence of the start itself (the alarm event that started the run), not of a source read live.
    public const string TriggerSource = "trigger";

    /// The triggering alarm's state counts only while it is news: not older than the trigger window, and not superseded by a
    /// later state of the same alarm read live (an alarm that went back to OK while its event was being retried). And it is a
    /// claim of the input, which anyone allowed to start the workflow could write: it counts only when the same alarm, one of the
    /// primary's, is in that state when read live, or (an ALARM whose region does not answer) the direct probe finds the
    /// primary down too. Otherwise it is recorded as claimed, with no power.
    private Evidence Trigger(AlarmEvent trigger, string state, bool unattended, DateTimeOffset now, IReadOnlyList<CloudWatchClient.Alarm>? live,
        Health probed)
    {
        var name = trigger.AlarmName ?? "alarm";
        var since = ParseAlarmTime(trigger.State?.Timestamp);
        if (since is null && unattended)
            return new Evidence(TriggerSource, Health.Unknown, $"{name} is {state}, but the event carries no readable time: not counted, the live sources decide");
        if (since is { } at && now - at > MaxTriggerAge)
            return new Evidence(TriggerSource, Health.Unknown,
                $"{name} entered {state} at {at:O}, {(int)(now - at).TotalMinutes} min ago: too old to count, the live sources decide");
        if (since is { } entered && live?.FirstOrDefault(a => a.Name == trigger.AlarmName) is { StateUpdated: { } updated } current
            && current.State != state && updated > entered)
            return new Evidence(TriggerSource, Health.Unknown,
                $"{name} entered {state} at {entered:O} but is {current.State} since {updated:O}: superseded, the live sources decide");
        var claimed = state switch { "ALARM" => Health.Unhealthy, "OK" => Health.Healthy, _ => Health.Unknown };
        if (claimed == Health.Unknown) return new Evidence(TriggerSource, Health.Unknown, $"{name} is {state} (claimed by the start)");
        var ours = trigger.AlarmName is { } alarmName && primaryAlarmNames.Contains(alarmName);
        var read = live?.FirstOrDefault(a => a.Name == trigger.AlarmName);
        if (ours && read is not null && read.State == state)
            return new Evidence(TriggerSource, claimed, $"{name} is {state}: {VerifiedByLiveState}");
        if (ours && read is null && claimed == Health.Unhealthy && probed == Health.Unhealthy)
            return new Evidence(TriggerSource, claimed, $"{name} is {state}: {VerifiedByProbe}");
        var why = !ours ? "not one of the primary's alarms"
            : read is not null ? $"it is {read.State} when read now"
            : $"its live state could not be read and the direct probe says {Wire.Of(probed)}";
        return new Evidence(TriggerSource, Health.Unknown, $"{name} is {state} {UnverifiedClaim} ({why}): not counted");
    }

    /// How a trigger's evidence says it was checked (decide records each claim as verified or not from these).
    public const string VerifiedByLiveState = "claimed by the start, verified by its live state";
    public const string VerifiedByProbe = "claimed by the start; its region does not answer, and the direct probe confirms the primary down";
    public const string UnverifiedClaim = "by the start's claim, unverified";

    /// CloudWatch writes `2026-11-26T17:04:40.989+0000`; a time without an offset is UTC, not the function's local time.
    internal static DateTimeOffset? ParseAlarmTime(string? text) =>
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at : null;

    /// The independent views of the primary: a failure of one (CloudWatch in the primary's region, Route 53's API, the network
    /// between decide and the primary) does not make another wrong. The trigger and the live alarm states are one family: both
    /// are the primary's alarms, evaluated by the primary region's CloudWatch.
    public enum Family { DirectProbe, Route53Checkers, CloudWatchAlarms }

    public static Family FamilyOf(string source) => source switch
    {
        DirectProbe.Source => Family.DirectProbe,
        "route53-endpoint" or HealthAnswerProbe.Source => Family.Route53Checkers,
        _ => Family.CloudWatchAlarms,
    };

    /// UNHEALTHY when a source sees trouble and the direct probe does not see the application answering; HEALTHY when no
    /// source sees trouble and one sees health; otherwise UNKNOWN: nothing answered, or the sources disagree with an answering
    /// health path (an alarm in ALARM, or forged, while the application serves).
    public static Health Combine(IReadOnlyList<Evidence> evidence)
    {
        var unhealthy = evidence.Any(e => e.Verdict == Health.Unhealthy);
        var probeHealthy = evidence.Any(e => FamilyOf(e.Source) == Family.DirectProbe && e.Verdict == Health.Healthy);
        if (unhealthy) return probeHealthy ? Health.Unknown : Health.Unhealthy;
        return evidence.Any(e => e.Verdict == Health.Healthy) ? Health.Healthy : Health.Unknown;
    }

    /// Two independent families say UNHEALTHY, the direct probe among them: what an unattended failover needs. The probe is
    /// required because it alone asks the application itself; the others can be wrong about it for reasons of their own.
    public static bool Confirmed(IReadOnlyList<Evidence> evidence)
    {
        var failing = evidence.Where(e => e.Verdict == Health.Unhealthy).Select(e => FamilyOf(e.Source)).Distinct().ToList();
        return failing.Contains(Family.DirectProbe) && failing.Count >= 2;
    }

    /// Route 53's own rule: "If more than 18% of health checkers report that an endpoint is healthy, Route 53 considers it
    /// healthy" (Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is healthy").
    public static Health EndpointVerdict(int successes, int reports) =>
        reports == 0 ? Health.Unknown : successes * 100 > reports * 18 ? Health.Healthy : Health.Unhealthy;

    // Route 53's checkers probe from several regions; the endpoint is judged as Route 53 itself judges it (EndpointVerdict).
    private async Task<Evidence> EndpointAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var reports = await route53.GetHealthCheckStatusAsync(id, cancellationToken);
            if (reports.Count == 0) return new Evidence("route53-endpoint", Health.Unknown, "no checker has reported yet");
            var successes = reports.Count(r => r.StartsWith("Success", StringComparison.OrdinalIgnoreCase));
            return new Evidence("route53-endpoint", EndpointVerdict(successes, reports.Count),
                $"{successes} of {reports.Count} Route 53 checkers see the endpoint healthy (healthy above 18 %)");
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

    /// The primary's alarms as read now: the evidence, and the states themselves (null when they could not be read).
    private async Task<(Evidence, IReadOnlyList<CloudWatchClient.Alarm>?)> AlarmsAsync(CloudWatchClient cloudWatch, CancellationToken cancellationToken)
    {
        try
        {
            var alarms = await cloudWatch.DescribeAlarmsAsync(primaryAlarmNames, cancellationToken);
            var firing = alarms.Where(a => a.State == "ALARM").Select(a => a.Name).ToList();
            if (firing.Count > 0) return (new Evidence("primary-alarms", Health.Unhealthy, $"in ALARM: {string.Join(", ", firing)}"), alarms);
            var missing = primaryAlarmNames.Except(alarms.Select(a => a.Name)).ToList();
            if (missing.Count > 0) return (new Evidence("primary-alarms", Health.Unknown, $"alarms not found: {string.Join(", ", missing)}"), alarms);
            if (alarms.Any(a => a.State != "OK")) return (new Evidence("primary-alarms", Health.Unknown, "some alarms have insufficient data"), alarms);
            return (new Evidence("primary-alarms", Health.Healthy, $"all {alarms.Count} alarms OK"), alarms);
        }
        catch (AwsUnreachableException e)
        {
            // CloudWatch unreachable or failing says CloudWatch is in trouble, not that the application is: counting it against
            // the primary would fail over a serving application whenever its region's monitoring has a bad minute.
            return (new Evidence("primary-alarms", Health.Unknown, e.Message), null);
        }
        catch (AwsServiceException e) when (e.ErrorType == ErrorTypes.AwsServerError)
        {
            return (new Evidence("primary-alarms", Health.Unknown, $"primary CloudWatch failing: {e.Code}"), null);
        }
        catch (AwsServiceException e)
        {
            // Throttled or refused (access denied, an expired token while the region's IAM is impaired): no view either way, and
            // no reason to stop the decision, which the other sources may still make.
            return (new Evidence("primary-alarms", Health.Unknown, $"primary CloudWatch refused: {e.Code}"), null);
        }
        catch (AwsMalformedResponseException e)
        {
            // CloudWatch answered, so the region is reachable, but the answer says nothing either way.
            return (new Evidence("primary-alarms", Health.Unknown, e.Message), null);
        }
    }
}
