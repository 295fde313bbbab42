namespace Failover.Functions.Handlers;

/// Everything the decision depends on, already gathered.
public sealed record DecisionInput
{
    public required FailoverAction Action { get; init; }
    public required FlagMode Flag { get; init; }
    /// The caller asked for force; it upgrades `auto`, never overrides `block`.
    public bool ForceRequested { get; init; }
    public required Health Health { get; init; }
    /// Traffic already sits where the action would put it (failed over for failover, primary for failback).
    public required bool AlreadyDone { get; init; }
    public required bool InCooldown { get; init; }
    /// Another execution holds an unexpired lock.
    public required bool LockedByOther { get; init; }
    /// Started by a trigger (an alarm, the scheduled probe), not a person: a `force` flag does not make it act against a
    /// healthy primary (it still acts where the evidence is missing, or unhealthy but unconfirmed), or the probe would fail a
    /// healthy primary over; and with flag auto it fails over only on Confirmed evidence.
    public bool Unattended { get; init; }
    /// Two independent sources say UNHEALTHY, the direct probe among them (HealthEvidence.Confirmed). An unattended failover
    /// with flag auto needs it; unset means unconfirmed, the side on which nothing moves by itself.
    public bool Confirmed { get; init; }
}

public sealed record DecisionOutcome(Decision Decision, string Reason, bool Alert = false)
{
    public bool Acts => Decision is Decision.Failover or Decision.Failback or Decision.Drill;
}

/// The decision table of docs/design.md §5, extended to failback and drills; pure, so it is tested exhaustively.
public static class DecisionTable
{
    public static DecisionOutcome Decide(DecisionInput input)
    {
        var mode = input.Flag == FlagMode.Auto && input.ForceRequested ? FlagMode.Force : input.Flag;
        // Force acts where the evidence is missing or bad ("the region is dark, act anyway"); a trigger's start never forces
        // against a healthy primary, or the probe would fail it over every few minutes, and again after every failback.
        // A drill is the same under force as under auto (force never makes one act), so its reason says nothing of force.
        if (!input.Unattended || mode != FlagMode.Force || input.Health != Health.Healthy || input.Action == FailoverAction.Drill)
            return Decide(input, mode);
        var outcome = Decide(input, FlagMode.Auto);
        return outcome with { Reason = $"{outcome.Reason} (flag force: a trigger's start does not force against a healthy primary; an operator's does)" };
    }

    private static DecisionOutcome Decide(DecisionInput input, FlagMode mode)
    {
        var outcome = input.Action switch
        {
            FailoverAction.Failover => Failover(input, mode),
            FailoverAction.Failback => Failback(input, mode),
            _ => Drill(input, mode),
        };
        if (!outcome.Acts) return outcome;
        // Force acts against health and cooldown, never against another execution's lock.
        if (input.InCooldown && mode != FlagMode.Force && input.Action != FailoverAction.Drill)
            return NotActing(input, "in cooldown after the last transition",
                "an operator's run with force acts in cooldown (failoverctl start " + Wire.Of(input.Action) + " --force)");
        if (input.LockedByOther)
            return NotActing(input, "another execution holds the lock",
                "see which one with failoverctl status; a lock whose run has ended is taken over by the next run");
        return outcome;
    }

    /// No silent NO_ACTION: a run that leaves an unhealthy primary (or one nobody can see) alone says so, and what to do, in an
    /// ALERT (repeated at most every noticeRepeatMinutes). With a healthy primary, not acting is the normal answer.
    private static DecisionOutcome NotActing(DecisionInput input, string reason, string whatToDo) =>
        input.Health == Health.Healthy
            ? new(Decision.NoAction, reason)
            : new(Decision.NoAction, $"{reason}, with the primary {Wire.Of(input.Health)}: {whatToDo}", Alert: true);

    private static DecisionOutcome Failover(DecisionInput input, FlagMode mode)
    {
        if (input.AlreadyDone)
            return NotActing(input, "already failed over",
                "if traffic is not on the standby, the control table's state item is wrong: compare the gate and the state with failoverctl status");
        return (input.Health, mode) switch
        {
            (_, FlagMode.Force) => new(Decision.Failover, $"flag force (primary {Wire.Of(input.Health)})"),
            (Health.Healthy, _) => new(Decision.NoAction, "primary is healthy"),
            // One source can be wrong for reasons of its own (the primary's CloudWatch failing, a forged or stale alarm, Route 53's
            // API): a trigger fires unattended and often, so it acts only when the application's own health path agrees.
            (Health.Unhealthy, FlagMode.Auto) when input.Unattended && !input.Confirmed => new(Decision.NoAction, UnconfirmedReason, Alert: true),
            (Health.Unhealthy, FlagMode.Auto) => new(Decision.Failover, "primary is unhealthy and the flag is auto"),
            (Health.Unhealthy, _) => new(Decision.Blocked, "primary is unhealthy but the flag is block"),
            (_, FlagMode.Auto) => new(Decision.NoAction, "primary health is unknown (evidence missing): not acting, alerting", Alert: true),
            _ => new(Decision.Blocked, "primary health is unknown and the flag is block"),
        };
    }

    public const string UnconfirmedReason = "one source says the primary is down but no second confirms it (an unattended failover needs two, " +
        "the direct probe among them): not acting, alerting";

    private static DecisionOutcome Failback(DecisionInput input, FlagMode mode)
    {
        if (input.AlreadyDone)
            return NotActing(input, "traffic is already on the primary",
                "the primary serves while its health is in doubt: check it, or fail over (failoverctl start failover)");
        return (input.Health, mode) switch
        {
            (_, FlagMode.Block) => new(Decision.Blocked, "the flag is block"),
            (_, FlagMode.Force) => new(Decision.Failback, $"flag force (primary {Wire.Of(input.Health)})"),
            (Health.Healthy, _) => new(Decision.Failback, "primary is healthy again"),
            (Health.Unhealthy, _) => new(Decision.NoAction, "primary is still unhealthy: fail back once it is healthy (failoverctl status)", Alert: true),
            _ => new(Decision.NoAction, "primary health is unknown (evidence missing): not failing back, alerting", Alert: true),
        };
    }

    private static DecisionOutcome Drill(DecisionInput input, FlagMode mode)
    {
        // Not now, whatever the flag and the evidence say, and said first, for a scheduled drill and an operator's alike: a
        // failed-over stack has no standby to exercise (and scaling it back would take capacity from live traffic), and a held
        // lock is another run at work.
        if (input.AlreadyDone)
            return NotActing(input, "traffic is failed over: the standby is serving, so not drilling", "fail back once the primary is healthy");
        if (input.LockedByOther)
            return NotActing(input, "another execution holds the lock: not drilling",
                "see which one with failoverctl status; a drill waits for no run, the next one tries again");
        if (mode == FlagMode.Block) return new(Decision.Blocked, "the flag is block");
        // A drill takes the lock for its whole run and ends by scaling the standby back: during an outage it would hold off
        // every failover and then undo the capacity one needs. A drill is never urgent, so force does not override this, and
        // UNKNOWN counts too: missing evidence may mean the primary is down (its alarms unanswering), and waiting costs nothing.
        return input.Health switch
        {
            Health.Healthy => new(Decision.Drill, "drill: scale and verify the standby, move no traffic"),
            Health.Unhealthy => new(Decision.NoAction, "the primary is unhealthy: not drilling (fail over instead)", Alert: true),
            _ => new(Decision.NoAction, "primary health is unknown (evidence missing): not drilling, alerting (a drill needs a healthy primary)", Alert: true),
        };
    }
}
