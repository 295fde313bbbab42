using Failover.Functions.Aws;
using Failover.Functions.Handlers;

namespace Failover.Functions.Tests.Handlers;

/// What counts as the same condition, and when it is announced: the pure half of a faster probe not paging faster (decide and
/// the control table's conditional write are DecideNoticeTests').
public sealed class NoticeRepeatTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Repeat = TimeSpan.FromMinutes(30);
    private static readonly DecisionOutcome Blocked = new(Decision.Blocked, "primary is unhealthy but the flag is block");
    private static readonly ResolvedFlag Block = new(FlagMode.Block, true, null, null);

    [Fact]
    public void An_unreadable_lock_or_flag_override_or_another_reason_is_another_condition()
    {
        var plain = NoticeRepeat.Condition(Blocked, Block, unreadableLock: false);

        NoticeRepeat.Condition(Blocked, Block, unreadableLock: true).Should().NotBe(plain);
        NoticeRepeat.Condition(Blocked, Block with { Alert = true }, unreadableLock: false).Should().NotBe(plain);
        NoticeRepeat.Condition(Blocked with { Reason = "another reason" }, Block, unreadableLock: false).Should().NotBe(plain);
    }

    [Fact]
    public void Only_blocked_and_alerting_no_action_outcomes_announce()
    {
        NoticeRepeat.Announces(Decision.Blocked, alert: false).Should().BeTrue();
        NoticeRepeat.Announces(Decision.NoAction, alert: true).Should().BeTrue();
        NoticeRepeat.Announces(Decision.NoAction, alert: false).Should().BeFalse();
        // An acting run announces itself (INITIATED), alert or not.
        NoticeRepeat.Announces(Decision.Failover, alert: true).Should().BeFalse();
    }

    [Fact]
    public void A_recorded_announcement_without_a_time_silences_nothing() =>
        NoticeRepeat.Plan("c", new NoticeRecord("c", null, null, "exec-0"), "exec-1", Now, Repeat).Announce.Should().BeTrue();

    [Fact]
    public void An_announcement_a_minute_or_less_ahead_is_clock_skew_and_still_counts() =>
        NoticeRepeat.Plan("c", new NoticeRecord("c", Now, Now.AddSeconds(30), "exec-0"), "exec-1", Now, Repeat).Announce.Should().BeFalse();

    [Fact]
    public void A_reminder_keeps_the_time_of_the_first_announcement()
    {
        var plan = NoticeRepeat.Plan("c", new NoticeRecord("c", Now.AddHours(-2), Now.AddMinutes(-30), "exec-0"), "exec-1", Now, Repeat);

        plan.Announce.Should().BeTrue();
        plan.FirstAnnouncedAt.Should().Be(Now.AddHours(-2));
        plan.NextReminderAt.Should().Be(Now.AddMinutes(30));
        plan.Reminder.Should().StartWith("a reminder: first announced at 2026-12-07T13:00:00Z; next reminder at 2026-12-07T15:30:00Z");
    }

    [Fact]
    public void A_changed_condition_starts_its_own_first_announcement()
    {
        var plan = NoticeRepeat.Plan("new", new NoticeRecord("old", Now.AddHours(-2), Now.AddMinutes(-1), "exec-0"), "exec-1", Now, Repeat);

        plan.Announce.Should().BeTrue();
        plan.FirstAnnouncedAt.Should().Be(Now);
        plan.Reminder.Should().StartWith("next reminder at ");
    }
}
