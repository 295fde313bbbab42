using Failover.Functions.Aws;
using Failover.Functions.Handlers;

namespace Failover.Functions.Tests.Handlers;

/// The decision table of design §5, checked over every combination of health × flag × lock × cooldown × expiry × state.
public sealed class DecisionTableTests
{
    // The design's table, row by row: (health, flag) -> decision when nothing else stands in the way.
    private static readonly Dictionary<(Health, FlagMode), Decision> FailoverTable = new()
    {
        [(Health.Healthy, FlagMode.Auto)] = Decision.NoAction,
        [(Health.Healthy, FlagMode.Block)] = Decision.NoAction,
        [(Health.Healthy, FlagMode.Force)] = Decision.Failover,
        [(Health.Unhealthy, FlagMode.Auto)] = Decision.Failover,
        [(Health.Unhealthy, FlagMode.Block)] = Decision.Blocked,
        [(Health.Unhealthy, FlagMode.Force)] = Decision.Failover,
        [(Health.Unknown, FlagMode.Auto)] = Decision.NoAction,
        [(Health.Unknown, FlagMode.Block)] = Decision.Blocked,
        [(Health.Unknown, FlagMode.Force)] = Decision.Failover,
    };

    // Failback mirrors it: back to the primary only when it is healthy, unless forced; block always blocks.
    private static readonly Dictionary<(Health, FlagMode), Decision> FailbackTable = new()
    {
        [(Health.Healthy, FlagMode.Auto)] = Decision.Failback,
        [(Health.Healthy, FlagMode.Block)] = Decision.Blocked,
        [(Health.Healthy, FlagMode.Force)] = Decision.Failback,
        [(Health.Unhealthy, FlagMode.Auto)] = Decision.NoAction,
        [(Health.Unhealthy, FlagMode.Block)] = Decision.Blocked,
        [(Health.Unhealthy, FlagMode.Force)] = Decision.Failback,
        [(Health.Unknown, FlagMode.Auto)] = Decision.NoAction,
        [(Health.Unknown, FlagMode.Block)] = Decision.Blocked,
        [(Health.Unknown, FlagMode.Force)] = Decision.Failback,
    };

    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<FailoverAction, Health, FlagMode, bool, bool, bool, bool> AllCombinations()
    {
        var data = new TheoryData<FailoverAction, Health, FlagMode, bool, bool, bool, bool>();
        foreach (var action in Enum.GetValues<FailoverAction>())
        foreach (var health in Enum.GetValues<Health>())
        foreach (var overrideMode in Enum.GetValues<FlagMode>())
        foreach (var expired in new[] { false, true })
        foreach (var locked in new[] { false, true })
        foreach (var cooldown in new[] { false, true })
        foreach (var alreadyDone in new[] { false, true })
            data.Add(action, health, overrideMode, expired, locked, cooldown, alreadyDone);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllCombinations))]
    public void Every_combination_decides_as_the_design_says(
        FailoverAction action, Health health, FlagMode overrideMode, bool expired, bool locked, bool cooldown, bool alreadyDone)
    {
        // The configured default is auto; an expired override must fall back to it.
        var flag = FlagResolver.Resolve(new FlagOverride(overrideMode.ToString(), "r", "ops", null, Now.AddMinutes(expired ? -1 : 1)), FlagMode.Auto, Now);
        var effective = expired ? FlagMode.Auto : overrideMode;
        flag.Mode.Should().Be(effective);

        var outcome = DecisionTable.Decide(new DecisionInput
        {
            Action = action, Flag = flag.Mode, Health = health, AlreadyDone = alreadyDone, InCooldown = cooldown, LockedByOther = locked,
        });

        outcome.Decision.Should().Be(Expected(action, health, effective, locked, cooldown, alreadyDone), outcome.Reason);
    }

    private static Decision Expected(FailoverAction action, Health health, FlagMode flag, bool locked, bool cooldown, bool alreadyDone)
    {
        Decision basis = action switch
        {
            FailoverAction.Failover => alreadyDone ? Decision.NoAction : FailoverTable[(health, flag)],
            FailoverAction.Failback => alreadyDone ? Decision.NoAction : FailbackTable[(health, flag)],
            _ => flag == FlagMode.Block ? Decision.Blocked : alreadyDone ? Decision.NoAction : Decision.Drill,
        };
        var acts = basis is Decision.Failover or Decision.Failback or Decision.Drill;
        if (acts && cooldown && flag != FlagMode.Force && action != FailoverAction.Drill) return Decision.NoAction;
        if (acts && locked) return Decision.NoAction;
        return basis;
    }

    [Fact]
    public void Unknown_health_under_auto_raises_an_alert() =>
        DecisionTable.Decide(new DecisionInput
        {
            Action = FailoverAction.Failover, Flag = FlagMode.Auto, Health = Health.Unknown, AlreadyDone = false, InCooldown = false, LockedByOther = false,
        }).Alert.Should().BeTrue();

    [Fact]
    public void A_requested_force_upgrades_auto_but_never_overrides_block()
    {
        DecisionInput Input(FlagMode flag) => new()
        {
            Action = FailoverAction.Failover, Flag = flag, ForceRequested = true, Health = Health.Healthy, AlreadyDone = false, InCooldown = false, LockedByOther = false,
        };
        DecisionTable.Decide(Input(FlagMode.Auto)).Decision.Should().Be(Decision.Failover);
        DecisionTable.Decide(Input(FlagMode.Block)).Decision.Should().Be(Decision.NoAction);
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

    [Fact]
    public void An_unreadable_override_falls_back_to_the_default_and_says_so()
    {
        var flag = FlagResolver.Resolve(new FlagOverride("maybe", null, null, null, null), FlagMode.Block, Now);
        flag.Mode.Should().Be(FlagMode.Block);
        flag.Note.Should().Contain("'maybe'");
    }
}
