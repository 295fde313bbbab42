using System.Globalization;
using Failover.Functions.Aws;

namespace Failover.Functions.Handlers;

/// What one run does about announcing: announce `Condition` (and record it), stay silent (it was announced recently), or clear
/// the record (nothing to announce, and a condition was recorded). NextReminderAt: when a lasting condition is announced again.
public sealed record NoticePlan(bool Announce, bool Clear, string? Condition, DateTimeOffset FirstAnnouncedAt, DateTimeOffset? NextReminderAt, string Reminder);

/// A faster probe must not page faster: a BLOCKED or ALERT notice for a condition already announced is repeated at most every
/// NOTICE_REPEAT_MINUTES. The condition is what an operator would act on, never when or by whom it was seen, so that the
/// probe, the alarm rule and an operator's start of the same outage share one announcement; anything else is announced at once.
public static class NoticeRepeat
{
    /// 30 minutes: six probes at the default rate; long enough that a paged operator is not paged again while reading the first
    /// notice, short enough that a block nobody lifts is not forgotten over a shift.
    public const int RepeatMinutesDefault = 30;

    /// The outcomes that publish a notice of their own in the workflow: BLOCKED, and NO_ACTION with an alert (ALERT).
    public static bool Announces(Decision decision, bool alert) => decision == Decision.Blocked || (decision == Decision.NoAction && alert);

    /// The condition's stable part: the decision and its reason from the table (fixed texts), the flag's mode and whether its
    /// override is unreadable, and an unreadable lock. Which sources answered is left out: in an outage they come and go from
    /// one probe to the next (a timeout here, an answer there), and each change would page again at the probe's rate. The
    /// evidence stays in every notice and decision record.
    public static string Condition(DecisionOutcome outcome, ResolvedFlag flag, bool unreadableLock)
    {
        return $"{Wire.Of(outcome.Decision)}: {outcome.Reason} | flag {Wire.Of(flag.Mode)}{(flag.Alert ? " (override unreadable)" : "")}" +
               $"{(unreadableLock ? " | lock unreadable" : "")}";
    }

    /// Announce a new or changed condition at once, and a lasting one again once `repeat` has passed since it was last
    /// announced; an announcement recorded in the future, or without a time, counts as none (fail loud, never silent).
    /// `condition` null: this outcome announces nothing, and a recorded condition is cleared. An announcement `owner` made itself
    /// is made again: a retried decide must not lose the notice its first attempt recorded but never returned.
    public static NoticePlan Plan(string? condition, NoticeRecord? last, string owner, DateTimeOffset now, TimeSpan repeat)
    {
        if (condition is null)
            return last is null
                ? new NoticePlan(false, false, null, now, null, "nothing to announce")
                : new NoticePlan(false, true, null, now, null,
                    $"nothing to announce; the condition announced{Since(last.FirstAnnouncedAt)} has ended, so its next occurrence is announced at once");
        var same = last?.Condition == condition;
        var first = same && last!.FirstAnnouncedAt is { } f && f <= now ? f : now;
        if (same && last!.AnnouncedBy != owner && last.AnnouncedAt is { } at && at <= now + ControlTableClient.MaxAnnouncedAhead && now < at + repeat)
            return new NoticePlan(false, false, condition, first, at + repeat,
                $"announced at {Time(at)} and not repeated until {Time(at + repeat)} while it lasts (a different condition is announced at once)");
        return new NoticePlan(true, false, condition, first, now + repeat, Announcing(now, repeat, first));
    }

    /// The sentence of an announcement that was recorded: when the next reminder comes.
    public static string Announcing(DateTimeOffset now, TimeSpan repeat, DateTimeOffset first) =>
        (first < now ? $"a reminder: first announced at {Time(first)}; " : "") +
        $"next reminder at {Time(now + repeat)} if this lasts (at most every {Minutes(repeat)} min); a different condition is announced at once";

    /// The record could not be read or written: announce anyway, and say that every run will until it can be.
    public static string Unrecorded(string errorType) =>
        $"the record of announcements could not be used ({errorType}): announced on every run until it can be";

    private static string Since(DateTimeOffset? first) => first is { } f ? $" since {Time(f)}" : "";

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Minutes(TimeSpan t) => ((int)t.TotalMinutes).ToString(CultureInfo.InvariantCulture);
}
