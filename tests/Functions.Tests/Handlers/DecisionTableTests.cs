using Failover.Functions.Aws;
using Failover.Functions.Handlers;

namespace Failover.Functions.Tests.Handlers;

/// The decision table of docs/design.md §5 (failback and drills added), specified without restating the production logic:
/// the table as literal rows, then rules that must hold over every combination of the other inputs.
public sealed class DecisionTableTests
{
    private static DecisionOutcome Decide(FailoverAction action, Health health, FlagMode flag, bool forceRequested = false,
        bool alreadyDone = false, bool inCooldown = false, bool locked = false) =>
        DecisionTable.Decide(new DecisionInput
        {
            Action = action, Flag = flag, ForceRequested = forceRequested, Health = health,
            AlreadyDone = alreadyDone, InCooldown = inCooldown, LockedByOther = locked,
        });

    // Health × effective flag, nothing else standing in the way: the decision, a phrase of the reason a user reads, and the alert.
    public static TheoryData<FailoverAction, Health, FlagMode, Decision, string, bool> Table => new()
    {
        { FailoverAction.Failover, Health.Healthy, FlagMode.Auto, Decision.NoAction, "primary is healthy", false },
        { FailoverAction.Failover, Health.Healthy, FlagMode.Block, Decision.NoAction, "primary is healthy", false },
        { FailoverAction.Failover, Health.Healthy, FlagMode.Force, Decision.Failover, "flag force (primary HEALTHY)", false },
        { FailoverAction.Failover, Health.Unhealthy, FlagMode.Auto, Decision.Failover, "primary is unhealthy and the flag is auto", false },
        { FailoverAction.Failover, Health.Unhealthy, FlagMode.Block, Decision.Blocked, "the flag is block", false },
        { FailoverAction.Failover, Health.Unhealthy, FlagMode.Force, Decision.Failover, "flag force (primary UNHEALTHY)", false },
        { FailoverAction.Failover, Health.Unknown, FlagMode.Auto, Decision.NoAction, "evidence missing", true },
        { FailoverAction.Failover, Health.Unknown, FlagMode.Block, Decision.Blocked, "the flag is block", false },
        { FailoverAction.Failover, Health.Unknown, FlagMode.Force, Decision.Failover, "flag force (primary UNKNOWN)", false },

        { FailoverAction.Failback, Health.Healthy, FlagMode.Auto, Decision.Failback, "primary is healthy again", false },
        { FailoverAction.Failback, Health.Healthy, FlagMode.Block, Decision.Blocked, "the flag is block", false },
        { FailoverAction.Failback, Health.Healthy, FlagMode.Force, Decision.Failback, "flag force (primary HEALTHY)", false },
        { FailoverAction.Failback, Health.Unhealthy, FlagMode.Auto, Decision.NoAction, "primary is still unhealthy: fail back once it is healthy (failoverctl status)", true },
        { FailoverAction.Failback, Health.Unhealthy, FlagMode.Block, Decision.Blocked, "the flag is block", false },
        { FailoverAction.Failback, Health.Unhealthy, FlagMode.Force, Decision.Failback, "flag force (primary UNHEALTHY)", false },
        { FailoverAction.Failback, Health.Unknown, FlagMode.Auto, Decision.NoAction, "evidence missing", true },
        { FailoverAction.Failback, Health.Unknown, FlagMode.Block, Decision.Blocked, "the flag is block", false },
        { FailoverAction.Failback, Health.Unknown, FlagMode.Force, Decision.Failback, "flag force (primary UNKNOWN)", false },

        { FailoverAction.Drill, Health.Healthy, FlagMode.Auto, Decision.Drill, "move no traffic", false },
        { FailoverAction.Drill, Health.Healthy, FlagMode.Block, Decision.Blocked, "the flag is block", false },
        { FailoverAction.Drill, Health.Healthy, FlagMode.Force, Decision.Drill, "move no traffic", false },
        { FailoverAction.Drill, Health.Unhealthy, FlagMode.Auto, Decision.NoAction, "the primary is unhealthy: not drilling (fail over instead)", true },
        { FailoverAction.Drill, Health.Unhealthy, FlagMode.Block, Decision.Blocked, "the flag is block", false },
        { FailoverAction.Drill, Health.Unhealthy, FlagMode.Force, Decision.NoAction, "the primary is unhealthy: not drilling (fail over instead)", true },
        { FailoverAction.Drill, Health.Unknown, FlagMode.Auto, Decision.NoAction, "evidence missing): not drilling", true },
        { FailoverAction.Drill, Health.Unknown, FlagMode.Block, Decision.Blocked, "the flag is block", false },
        { FailoverAction.Drill, Health.Unknown, FlagMode.Force, Decision.NoAction, "evidence missing): not drilling", true },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Each_row_of_the_design_table_decides_and_explains_as_written(
        FailoverAction action, Health health, FlagMode flag, Decision decision, string reason, bool alert)
    {
        var outcome = Decide(action, health, flag);

        outcome.Decision.Should().Be(decision, outcome.Reason);
        outcome.Reason.Should().Contain(reason);
        outcome.Alert.Should().Be(alert);
    }

    private static readonly bool[] Both = [false, true];

    /// Every combination of the inputs other than `toggled`, which each rule varies itself.
    private static TheoryData<FailoverAction, Health, FlagMode, bool, bool, bool> Others()
    {
        var data = new TheoryData<FailoverAction, Health, FlagMode, bool, bool, bool>();
        foreach (var action in Enum.GetValues<FailoverAction>())
        foreach (var health in Enum.GetValues<Health>())
        foreach (var flag in Enum.GetValues<FlagMode>())
        foreach (var a in Both)
        foreach (var b in Both)
        foreach (var c in Both)
            data.Add(action, health, flag, a, b, c);
        return data;
    }

    // (action, health, flag, forceRequested, inCooldown, locked)
    public static TheoryData<FailoverAction, Health, FlagMode, bool, bool, bool> WithoutAlreadyDone => Others();

    // (action, health, flag, forceRequested, alreadyDone, inCooldown)
    public static TheoryData<FailoverAction, Health, FlagMode, bool, bool, bool> WithoutLock => Others();

    // (action, health, flag, forceRequested, alreadyDone, locked)
    public static TheoryData<FailoverAction, Health, FlagMode, bool, bool, bool> WithoutCooldown => Others();

    [Theory]
    [MemberData(nameof(WithoutAlreadyDone))]
    public void Once_traffic_is_where_the_action_would_put_it_nothing_is_done_whatever_else_holds(
        FailoverAction action, Health health, FlagMode flag, bool forceRequested, bool inCooldown, bool locked)
    {
        var outcome = Decide(action, health, flag, forceRequested, alreadyDone: true, inCooldown, locked);

        var (decision, reason) = action switch
        {
            FailoverAction.Failover => (Decision.NoAction, "already failed over"),
            FailoverAction.Failback => (Decision.NoAction, "traffic is already on the primary"),
            // A drill on a failed-over stack has no standby to exercise: said first, before the flag or the lock.
            _ => (Decision.NoAction, "traffic is failed over: the standby is serving, so not drilling"),
        };
        outcome.Decision.Should().Be(decision, outcome.Reason);
        outcome.Reason.Should().Contain(reason);
        // No silent NO_ACTION: leaving a primary in doubt alone alerts, and says what to do; a healthy one is the normal case.
        outcome.Alert.Should().Be(decision == Decision.NoAction && health != Health.Healthy);
    }

    [Theory]
    [InlineData(FailoverAction.Failover, Health.Unhealthy, false, false, true, "already failed over, with the primary UNHEALTHY: if traffic is not on the standby")]
    [InlineData(FailoverAction.Failover, Health.Unhealthy, false, true, false, "another execution holds the lock, with the primary UNHEALTHY: see which one")]
    [InlineData(FailoverAction.Failover, Health.Unhealthy, true, false, false, "in cooldown after the last transition, with the primary UNHEALTHY: an operator's run with force")]
    [InlineData(FailoverAction.Failback, Health.Unhealthy, false, false, true, "traffic is already on the primary, with the primary UNHEALTHY")]
    public void A_run_that_leaves_an_unhealthy_or_unknown_primary_alone_alerts_and_says_what_to_do(FailoverAction action, Health health, bool inCooldown,
        bool locked, bool alreadyDone, string reason)
    {
        var outcome = Decide(action, health, FlagMode.Auto, forceRequested: false, alreadyDone, inCooldown, locked);

        outcome.Decision.Should().Be(Decision.NoAction);
        outcome.Alert.Should().BeTrue();
        outcome.Reason.Should().StartWith(reason);
    }

    [Theory]
    [InlineData(false, true, false)]
    [InlineData(true, false, false)]
    [InlineData(false, false, true)]
    public void Not_acting_with_a_healthy_primary_stays_quiet(bool inCooldown, bool locked, bool alreadyDone)
    {
        var outcome = Decide(FailoverAction.Failback, Health.Healthy, FlagMode.Auto, forceRequested: false, alreadyDone, inCooldown, locked);

        outcome.Decision.Should().Be(Decision.NoAction);
        outcome.Alert.Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(WithoutLock))]
    public void A_held_lock_turns_an_acting_decision_into_no_action_and_changes_nothing_else(
        FailoverAction action, Health health, FlagMode flag, bool forceRequested, bool alreadyDone, bool inCooldown)
    {
        var free = Decide(action, health, flag, forceRequested, alreadyDone, inCooldown, locked: false);

        var held = Decide(action, health, flag, forceRequested, alreadyDone, inCooldown, locked: true);

        // A drill that would otherwise be blocked or refused for its evidence is refused for the lock first (A_drill_never_runs_…).
        if (free.Acts || action == FailoverAction.Drill && !alreadyDone)
        {
            held.Decision.Should().Be(Decision.NoAction);
            held.Reason.Should().StartWith("another execution holds the lock");
            held.Alert.Should().Be(health != Health.Healthy);
        }
        else held.Should().Be(free);
    }

    /// A scheduled drill and an operator's alike: failed over or locked, it is NO_ACTION saying which, whatever the flag, the
    /// evidence, the cooldown or the force asked for; and it alerts only when the primary is in doubt.
    [Theory]
    [MemberData(nameof(Drills))]
    public void A_drill_never_runs_while_traffic_is_failed_over_or_the_lock_is_held_and_says_which(
        Health health, FlagMode flag, bool forceRequested, bool alreadyDone, bool inCooldown, bool locked)
    {
        if (!alreadyDone && !locked) return;
        foreach (var unattended in Both)
        {
            var outcome = DecisionTable.Decide(new DecisionInput
            {
                Action = FailoverAction.Drill, Flag = flag, ForceRequested = forceRequested, Health = health, AlreadyDone = alreadyDone,
                InCooldown = inCooldown, LockedByOther = locked, Unattended = unattended,
            });

            outcome.Decision.Should().Be(Decision.NoAction, outcome.Reason);
            outcome.Reason.Should().StartWith(alreadyDone ? "traffic is failed over: the standby is serving, so not drilling" : "another execution holds the lock: not drilling");
            outcome.Alert.Should().Be(health != Health.Healthy);
        }
    }

    /// A drill's words do not depend on who started it: the schedule (unattended) and an operator get the same decision and reason.
    [Theory]
    [MemberData(nameof(Drills))]
    public void A_scheduled_drill_is_decided_and_explained_exactly_like_an_operators(
        Health health, FlagMode flag, bool forceRequested, bool alreadyDone, bool inCooldown, bool locked)
    {
        DecisionOutcome Drill(bool unattended) => DecisionTable.Decide(new DecisionInput
        {
            Action = FailoverAction.Drill, Flag = flag, ForceRequested = forceRequested && !unattended, Health = health,
            AlreadyDone = alreadyDone, InCooldown = inCooldown, LockedByOther = locked, Unattended = unattended,
        });

        Drill(unattended: true).Should().Be(Drill(unattended: false));
    }

    [Theory]
    [MemberData(nameof(WithoutCooldown))]
    public void The_cooldown_holds_off_an_unforced_failover_or_failback_but_not_a_forced_one_or_a_drill(
        FailoverAction action, Health health, FlagMode flag, bool forceRequested, bool alreadyDone, bool locked)
    {
        var unhindered = Decide(action, health, flag, forceRequested, alreadyDone);

        var cooling = Decide(action, health, flag, forceRequested, alreadyDone, inCooldown: true, locked);

        // docs/functions.md: a request's force upgrades auto but never overrides block.
        var forced = flag == FlagMode.Force || (flag == FlagMode.Auto && forceRequested);
        if (forced || action == FailoverAction.Drill)
            cooling.Should().Be(Decide(action, health, flag, forceRequested, alreadyDone, inCooldown: false, locked));
        else if (unhindered.Acts)
        {
            cooling.Decision.Should().Be(Decision.NoAction);
            cooling.Reason.Should().StartWith("in cooldown after the last transition");
            cooling.Alert.Should().Be(health != Health.Healthy);
        }
        else
            cooling.Should().Be(unhindered);
    }

    // (health, flag, forceRequested, alreadyDone, inCooldown, locked): every drill.
    public static TheoryData<Health, FlagMode, bool, bool, bool, bool> Drills()
    {
        var data = new TheoryData<Health, FlagMode, bool, bool, bool, bool>();
        foreach (var health in Enum.GetValues<Health>())
        foreach (var flag in Enum.GetValues<FlagMode>())
        foreach (var forceRequested in Both)
        foreach (var alreadyDone in Both)
        foreach (var inCooldown in Both)
        foreach (var locked in Both)
            data.Add(health, flag, forceRequested, alreadyDone, inCooldown, locked);
        return data;
    }

    [Theory]
    [MemberData(nameof(Drills))]
    public void A_drill_acts_only_on_a_healthy_primary_and_never_takes_the_lock_from_a_failover_in_an_outage(
        Health health, FlagMode flag, bool forceRequested, bool alreadyDone, bool inCooldown, bool locked)
    {
        var outcome = Decide(FailoverAction.Drill, health, flag, forceRequested, alreadyDone, inCooldown, locked);

        // Force, from the flag or the request, is no reason to drill in an outage: the drill's lock would hold off the failover.
        if (health != Health.Healthy) outcome.Acts.Should().BeFalse(outcome.Reason);
        // Not drilling because the primary may be down is something to look at; block, "already failed over" and the lock say so themselves.
        if (health != Health.Healthy && flag != FlagMode.Block && !alreadyDone && !locked)
        {
            outcome.Should().Be(Decide(FailoverAction.Drill, health, flag, forceRequested, alreadyDone, inCooldown: false, locked: false));
            outcome.Decision.Should().Be(Decision.NoAction);
            outcome.Reason.Should().Contain("not drilling");
            outcome.Alert.Should().BeTrue();
        }
    }

    // (action, health, alreadyDone, inCooldown, locked)
    public static TheoryData<FailoverAction, Health, bool, bool, bool> WithoutFlag()
    {
        var data = new TheoryData<FailoverAction, Health, bool, bool, bool>();
        foreach (var action in Enum.GetValues<FailoverAction>())
        foreach (var health in Enum.GetValues<Health>())
        foreach (var alreadyDone in Both)
        foreach (var inCooldown in Both)
        foreach (var locked in Both)
            data.Add(action, health, alreadyDone, inCooldown, locked);
        return data;
    }

    [Theory]
    [MemberData(nameof(WithoutFlag))]
    public void A_requested_force_makes_auto_behave_as_force_and_leaves_block_and_force_as_they_are(
        FailoverAction action, Health health, bool alreadyDone, bool inCooldown, bool locked)
    {
        DecisionOutcome With(FlagMode flag, bool forceRequested) => Decide(action, health, flag, forceRequested, alreadyDone, inCooldown, locked);

        With(FlagMode.Auto, forceRequested: true).Should().Be(With(FlagMode.Force, forceRequested: false));
        With(FlagMode.Block, forceRequested: true).Should().Be(With(FlagMode.Block, forceRequested: false));
        With(FlagMode.Force, forceRequested: true).Should().Be(With(FlagMode.Force, forceRequested: false));
    }

    /// A trigger's start (the probe, an alarm) never forces against a healthy primary: there force, set or requested, decides
    /// what auto would, and says so. Where the evidence is missing or bad, force acts as it does for an operator.
    [Theory]
    [MemberData(nameof(WithoutFlag))]
    public void An_unattended_start_forces_only_where_the_primary_is_not_healthy(FailoverAction action, Health health, bool alreadyDone, bool inCooldown, bool locked)
    {
        foreach (var (flag, requested) in new[] { (FlagMode.Force, false), (FlagMode.Auto, true), (FlagMode.Force, true) })
        {
            var unattended = DecisionTable.Decide(new DecisionInput
            {
                Action = action, Flag = flag, ForceRequested = requested, Health = health, AlreadyDone = alreadyDone, InCooldown = inCooldown,
                LockedByOther = locked, Unattended = true,
            });
            // Force never makes a drill act, so a drill's reason says nothing of it (the same words as an operator's drill).
            if (action == FailoverAction.Drill)
                unattended.Should().Be(Decide(action, health, flag, requested, alreadyDone, inCooldown, locked));
            else if (health == Health.Healthy)
            {
                var auto = Decide(action, health, FlagMode.Auto, false, alreadyDone, inCooldown, locked);
                unattended.Decision.Should().Be(auto.Decision);
                unattended.Reason.Should().Be($"{auto.Reason} (flag force: a trigger's start does not force against a healthy primary; an operator's does)");
            }
            else unattended.Should().Be(Decide(action, health, FlagMode.Force, false, alreadyDone, inCooldown, locked));
        }
        // Block, and auto on confirmed evidence, are what they are, whoever starts the run.
        foreach (var flag in new[] { FlagMode.Auto, FlagMode.Block })
            DecisionTable.Decide(new DecisionInput
            {
                Action = action, Flag = flag, Health = health, AlreadyDone = alreadyDone, InCooldown = inCooldown, LockedByOther = locked, Unattended = true,
                Confirmed = true,
            }).Should().Be(Decide(action, health, flag, false, alreadyDone, inCooldown, locked));
    }

    /// Only an unattended failover with flag auto needs the second source: whatever else holds, taking confirmation away changes
    /// that one case (an unhealthy primary that would be failed over) into NO_ACTION with an alert, and nothing else.
    [Theory]
    [MemberData(nameof(WithoutFlag))]
    public void Confirmation_matters_only_to_an_unattended_failover_with_flag_auto_on_an_unhealthy_primary(
        FailoverAction action, Health health, bool alreadyDone, bool inCooldown, bool locked)
    {
        foreach (var flag in Enum.GetValues<FlagMode>())
        foreach (var requested in Both)
        foreach (var unattended in Both)
        {
            DecisionOutcome With(bool confirmed) => DecisionTable.Decide(new DecisionInput
            {
                Action = action, Flag = flag, ForceRequested = requested, Health = health, AlreadyDone = alreadyDone, InCooldown = inCooldown,
                LockedByOther = locked, Unattended = unattended, Confirmed = confirmed,
            });
            var confirmed = With(true);
            var unconfirmed = With(false);

            if (action == FailoverAction.Failover && health == Health.Unhealthy && flag == FlagMode.Auto && !requested && unattended && !alreadyDone)
                unconfirmed.Should().Be(new DecisionOutcome(Decision.NoAction,
                    "one source says the primary is down but no second confirms it (an unattended failover needs two, the direct probe among them): not acting, alerting",
                    Alert: true));
            else unconfirmed.Should().Be(confirmed, $"flag {flag}, force requested {requested}, unattended {unattended}");
        }
    }

    // docs/functions.md's "The decision table" (failover, nothing else standing in the way: not already failed over, no cooldown, no
    // lock), row for row as it is written there: primary health | confirmed | flag | started by | decision | alert.
    // `force` is the flag force or auto with a request's `force: true`; `trigger` is an unattended start (alarm rule, probe).
    private static readonly string[] ReadmeFailoverRows =
    [
        "HEALTHY | no | auto | operator | NO_ACTION | no",
        "HEALTHY | no | auto | trigger | NO_ACTION | no",
        "HEALTHY | no | block | operator | NO_ACTION | no",
        "HEALTHY | no | block | trigger | NO_ACTION | no",
        "HEALTHY | no | force | operator | FAILOVER | no",
        "HEALTHY | no | force | trigger | NO_ACTION | no",
        "UNHEALTHY | yes | auto | operator | FAILOVER | no",
        "UNHEALTHY | yes | auto | trigger | FAILOVER | no",
        "UNHEALTHY | yes | block | operator | BLOCKED | no",
        "UNHEALTHY | yes | block | trigger | BLOCKED | no",
        "UNHEALTHY | yes | force | operator | FAILOVER | no",
        "UNHEALTHY | yes | force | trigger | FAILOVER | no",
        "UNHEALTHY | no | auto | operator | FAILOVER | no",
        "UNHEALTHY | no | auto | trigger | NO_ACTION | yes",
        "UNHEALTHY | no | block | operator | BLOCKED | no",
        "UNHEALTHY | no | block | trigger | BLOCKED | no",
        "UNHEALTHY | no | force | operator | FAILOVER | no",
        "UNHEALTHY | no | force | trigger | FAILOVER | no",
        "UNKNOWN | no | auto | operator | NO_ACTION | yes",
        "UNKNOWN | no | auto | trigger | NO_ACTION | yes",
        "UNKNOWN | no | block | operator | BLOCKED | no",
        "UNKNOWN | no | block | trigger | BLOCKED | no",
        "UNKNOWN | no | force | operator | FAILOVER | no",
        "UNKNOWN | no | force | trigger | FAILOVER | no",
    ];

    public static TheoryData<string> ReadmeRows => new(ReadmeFailoverRows);

    [Theory]
    [MemberData(nameof(ReadmeRows))]
    public void Each_row_of_the_readmes_failover_decision_table_is_what_the_table_decides(string row)
    {
        var cells = row.Split('|', StringSplitOptions.TrimEntries);
        var health = Enum.GetValues<Health>().Single(h => Wire.Of(h) == cells[0]);
        var confirmed = cells[1] == "yes";
        var unattended = cells[3] == "trigger";
        var decision = Enum.GetValues<Decision>().Single(d => Wire.Of(d) == cells[4]);
        var alert = cells[5] == "yes";
        // The flag `force` and auto with a requested force are one row: both must give it.
        var flags = cells[2] switch
        {
            "auto" => new[] { (FlagMode.Auto, false) },
            "block" => [(FlagMode.Block, false), (FlagMode.Block, true)],
            _ => [(FlagMode.Force, false), (FlagMode.Auto, true)],
        };

        foreach (var (flag, requested) in flags)
        {
            var outcome = DecisionTable.Decide(new DecisionInput
            {
                Action = FailoverAction.Failover, Flag = flag, ForceRequested = requested, Health = health, Confirmed = confirmed,
                Unattended = unattended, AlreadyDone = false, InCooldown = false, LockedByOther = false,
            });

            outcome.Decision.Should().Be(decision, $"{row} (flag {flag}, force requested {requested}): {outcome.Reason}");
            outcome.Alert.Should().Be(alert, row);
        }
    }

    [Fact]
    public void The_functions_guides_failover_decision_table_is_the_one_tested_here_row_for_row()
    {
        var guide = File.ReadAllLines(Repo.Path("docs", "functions.md"));
        var start = Array.IndexOf(guide, "## The decision table");
        start.Should().BePositive("docs/functions.md has a section \"## The decision table\"");
        var rows = guide.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|'))
            .Skip(2) // header and separator
            .Select(l => string.Join(" | ", l.Trim('|').Split('|').Select(c => c.Trim().Trim('`'))))
            .ToList();

        rows.Should().Equal(ReadmeFailoverRows);
    }
}

public sealed class FlagResolverTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void No_override_means_the_configured_default() =>
        FlagResolver.Resolve(null, FlagMode.Block, Now).Should().Be(new ResolvedFlag(FlagMode.Block, false, null, null));

    [Theory]
    [InlineData("true", FlagMode.Auto)]
    [InlineData("false", FlagMode.Block)]
    [InlineData("FORCE", FlagMode.Force)]
    public void Seed_booleans_and_any_case_are_read(string stored, FlagMode expected) =>
        FlagResolver.Resolve(new FlagOverride(stored, null, null, null, null), FlagMode.Auto, Now).Mode.Should().Be(expected);

    [Fact]
    public void An_override_without_expiry_stays_in_force() =>
        FlagResolver.Resolve(new FlagOverride("block", null, "ops", null, null), FlagMode.Auto, Now).FromOverride.Should().BeTrue();

    [Theory]
    [InlineData("auto")]
    [InlineData("block")]
    [InlineData("force")]
    public void An_override_applies_until_it_expires(string mode)
    {
        var flag = FlagResolver.Resolve(new FlagOverride(mode, "r", "ops", null, Now.AddSeconds(1)), FlagMode.Block, Now);

        flag.Mode.Should().Be(Wire.ParseFlag(mode));
        flag.FromOverride.Should().BeTrue();
    }

    [Theory]
    [InlineData("auto", FlagMode.Block, 0)]
    [InlineData("block", FlagMode.Auto, 60)]
    [InlineData("force", FlagMode.Block, 60)]
    public void An_expired_override_gives_way_to_the_default_and_says_so(string mode, FlagMode configured, int expiredSecondsAgo)
    {
        var flag = FlagResolver.Resolve(new FlagOverride(mode, "r", "ops", null, Now.AddSeconds(-expiredSecondsAgo)), configured, Now);

        flag.Mode.Should().Be(configured);
        flag.FromOverride.Should().BeFalse();
        flag.Note.Should().Contain("expired");
    }

    [Fact]
    public void An_unreadable_override_falls_back_to_the_default_and_says_so()
    {
        var flag = FlagResolver.Resolve(new FlagOverride("maybe", null, null, null, null), FlagMode.Block, Now);
        flag.Mode.Should().Be(FlagMode.Block);
        flag.Note.Should().Contain("'maybe'");
    }
}

/// The time of a triggering alarm's state, as CloudWatch writes it in its events; what cannot be read is no time at all.
public sealed class AlarmTimeTests
{
    [Theory]
    [InlineData("2026-11-26T17:04:40.989+0000", "2026-11-26T17:04:40.9890000+00:00")]
    [InlineData("2026-11-26T12:04:40.989-0500", "2026-11-26T17:04:40.9890000+00:00")]
    [InlineData("2026-11-26T17:04:40.989Z", "2026-11-26T17:04:40.9890000+00:00")]
    [InlineData("2026-11-26T17:04:40.989", "2026-11-26T17:04:40.9890000+00:00")]
    public void CloudWatchs_formats_are_read_as_the_same_instant(string text, string expected) =>
        HealthEvidence.ParseAlarmTime(text)!.Value.ToUniversalTime().ToString("O").Should().Be(expected);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2026-13-45T99:99:99.000+0000")]
    public void What_is_no_time_is_none(string? text) =>
        HealthEvidence.ParseAlarmTime(text).Should().BeNull();
}
