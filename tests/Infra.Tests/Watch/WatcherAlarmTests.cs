using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Watch;

/// The watcher alarms notify people: a fresh deploy must not page them, and neither must an error the workflow's retries absorbed.
public sealed class WatcherAlarmTests
{
    private static IReadOnlyList<Resource> Watchers(PulumiProgram program) =>
        [.. program.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").Where(a => a.Name.StartsWith("watch-", StringComparison.Ordinal))];

    /// A new alarm has no data. One that reads no data as no trouble starts OK; one that reads it as trouble (a silence alarm)
    /// must wait under a warm-up for its first data, or it pages on every new stack.
    [Theory]
    [InlineData("primary", "rate(1 minute)")]
    [InlineData("secondary", "rate(1 minute)")]
    [InlineData("secondary", "rate(1 hour)")]
    public void No_watcher_alarm_pages_on_a_fresh_deploy(string role, string probeRate)
    {
        var watchers = Watchers(TestStacks.Program(role, ("probeRate", probeRate)));

        watchers.Should().HaveCountGreaterThan(20);
        foreach (var alarm in watchers)
        {
            alarm.Prop("alarmActions").Should().NotBeNull(alarm.Name);
            var window = alarm.Number("period")! * alarm.Number("evaluationPeriods")!;
            var noDataIsNoTrouble = alarm.Text("treatMissingData") == "notBreaching"
                && alarm.Text("comparisonOperator") == "GreaterThanOrEqualToThreshold";
            var waitsForData = alarm.Number("warmUpConfiguration.warmUpPeriodDurationInMinutes") * 60 >= window;
            (noDataIsNoTrouble || waitsForData).Should().BeTrue($"{alarm.Name} would read a fresh deploy's missing data as trouble");
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
        var retriers = ((Map)((Map)((ToJson)program.Resource("workflow").Prop("definition")!).Body).Entries["States"]).Entries.Values.Cast<Map>()
            .Where(s => s.Entries.TryGetValue("Resource", out var r) && r is Str { Text: "arn:aws:states:::lambda:invoke" })
            .SelectMany(s => ((Seq)s.Entries["Retry"]).Items.Cast<Map>())
            .ToList();
        int RetriesOf(string error) => retriers
            .Where(r => ((Seq)r.Entries["ErrorEquals"]).Items.Contains(new Str(error)))
            .Select(r => (int)((Num)r.Entries["MaxAttempts"]).Number).Distinct().Should().ContainSingle().Subject;
        // A crash is a function error Lambda counts in Errors; a throttle is counted in Throttles.
        var errors = RetriesOf("Lambda.Unknown") + 1;
        var throttles = RetriesOf("Lambda.TooManyRequestsException") + 1;

        var functions = program.OfType("aws:lambda/function:Function").ToList();
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
                // One window a task's attempts fit in, counted as a sum: the errors of one task add up rather than each period alone.
                alarm.Number("period").Should().Be(300, alarm.Name);
                alarm.Number("evaluationPeriods").Should().Be(1, alarm.Name);
                alarm.Text("statistic").Should().Be("Sum", alarm.Name);
            }
        }
        program.Resource("watch-runs-failed").Number("threshold").Should().Be(1, "an error no retry absorbed fails the run: that pages at once");
    }
}
