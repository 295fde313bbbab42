using Failover.Contract.Readiness;
using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Watch;

/// The watcher alarms notify people: a fresh deploy must not page them, and neither must an error the workflow's retries absorbed.
public sealed class WatcherAlarmTests
{
    private static IReadOnlyList<Resource> Watchers(PulumiProgram program) =>
        [.. program.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").Where(a => a.Name.StartsWith("watch-", StringComparison.Ordinal))];

    private static IReadOnlyList<Map> LambdaTasks(PulumiProgram program) =>
        [.. ((Map)((Map)((ToJson)program.Resource("workflow").Prop("definition")!).Body).Entries["States"]).Entries.Values.Cast<Map>()
            .Where(s => s.Entries.TryGetValue("Resource", out var r) && r is Str { Text: "arn:aws:states:::lambda:invoke" })];

    /// A new alarm has no data. One that reads no data as no trouble starts OK; one that reads it as trouble (a silence alarm)
    /// must wait under a warm-up for its first data, or it pages on every new stack. Its data is the probe's first start: one
    /// interval after the schedule exists, and the schedule may be created minutes after the alarm.
    [Theory]
    [InlineData("primary", "rate(1 minute)", 1)]
    [InlineData("secondary", "rate(1 minute)", 1)]
    [InlineData("secondary", "rate(1 hour)", 60)]
    public void No_watcher_alarm_pages_on_a_fresh_deploy(string role, string probeRate, int probeIntervalMinutes)
    {
        var watchers = Watchers(TestStacks.Program(role, ("probeRate", probeRate)));

        watchers.Should().HaveCountGreaterThan(20);
        foreach (var alarm in watchers)
        {
            alarm.Prop("alarmActions").Should().NotBeNull(alarm.Name);
            var noDataIsNoTrouble = alarm.Text("treatMissingData") == "notBreaching"
                && alarm.Text("comparisonOperator") == "GreaterThanOrEqualToThreshold";
            var waitsForFirstStart = alarm.Number("warmUpConfiguration.warmUpPeriodDurationInMinutes") >= probeIntervalMinutes + 10;
            (noDataIsNoTrouble || waitsForFirstStart).Should().BeTrue($"{alarm.Name} would read a fresh deploy's missing data as trouble");
        }
    }

    /// Each Lambda task retries a function's errors, and Lambda's throttles, before the run fails: an alarm that fired on the
    /// first would page for every error the workflow absorbed. Each alarm needs one more than a task's retries; an error
    /// no retry absorbed fails the run, which runs-failed reports.
    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    public void A_function_error_or_throttle_the_workflow_retried_away_does_not_page(string role)
    {
        var program = TestStacks.Program(role);
        var retriers = LambdaTasks(program).SelectMany(s => ((Seq)s.Entries["Retry"]).Items.Cast<Map>()).ToList();
        int RetriesOf(string error) => retriers
            .Where(r => ((Seq)r.Entries["ErrorEquals"]).Items.Contains(new Str(error)))
            .Select(r => (int)((Num)r.Entries["MaxAttempts"]).Number).Distinct().Should().ContainSingle().Subject;
        // A crash is a function error Lambda counts in Errors; a throttle is counted in Throttles.
        var errors = RetriesOf("Lambda.Unknown") + 1;
        var throttles = RetriesOf("Lambda.TooManyRequestsException") + 1;

        var functions = WorkflowFunctions(program);
        functions.Should().HaveCountGreaterThan(4);
        foreach (var function in functions)
        {
            var key = function.Name[..^"-function".Length];
            var failed = program.Resource($"watch-{key}-errors");
            failed.Prop("dimensions.FunctionName").Should().Be(new Ref(function.Name, "name"));
            failed.Number("threshold").Should().Be(errors, "one error its task retried away is no news");
            var throttled = program.Resource($"watch-{key}-throttles");
            throttled.Number("threshold").Should().Be(throttles, "one throttle its task retried away is no news");
            foreach (var alarm in new[] { failed, throttled })
            {
                // One window, counted as a sum: the errors of one task add up rather than each period alone.
                alarm.Number("evaluationPeriods").Should().Be(1, alarm.Name);
                alarm.Text("statistic").Should().Be("Sum", alarm.Name);
            }
        }
        program.Resource("watch-runs-failed").Number("threshold").Should().Be(1, "an error no retry absorbed fails the run: that pages at once");
    }

    /// A task that runs out of attempts has failed as many times as its error alarm counts, but only an alarm whose window holds
    /// all of them sees it. The window slides a minute at a time over Lambda's per-minute counts, so it must hold the task's
    /// whole retry span (every attempt to the task's time limit, every wait at its longest) in whole minutes, and the minute
    /// the first error falls in. Shift-traffic's four attempts of 100 s are the longest.
    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    public void A_function_alarm_counts_every_attempt_of_a_task_that_ran_out_of_them(string role)
    {
        var program = TestStacks.Program(role);
        var tasks = LambdaTasks(program);

        foreach (var function in WorkflowFunctions(program))
        {
            var key = function.Name[..^"-function".Length];
            var invoking = tasks.Where(t => ((Interpolation)((Map)t.Entries["Parameters"]).Entries["FunctionName"]).Parts.OfType<Str>().Last().Text
                .EndsWith($":function:{function.Text("name")}", StringComparison.Ordinal)).ToList();
            invoking.Should().NotBeEmpty(key);
            var span = invoking.Max(RetrySpanSeconds);
            foreach (var alarm in new[] { program.Resource($"watch-{key}-errors"), program.Resource($"watch-{key}-throttles") })
                alarm.Number("period").Should().BeGreaterThanOrEqualTo((Math.Ceiling(span / 60) + 1) * 60, $"{alarm.Name}: a task of {key} can fail for {span} s");
        }
        program.Resource("watch-shift-traffic-errors").Number("period").Should().BeGreaterThan(400, "four attempts of 100 s cannot fit five minutes");
    }

    /// The functions the workflow's tasks invoke: every one but the scheduled readiness checks, which Lambda retries itself.
    private static List<Resource> WorkflowFunctions(PulumiProgram program) =>
        [.. program.OfType("aws:lambda/function:Function").Where(f => f.Text("handler") != HandlerNames.Readiness)];

    /// The readiness alarm is one composite alarm: it alone notifies, when any of its children is in ALARM.
    private static (Resource Composite, IReadOnlyList<Resource> Children) ReadinessAlarm(PulumiProgram program)
    {
        var composite = program.Resource("watch-readiness");
        composite.Type.Should().Be("aws:cloudwatch/compositeAlarm:CompositeAlarm");
        var rule = (Interpolation)composite.Prop("alarmRule")!;
        var children = rule.Parts.OfType<Ref>().Select(r => { r.Path.Should().Be("name"); return program.Resource(r.Target); }).ToList();
        string.Concat(rule.Parts.Select(p => p is Ref r ? "X" : ((Str)p).Text)).Should()
            .Be(string.Join(" OR ", children.Select(_ => "ALARM(\"X\")")), "any one child in ALARM is the readiness alarm");
        return (composite, children);
    }

    /// "A check fails twice in a row" means the same check: one child per check, each on its own CheckFailed, two runs of two
    /// (one per period); check A failing and then check B is no page. The children notify nobody, the composite its topic.
    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    public void The_readiness_alarm_pages_when_one_check_fails_on_two_runs_in_a_row(string role)
    {
        var program = TestStacks.Program(role);
        var (composite, children) = ReadinessAlarm(program);

        var checks = children.Where(c => c.Text("metricName") == "CheckFailed").ToList();
        checks.Select(c => c.Text("dimensions.Check")).Should().Equal(CheckNames.All, "one child per check");
        foreach (var check in checks)
        {
            check.Text("dimensions.Stack").Should().Be($"failover-{role}", check.Name);
            check.Text("statistic").Should().Be("Maximum", check.Name);
            check.Number("period").Should().Be(900, "one run per period at the default readinessRate of 15 minutes");
            check.Number("evaluationPeriods").Should().Be(2, check.Name);
            check.Number("datapointsToAlarm").Should().Be(2, "a check that fails twice in a row, not once");
            check.Number("threshold").Should().Be(1, check.Name);
            check.Text("comparisonOperator").Should().Be("GreaterThanOrEqualToThreshold", check.Name);
            check.Text("treatMissingData").Should().Be("missing", "a period without a run, or a run that could not judge, neither passes nor fails");
            check.Prop("alarmActions").Should().BeNull("the composite notifies, once");
            check.Prop("okActions").Should().BeNull("the composite notifies, once");
        }
        foreach (var actions in new[] { "alarmActions", "okActions" })
            ((Seq)composite.Prop(actions)!).Items.Should().Equal([new Ref("notifications-topic", "arn")], actions);
    }

    /// A function that never publishes leaves every check child without data, so OK: the readiness alarm must see silence too.
    /// Every run publishes ChecksFailing; two periods without one is the checks stopped, whatever stopped them.
    [Theory]
    [InlineData("primary", "rate(15 minutes)", 15)]
    [InlineData("secondary", "rate(2 hours)", 120)]
    public void The_readiness_alarm_pages_when_the_checks_stop_publishing(string role, string rate, int minutes)
    {
        var program = TestStacks.Program(role, ("readinessRate", rate));
        var (_, children) = ReadinessAlarm(program);

        var silent = children.Should().ContainSingle(c => c.Text("metricName") == "ChecksFailing").Subject;
        silent.Text("statistic").Should().Be("SampleCount", "how many runs published, whatever they found");
        silent.Text("dimensions.Stack").Should().Be($"failover-{role}");
        silent.Number("period").Should().Be(2 * minutes * 60, "two runs' worth");
        silent.Number("evaluationPeriods").Should().Be(1);
        silent.Text("comparisonOperator").Should().Be("LessThanThreshold");
        silent.Number("threshold").Should().Be(1);
        silent.Text("treatMissingData").Should().Be("breaching", "no data is the trouble");
        silent.Prop("alarmActions").Should().BeNull("the composite notifies");
    }

    /// A new stack has no readiness data: neither the composite's children nor it may page before the first run.
    [Theory]
    [InlineData("primary", "rate(15 minutes)", 15)]
    [InlineData("secondary", "rate(12 hours)", 720)]
    public void The_readiness_alarm_does_not_page_on_a_fresh_deploy(string role, string rate, int minutes)
    {
        var (_, children) = ReadinessAlarm(TestStacks.Program(role, ("readinessRate", rate)));

        children.Should().HaveCount(CheckNames.All.Count + 1);
        foreach (var child in children)
        {
            // No data yet: a check child stays INSUFFICIENT_DATA, which the composite's ALARM() reads as not in alarm.
            var noDataIsNoState = child.Text("treatMissingData") == "missing";
            var waitsForFirstRun = child.Number("warmUpConfiguration.warmUpPeriodDurationInMinutes") >= minutes + 10;
            (noDataIsNoState || waitsForFirstRun).Should().BeTrue($"{child.Name} would read a fresh deploy's missing data as trouble");
        }
    }

    /// Lambda retries a failed scheduled run twice, a minute and two minutes after a failure: a run that failed all three times
    /// has one error in each of three minutes. The alarm counts minutes with an error over a window that holds all three
    /// wherever they fall on the clock; one error a retry absorbed does not page.
    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    public void The_readiness_function_pages_on_a_run_lambda_could_not_retry_away(string role)
    {
        var program = TestStacks.Program(role);
        var function = program.OfType("aws:lambda/function:Function").Single(f => f.Text("handler") == HandlerNames.Readiness);
        var span = 3 * function.Number("timeout")!.Value + 60 + 120;

        var errors = program.Resource("watch-readiness-errors");
        errors.Prop("dimensions.FunctionName").Should().Be(new Ref(function.Name, "name"));
        errors.Text("statistic").Should().Be("Sum");
        errors.Number("period").Should().Be(60, "Lambda's per-minute counts, evaluated each minute over the last N");
        errors.Number("threshold").Should().Be(1, "each attempt's error lands in a minute of its own");
        errors.Number("datapointsToAlarm").Should().Be(3, "the first attempt and both retries; one a retry absorbed is no news");
        errors.Number("evaluationPeriods").Should().BeGreaterThanOrEqualTo(Math.Ceiling(span / 60) + 1, $"a run's three attempts can span {span} s");
        errors.Text("treatMissingData").Should().Be("notBreaching");
    }

    /// From first attempt to last: a function error's attempts each to the task's time limit, and every retrier's waits at
    /// their longest (full jitter draws each between 0 and its backoff).
    private static double RetrySpanSeconds(Map task)
    {
        var retriers = ((Seq)task.Entries["Retry"]).Items.Cast<Map>().ToList();
        double Number(Map m, string key) => ((Num)m.Entries[key]).Number;
        var functionErrors = retriers.Single(r => ((Seq)r.Entries["ErrorEquals"]).Items.Contains(new Str("Lambda.Unknown")));
        var waits = retriers.Sum(r => Enumerable.Range(0, (int)Number(r, "MaxAttempts"))
            .Sum(i => Math.Min(Number(r, "IntervalSeconds") * Math.Pow(Number(r, "BackoffRate"), i), Number(r, "MaxDelaySeconds"))));
        return (Number(functionErrors, "MaxAttempts") + 1) * Number(task, "TimeoutSeconds") + waits;
    }
}
