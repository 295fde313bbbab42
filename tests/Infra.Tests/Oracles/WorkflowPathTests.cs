using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Failover.Infra.Config;
using Failover.Infra.Control;
using Failover.Infra.Tests.Control;
using Failover.Infra.Tests.Golden;
using YamlDotNet.RepresentationModel;

namespace Failover.Infra.Tests.Oracles;

/// Runs the ASL oracle (asl-validator + every path executed by aws-local-stepfunctions against fakes of the functions, SNS
/// and ECS's runTask.sync) once over the shipped stacks, readiness, drain and recovery-task variants, mutants of the
/// secondary's definition and broken-workflow.yaml.
public sealed class WorkflowOracle
{
    /// Each program's stack role, workflow settings (readiness, failback drain) and recovery tasks, as its config says (not as
    /// its definition does).
    public static readonly IReadOnlyDictionary<string, (string Role, WorkflowSettings Settings, IReadOnlyList<RecoveryTask> Recovery)> Stacks =
        new Dictionary<string, (string, WorkflowSettings, IReadOnlyList<RecoveryTask>)>
        {
            ["primary"] = Of("primary", Shipped("primary")),
            ["secondary"] = Of("secondary", Shipped("secondary")),
            ["secondary-readiness-120-10"] = Of("secondary", TestStacks.Config("secondary", ("readinessTimeoutSeconds", "120"), ("readinessPollSeconds", "10"))),
            // Not a multiple of the poll interval: the bound is the whole checks that fit, plus the first.
            ["primary-readiness-100-30"] = Of("primary", TestStacks.Config("primary", ("readinessTimeoutSeconds", "100"), ("readinessPollSeconds", "30"))),
            ["primary-drain-30"] = Of("primary", TestStacks.Config("primary", ("failbackDrainSeconds", "30"))),
            ["secondary-recovery"] = Of("secondary", TestStacks.Config("secondary", ("recoveryTasks", RecoveryTaskExamples.Secondary))),
            ["primary-recovery"] = Of("primary", TestStacks.Config("primary", ("recoveryTasks", RecoveryTaskExamples.Primary))),
        };

    public IReadOnlyDictionary<string, string> Programs { get; }
    /// How often each mutant's pattern matched the compiled definition, and how often it must.
    public Dictionary<string, (int Matches, int Expected)> Mutations { get; } = [];
    public IReadOnlyDictionary<string, string[]> Results { get; }
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, MachineReport>> Report { get; }

    public WorkflowOracle()
    {
        var secondary = GoldenProgramTests.CompileOffline("secondary");
        var recovery = TestStacks.Yaml("secondary", ("recoveryTasks", RecoveryTaskExamples.Secondary));
        Programs = new Dictionary<string, string>
        {
            ["primary"] = GoldenProgramTests.CompileOffline("primary"),
            ["secondary"] = secondary,
            ["secondary-readiness-120-10"] = TestStacks.Yaml("secondary", ("readinessTimeoutSeconds", "120"), ("readinessPollSeconds", "10")),
            ["primary-readiness-100-30"] = TestStacks.Yaml("primary", ("readinessTimeoutSeconds", "100"), ("readinessPollSeconds", "30")),
            ["primary-drain-30"] = TestStacks.Yaml("primary", ("failbackDrainSeconds", "30")),
            ["secondary-recovery"] = recovery,
            ["primary-recovery"] = TestStacks.Yaml("primary", ("recoveryTasks", RecoveryTaskExamples.Primary)),
            // Mutants: one plausible slip each in the real definition. A failover path's slip is in both of the secondary's entry
            // points (the operators' and the triggers'), so its pattern matches twice.
            // IsReady's ready branch (and the partial shift) straight to ShiftTraffic: no ready stamp, and a drill skips RouteReady.
            ["mutant-ready-skips-stamp"] = Mutate("mutant-ready-skips-stamp", secondary, Literal("Next: \"StampReady\""), "Next: \"ShiftTraffic\"", 4),
            // RouteReady sends a drill to ShiftTraffic.
            ["mutant-drill-shifts"] = Mutate("mutant-drill-shifts", secondary, Literal("- Next: \"DrillScaleBack\""), "- Next: \"ShiftTraffic\"", 1),
            // AwsThrottled dropped from every Lambda task's Retry (both machines', the lease's renewals among them).
            ["mutant-no-throttled-retry"] = Mutate("mutant-no-throttled-retry", secondary, new Regex("\n *- \"AwsThrottled\"(?=\r?\n)"), "",
                Regex.Matches(secondary, "arn:aws:states:::lambda:invoke").Count),
            // CheckRelease lets a release that recorded nothing (the lock was lost) end the run SUCCEEDED.
            ["mutant-unrecorded-succeeds"] = Mutate("mutant-unrecorded-succeeds", secondary, Literal("Default: \"TransitionNotRecorded\""), "Default: \"Done\"", 2),
            // The failure path's release always says FAILED, even after traffic moved: the transition goes unrecorded.
            ["mutant-release-outcome-literal"] = Mutate("mutant-release-outcome-literal", secondary, Literal("\"outcome.$$\": \"$$.releaseOutcome\""), "outcome: \"FAILED\"", 2),
            // The readiness renewal's lease cut to a minute: a live run waiting for readiness could lose its lock.
            ["mutant-short-lease"] = Mutate("mutant-short-lease", secondary, new Regex("(RenewDuringReadiness:[^\\n]*\\n(?:[^\\n]*\\n){0,15}? *leaseSeconds: )\\d+"), "${1}60", 2),
            // RouteDecision publishes BLOCKED and ALERT whenever decide answers with a notice, notify or not: every probe pages.
            ["mutant-notice-ignores-notify"] = Mutate("mutant-notice-ignores-notify", secondary,
                new Regex(@"BooleanEquals: true(?=\r?\n *" + Regex.Escape("Variable: \"$$.decision.notice.notify\"") + ")"), "IsPresent: true", 4),
            // Mutants of the recovery tasks. RouteReady sends a drill into the first recovery task: a drill would promote the database.
            ["mutant-drill-runs-recovery"] = Mutate("mutant-drill-runs-recovery", recovery, Literal("- Next: \"DrillScaleBack\""), "- Next: \"Recovery promote-db\"", 1),
            // RouteReady goes straight to the shift: the beforeShift tasks never run.
            ["mutant-shift-skips-recovery"] = Mutate("mutant-shift-skips-recovery", recovery, Literal("Default: \"Recovery promote-db\""), "Default: \"ShiftTraffic\"", 1),
            // A task whose container failed is retried (3 tasks): a promotion could run twice.
            ["mutant-recovery-retries-failure"] = Mutate("mutant-recovery-retries-failure", recovery,
                new Regex("(\n( *)- \"AmazonECS\\.Unknown\")(?=\r?\n)"), "$1\n$2- \"States.TaskFailed\"", 6),
            // A task that timed out is retried (3 tasks): it may have done its work.
            ["mutant-recovery-retries-timeout"] = Mutate("mutant-recovery-retries-timeout", recovery,
                new Regex("(\n( *)- \"AmazonECS\\.Unknown\")(?=\r?\n)"), "$1\n$2- \"States.Timeout\"", 6),
            // A failed task goes straight to the FAILED notice: the lock is never released.
            ["mutant-recovery-failure-keeps-lock"] = Mutate("mutant-recovery-failure-keeps-lock", recovery,
                Literal("Next: \"Recovery promote-db failed\""), "Next: \"DescribeFailed\"", 2),
        };
        var report = Path.Combine(Path.GetTempPath(), $"asl-check-report-{Guid.NewGuid():N}.json");
        Environment.SetEnvironmentVariable("ASL_CHECK_REPORT", report);
        try
        {
            Results = NodeOracle.Run("asl-check.mjs", Programs,
                new Dictionary<string, string> { ["broken"] = Repo.Path("tests", "Infra.Tests", "Oracles", "broken-workflow.yaml") });
            Report = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, MachineReport>>>(File.ReadAllText(report),
                    new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!
                .ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, MachineReport>)p.Value);
        }
        finally
        {
            Environment.SetEnvironmentVariable("ASL_CHECK_REPORT", null);
            File.Delete(report);
        }
    }

    private static StackConfig Shipped(string stack)
    {
        var result = ConfigParser.Parse(StackInputs.FromFiles(Repo.Root, stack));
        result.Errors.Should().BeEmpty();
        return result.Config!;
    }

    private static (string, WorkflowSettings, IReadOnlyList<RecoveryTask>) Of(string role, StackConfig config) => (role, config.Workflow, config.RecoveryTasks);

    private static Regex Literal(string text) => new(Regex.Escape(text));

    private string Mutate(string name, string program, Regex pattern, string replacement, int expectedMatches)
    {
        Mutations[name] = (pattern.Matches(program).Count, expectedMatches);
        return pattern.Replace(program, replacement);
    }

    /// The Task states of one of the program's state machines (`workflow`, or the triggers' `workflow-trigger`), as compiled.
    public IReadOnlyList<string> TaskStates(string program, string machine = "workflow")
    {
        var definition = (YamlMappingNode)Node(Root(program), "resources", machine, "properties", "definition", "fn::toJSON", "States");
        return definition.Children
            .Where(s => ((YamlScalarNode)((YamlMappingNode)s.Value)["Type"]).Value == "Task")
            .Select(s => ((YamlScalarNode)s.Key).Value!)
            .ToList();
    }

    /// A scalar of the compiled program, by its path of keys.
    public string Scalar(string program, params string[] path) => ((YamlScalarNode)Node(Root(program), path)).Value!;

    private YamlMappingNode Root(string program)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Programs[program]));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlNode Node(YamlMappingNode node, params string[] path) =>
        path.Aggregate((YamlNode)node, (current, key) => ((YamlMappingNode)current)[key]);
}

public sealed record MachineReport(string[] Scenarios, ReadinessReport Readiness, DrainReport? Drain, Dictionary<string, LeaseReport> Leases);

/// Where the run takes or renews its lock: the lease given there, and the longest the oracle finds the run can take until the next.
public sealed record LeaseReport(double Lease, double Need);

public sealed record ReadinessReport(int? TimeoutSeconds, int? PollSeconds, int? MaxChecks, int? CheckCalls);

/// The failback's Wait between moving traffic and scaling the secondary back (a primary's only).
public sealed record DrainReport(string State, int Seconds);

public sealed class WorkflowPathTests(WorkflowOracle oracle) : IClassFixture<WorkflowOracle>
{
    /// Every program the oracle runs: the shipped stacks, readiness and drain variants, both with recovery tasks.
    public static TheoryData<string> Programs => new(WorkflowOracle.Stacks.Keys);

    [Theory]
    [MemberData(nameof(Programs))]
    public void Every_path_of_the_workflow_does_what_a_user_expects(string program) =>
        oracle.Results[program].Should().BeEmpty();

    [Theory]
    [MemberData(nameof(Programs))]
    public void Every_scenario_ran_including_a_fault_at_every_task_and_every_error_type(string program)
    {
        var (role, _, recovery) = WorkflowOracle.Stacks[program];
        // The secondary has two entry points: the operators' and the triggers' (failovers only).
        oracle.Report[program].Keys.Should().Equal(role == "primary" ? ["workflow"] : ["workflow", "workflow-trigger"]);
        oracle.Report[program]["workflow"].Scenarios.Should().BeEquivalentTo(ExpectedScenarios(role, recovery, oracle.TaskStates(program)));
        if (role != "primary")
            oracle.Report[program]["workflow-trigger"].Scenarios.Should().BeEquivalentTo(
                ExpectedScenarios(role, recovery, oracle.TaskStates(program, "workflow-trigger"), WorkflowEntry.Trigger));
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void The_readiness_loop_polls_at_the_configured_interval_and_ends_after_the_configured_number_of_checks(string program)
    {
        var settings = WorkflowOracle.Stacks[program].Settings;
        oracle.Report[program]["workflow"].Readiness.Should().Be(new ReadinessReport(
            settings.ReadinessTimeoutSeconds, settings.ReadinessPollSeconds, settings.MaxReadinessChecks, settings.MaxReadinessChecks));
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void The_failback_waits_the_configured_drain_after_moving_traffic_before_scaling_the_secondary_down(string program)
    {
        var (role, settings, _) = WorkflowOracle.Stacks[program];
        // The oracle finds the Wait right before scale-standby and checks, by running the failback, that it is entered after
        // shift-traffic answered and before the secondary is scaled (else its finding fails the test above).
        oracle.Report[program]["workflow"].Drain.Should().Be(role == "primary"
            ? new DrainReport(WorkflowDefinition.States.DrainBeforeScaleDown, settings.FailbackDrainSeconds)
            : null);
    }

    [Fact]
    public void The_drain_defaults_to_120_seconds_and_the_variant_overrides_it()
    {
        WorkflowOracle.Stacks["primary"].Settings.FailbackDrainSeconds.Should().Be(WorkflowSection.FailbackDrainSeconds.Default).And.Be(120);
        oracle.Report["primary"]["workflow"].Drain!.Seconds.Should().Be(120);
        oracle.Report["primary-drain-30"]["workflow"].Drain!.Seconds.Should().Be(30);
    }

    /// The execution stops after the readiness bound, the drain, every recovery task's time limit and an hour for retries.
    [Theory]
    [MemberData(nameof(Programs))]
    public void The_execution_timeout_covers_readiness_drain_recovery_tasks_and_an_hour(string program)
    {
        var (_, settings, recovery) = WorkflowOracle.Stacks[program];
        var expected = settings.ReadinessTimeoutSeconds + settings.FailbackDrainSeconds + recovery.Sum(t => t.TimeoutSeconds) + 3600;
        WorkflowDefinition.ExecutionTimeoutSeconds(settings, recovery).Should().Be(expected);
        int.Parse(oracle.Scalar(program, "resources", "workflow", "properties", "definition", "fn::toJSON", "TimeoutSeconds"), CultureInfo.InvariantCulture)
            .Should().Be(expected);
    }

    /// The lock's lease covers one phase: decide's and each renewal's lease is at least the longest the oracle finds the run can
    /// take from there to its next renewal or release, and much shorter than the execution's time limit.
    [Theory]
    [MemberData(nameof(Programs))]
    public void Each_lease_covers_its_phase_and_no_more_than_the_whole_run(string program)
    {
        var leases = oracle.Report[program]["workflow"].Leases;
        leases.Keys.Should().Contain([WorkflowDefinition.States.Decide, WorkflowDefinition.States.RenewDuringReadiness, WorkflowDefinition.States.RenewBeforeShift]);
        var (_, settings, recovery) = WorkflowOracle.Stacks[program];
        foreach (var (state, lease) in leases)
        {
            // Step Functions stops the run at its time limit: no lease needs more, and none is given more.
            var limit = WorkflowDefinition.ExecutionTimeoutSeconds(settings, recovery);
            lease.Lease.Should().BeGreaterThanOrEqualTo(Math.Min(lease.Need, limit), state);
            lease.Lease.Should().BeLessThanOrEqualTo(limit, state);
        }
        int.Parse(oracle.Scalar(program, "resources", "decide-function", "properties", "environment", "variables", "LOCK_LEASE_SECONDS"), CultureInfo.InvariantCulture)
            .Should().Be((int)leases[WorkflowDefinition.States.Decide].Lease);
    }

    [Theory]
    [InlineData("mutant-ready-skips-stamp")]
    [InlineData("mutant-drill-shifts")]
    [InlineData("mutant-no-throttled-retry")]
    [InlineData("mutant-unrecorded-succeeds")]
    [InlineData("mutant-release-outcome-literal")]
    [InlineData("mutant-drill-runs-recovery")]
    [InlineData("mutant-shift-skips-recovery")]
    [InlineData("mutant-recovery-retries-failure")]
    [InlineData("mutant-recovery-retries-timeout")]
    [InlineData("mutant-recovery-failure-keeps-lock")]
    [InlineData("mutant-short-lease")]
    [InlineData("mutant-notice-ignores-notify")]
    public void Each_mutant_changes_the_compiled_definition_where_it_means_to(string mutant) =>
        oracle.Mutations[mutant].Matches.Should().Be(oracle.Mutations[mutant].Expected, "the mutant's pattern must still match the compiled definition");

    [Theory]
    [InlineData("mutant-ready-skips-stamp", "workflow: drill (decide answers FAILOVER): a drill must never move traffic, but shift-traffic ran")]
    [InlineData("mutant-ready-skips-stamp", "workflow: failover: the output's timings must have started, decided, ready, finished")]
    [InlineData("mutant-drill-shifts", "workflow: drill (decide answers DRILL): a drill must never move traffic, but shift-traffic ran")]
    [InlineData("mutant-no-throttled-retry", "workflow: definition: ScaleUp does not retry AwsThrottled")]
    [InlineData("mutant-no-throttled-retry", "workflow: retry AwsThrottled at ScaleUp: expected the run to end SUCCEEDED, it ended FAILED with AwsThrottled")]
    [InlineData("broken", "no-default: definition: Choice CheckAction has no Default")]
    [InlineData("broken", "no-default: definition: Route goes to ScaleUpp, which is no state")]
    [InlineData("broken", "no-default: definition: asl-validator MISSING_TRANSITION_TARGET: Missing 'StartAt'|'Next'|'Default' target: ScaleUpp")]
    [InlineData("mutant-unrecorded-succeeds", "workflow: failover: release-lock records nothing (lock held by another execution): expected the run to end FAILED with TransitionNotRecorded, it ended SUCCEEDED")]
    [InlineData("mutant-unrecorded-succeeds", "workflow: failover: release-lock records nothing (lock held by another execution): a failover that succeeded must have recorded the transition")]
    [InlineData("mutant-unrecorded-succeeds", "workflow: drill: lock held by another execution at the release: a drill that succeeded must have released its lock")]
    [InlineData("mutant-release-outcome-literal", "workflow: failover: release-lock fails after retries: the run ended FAILED after traffic moved, but release-lock was told \"FAILED\"")]
    [InlineData("mutant-release-outcome-literal", "workflow: fault at ReleaseLock: traffic moved, yet the lock was released as FAILED")]
    [InlineData("broken", "shift-before-ready: failover: shift-traffic ran before check-service said the service was ready")]
    [InlineData("broken", "notice-before-release: Lambda.TooManyRequestsException at Decide on every attempt: the FAILED notice must come after the release")]
    [InlineData("mutant-drill-runs-recovery", "workflow: drill (decide answers DRILL): a drill must never run a recovery task (it must not promote a database), but Recovery promote-db ran")]
    [InlineData("mutant-drill-runs-recovery", "workflow: drill: recovery tasks are skipped: a drill must not enter a recovery task")]
    [InlineData("mutant-shift-skips-recovery", "workflow: failover: shift-traffic ran before the recovery task Recovery promote-db succeeded")]
    [InlineData("mutant-shift-skips-recovery", "workflow: definition: Recovery promote-db is unreachable from CheckAction")]
    [InlineData("mutant-recovery-retries-failure", "workflow: definition: Recovery promote-db retries States.TaskFailed: a recovery task may have done its work")]
    [InlineData("mutant-recovery-retries-failure", "workflow: failover: Recovery promote-db fails before the shift: Recovery promote-db ran again after States.TaskFailed")]
    [InlineData("mutant-recovery-retries-timeout", "workflow: definition: Recovery warm-cache retries States.Timeout")]
    [InlineData("mutant-recovery-retries-timeout", "workflow: failover: Recovery promote-db times out before the shift: Recovery promote-db ran again after States.Timeout")]
    [InlineData("mutant-recovery-failure-keeps-lock", "workflow: failover: Recovery promote-db fails before the shift: the lock must be released last, but the last call was release-lock:RENEW")]
    [InlineData("mutant-short-lease", "workflow: definition: RenewDuringReadiness's leaseSeconds 60 is shorter than the longest the run can take from RenewDuringReadiness")]
    [InlineData("mutant-notice-ignores-notify", "workflow: failover blocked, already announced: a BLOCKED condition already announced must not be published again")]
    [InlineData("mutant-notice-ignores-notify", "workflow: drill no action with alert, already announced: an ALERT condition already announced must not be published again")]
    public void The_oracle_catches_each_kind_of_mistake(string program, string finding) =>
        oracle.Results[program].Should().Contain(e => e.StartsWith(finding, StringComparison.Ordinal));

    /// The drill mutant breaks drills only: the failover paths through the same definition still pass.
    [Fact]
    public void A_mutant_fails_only_where_it_is_wrong_so_the_oracle_is_not_just_refusing_everything()
    {
        oracle.Results["mutant-drill-shifts"].Should().Contain(e => e.StartsWith("workflow: drill", StringComparison.Ordinal));
        oracle.Results["mutant-drill-shifts"].Should().NotContain(e => e.StartsWith("workflow: failover", StringComparison.Ordinal)
            || e.StartsWith("workflow: retry", StringComparison.Ordinal) || e.StartsWith("workflow: rejected", StringComparison.Ordinal));
    }

    /// What asl-check.mjs runs for a stack of this role: named paths, every retryable and rejected errorType of the
    /// contract, every unsupported action, and a fault at every Task state of the compiled definition.
    private static IEnumerable<string> ExpectedScenarios(string role, IReadOnlyList<RecoveryTask> recovery, IReadOnlyList<string> tasks,
        WorkflowEntry entry = WorkflowEntry.Operator)
    {
        var actions = WorkflowDefinition.ActionsFor(role == "primary" ? Role.Primary : Role.Secondary, entry).Select(Wire.Of).ToList();
        var main = actions[0];
        var move = actions.First(a => a != Wire.Of(FailoverAction.Drill));
        foreach (var action in actions)
        {
            yield return action == "drill" ? "drill (decide answers FAILOVER)" : action;
            yield return $"{action} blocked";
            yield return $"{action} blocked, already announced";
            yield return $"{action} no action";
            yield return $"{action} no action with alert";
            yield return $"{action} no action with alert, already announced";
            yield return $"{action} not ready (check-service says timedOut)";
            yield return $"{action} unexpected decision {(action == "failback" ? "FAILOVER" : "FAILBACK")}";
        }
        if (actions.Contains("drill"))
        {
            yield return "drill (decide answers DRILL)";
            yield return "drill: scale-up fails after retries";
        }
        if (role == "primary") yield return "failback: scale-standby fails after retries";
        yield return $"{move}: release-lock fails after retries";
        yield return $"{move}: release-lock records nothing (lock held by another execution)";
        yield return $"{move}: the lock is taken over during the readiness wait";
        yield return $"{move}: the lock is taken over while traffic moves";
        if (actions.Contains("drill"))
        {
            yield return "drill: release-lock releases without recording a state";
            yield return "drill: lock held by another execution at the release";
            yield return "drill: the lock is taken over during the readiness wait";
        }
        // Recovery tasks: the first of each phase fails (and, before the shift, times out), a start error is retried at the
        // first task, and a drill skips them all.
        var before = recovery.Where(t => t.Phase == RecoveryPhase.BeforeShift).Select(RecoveryTasks.StateName).ToList();
        var after = recovery.Where(t => t.Phase == RecoveryPhase.AfterShift).Select(RecoveryTasks.StateName).ToList();
        if (before.Count > 0)
        {
            yield return $"{move}: {before[0]} fails before the shift";
            yield return $"{move}: {before[0]} times out before the shift";
        }
        if (after.Count > 0) yield return $"{move}: {after[0]} fails after the shift";
        if (recovery.Count > 0)
        {
            foreach (var error in RecoveryTasks.StartErrors) yield return $"retry {error} at {before.Concat(after).First()}";
            if (actions.Contains("drill")) yield return "drill: recovery tasks are skipped";
        }
        yield return $"{main} not ready (check-service never says timedOut)";
        if (actions.Contains("failover"))
        {
            yield return "failover with partial capacity (readiness timed out, the primary confirmed down)";
            yield return "failover not ready and the primary not confirmed down (no partial shift)";
        }
        yield return $"{move} without source or reason";

        foreach (var error in WorkflowDefinition.LambdaTransientErrors.Concat(ErrorTypes.Retryable).Concat(WorkflowDefinition.OutcomeUnknownErrors))
            yield return $"retry {error} at ScaleUp";
        yield return "retry Lambda.TooManyRequestsException at Decide, twice";
        yield return "retry AwsThrottled at ShiftTraffic";
        yield return "Lambda.TooManyRequestsException at Decide on every attempt";
        yield return "AwsUnreachable at ShiftTraffic on every attempt";
        foreach (var error in ErrorTypes.All.Where(e => e.Value.Category == ErrorCategory.Rejected).Select(e => e.Key))
            yield return $"rejected {error} at ScaleUp";

        foreach (var action in new[] { "failover", "failback", "drill" }.Except(actions))
            yield return $"unsupported action \"{action}\"";
        yield return "unsupported action (missing)";
        yield return "unsupported action 42";
        yield return $"unsupported action \"{main.ToUpperInvariant()}\"";
        yield return "source that is not text";

        foreach (var task in tasks) yield return $"fault at {task}";
    }
}
