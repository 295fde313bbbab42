using System.Globalization;
using System.Text.Json;
using Failover.Contract.Readiness;
using Failover.Functions.Aws;
using Failover.Functions.Json;

namespace Failover.Functions.Handlers;

/// A run's phases of the recovery-time model (RecoveryPhases), in seconds, from the workflow's stamps (RunStamps): each phase is the
/// time between the stamp that opens it and the one that closes it, null when the run has not both (a drill moves no traffic; a
/// failed run stopped part-way). Pure: release-lock gives it what the workflow sent and the time of the release.
public static class RunMeasurement
{
    /// Which stamps bound each phase measured from the workflow alone.
    private static readonly IReadOnlyList<(string Phase, string From, string To)> Spans =
    [
        (RecoveryPhases.Decision, RunStamps.Started, RunStamps.Decided),
        (RecoveryPhases.ScaleUpAndReadiness, RunStamps.Decided, RunStamps.Ready),
        (RecoveryPhases.RecoveryTasks, RunStamps.Ready, RunStamps.Recovered),
        // What shift-traffic's call takes; Route 53's propagation after it is not observable from here, nor are the resolvers' TTL.
        (RecoveryPhases.GateFlip, RunStamps.Recovered, RunStamps.Shifted),
    ];

    /// The record, or null when the stamps lack the run's start (a caller other than the workflow).
    public static RunRecord? Measure(string execution, FailoverAction action, string stack, string outcome, RunStart? request,
        IReadOnlyDictionary<string, RunStamp>? timings, DateTimeOffset finishedAt)
    {
        var at = (timings ?? new Dictionary<string, RunStamp>()).Select(t => (t.Key, Time: Parse(t.Value?.At)))
            .Where(t => t.Time is not null).ToDictionary(t => t.Key, t => t.Time!.Value, StringComparer.Ordinal);
        if (!at.TryGetValue(RunStamps.Started, out var started)) return null;
        var phases = RecoveryPhases.All.ToDictionary(p => p, _ => (double?)null, StringComparer.Ordinal);
        foreach (var (phase, from, to) in Spans)
            if (at.TryGetValue(from, out var opened) && at.TryGetValue(to, out var closed)) phases[phase] = Seconds(opened, closed);
        // From the alarm's entering ALARM to the execution's start: EventBridge's forwarding and rule. Only a run an alarm started
        // has one; a probe's or an operator's start has no earlier event to measure from.
        if (AlarmTime(request?.Alarm) is { } alarmAt) phases[RecoveryPhases.Trigger] = Seconds(alarmAt, started);
        // Detection stays null: a run sees when detection ended (the alarm's state time, the probe's start), never when the outage
        // began. The alarm's first breaching data point bounds the start from one side only, and a probe's run has no alarm at all.
        return new RunRecord
        {
            Execution = execution,
            Action = Wire.Of(action),
            Stack = stack,
            Outcome = outcome,
            Source = request?.Source ?? "",
            StartedAt = Attr.Iso(started),
            FinishedAt = Attr.Iso(finishedAt),
            Phases = phases,
        };
    }

    /// Whole milliseconds, as seconds; null for a span that runs backwards (clocks that disagree, a forged alarm time): no
    /// phase takes negative time, and a wrong figure is worse than none.
    private static double? Seconds(DateTimeOffset from, DateTimeOffset to) =>
        to < from ? null : Math.Round((to - from).TotalSeconds, 3);

    /// The alarm event's `state.timestamp` (CloudWatch writes `2026-11-26T17:04:40.989+0000`), read leniently.
    private static DateTimeOffset? AlarmTime(JsonElement? alarm) =>
        alarm is { ValueKind: JsonValueKind.Object } a && a.TryGetProperty("state", out var state) && state.ValueKind == JsonValueKind.Object
        && state.TryGetProperty("timestamp", out var timestamp) && timestamp.ValueKind == JsonValueKind.String
            ? HealthEvidence.ParseAlarmTime(timestamp.GetString())
            : null;

    private static DateTimeOffset? Parse(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}
