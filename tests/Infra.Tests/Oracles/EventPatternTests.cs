using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Failover.Infra.Tests.Golden;

namespace Failover.Infra.Tests.Oracles;

/// Runs tests/oracles/events-check.py: each compiled EventBridge rule is created in moto with its compiled pattern (and input
/// transformer), targeting a queue, and AWS's documented sample events (the compiled alarm and state machine ARNs substituted)
/// are put on the bus; what arrives in the queue is what the rule matched and what its target would have received.
internal static class EventCheck
{
    /// A pair in which neither region is us-east-1 (Route 53's metrics region): the primary forwards from there too.
    public static readonly (string Key, string? Value)[] EuropePrimary = [("aws:region", "eu-west-1"), ("peerRegion", "eu-west-2")];
    public static readonly (string Key, string? Value)[] EuropeSecondary = [("aws:region", "eu-west-2"), ("peerRegion", "eu-west-1")];

    /// The shipped stacks: read by the pattern tests and by the trigger-input runs.
    public static readonly Lazy<JsonNode> Shipped = new(() =>
        Run(GoldenProgramTests.CompileOffline("primary"), GoldenProgramTests.CompileOffline("secondary")));

    /// Neither region is us-east-1: a second forwarder runs there for the Route 53 status alarms.
    public static readonly Lazy<JsonNode> Europe = new(() =>
        Run(TestStacks.Yaml("primary", EuropePrimary), TestStacks.Yaml("secondary", EuropeSecondary)));

    public static JsonNode For(string pair) => pair switch
    {
        "shipped" => Shipped.Value,
        "europe" => Europe.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(pair), pair, "shipped or europe"),
    };

    public static JsonNode Run(string primaryYaml, string secondaryYaml)
    {
        RequireMoto();
        var dir = Directory.CreateTempSubdirectory("failover-events-").FullName;
        try
        {
            var primary = Path.Combine(dir, "primary.yaml");
            var secondary = Path.Combine(dir, "secondary.yaml");
            File.WriteAllText(primary, primaryYaml);
            File.WriteAllText(secondary, secondaryYaml);
            return Python(["--json", primary, secondary], allowFindings: true);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// botocore's documentation of Scheduler's ScheduleExpression (CreateSchedule): {documentation, botocore}.
    public static JsonNode SchedulerDoc()
    {
        RequireMoto();
        return Python(["scheduler-doc"], allowFindings: false);
    }

    private static JsonNode Python(string[] args, bool allowFindings)
    {
        var start = new ProcessStartInfo("python3", [Repo.Path("tests", "oracles", "events-check.py"), .. args])
        {
            WorkingDirectory = Repo.Path("tests", "oracles"), RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(300_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("events-check.py took over 5 minutes");
        }
        // Exit 1 is "findings", reported in the JSON; anything else is the check itself failing.
        if ((process.ExitCode != 0 && !(allowFindings && process.ExitCode == 1)) || stdout.Result.Trim().Length == 0)
            throw new InvalidOperationException($"events-check.py {string.Join(' ', args.Take(1))} failed (exit {process.ExitCode}): {stderr.Result}");
        return JsonNode.Parse(stdout.Result) ?? throw new InvalidOperationException($"events-check.py printed no result: {stderr.Result}");
    }

    private static void RequireMoto() =>
        MotoScript.RequireMoto("import moto, boto3, yaml, jsonpath_ng", "The event pattern check runs moto's EventBridge");

    public static IEnumerable<JsonNode> Rules(JsonNode report, string? stack = null, string? rule = null) =>
        report["rules"]!.AsArray().Select(r => r!)
            .Where(r => (stack is null || Str(r["stack"]) == stack) && (rule is null || Regex.IsMatch(Str(r["rule"]), $"^{rule}$")));

    /// The cases of the matching rules in the given groups, each with its rule's name in front of its label.
    public static List<(string Label, JsonNode Case)> Cases(JsonNode report, string? stack, string? rule, params string[] groups) =>
        [.. Rules(report, stack, rule).SelectMany(r => r["cases"]!.AsArray().Select(c => c!)
            .Where(c => groups.Contains(Str(c["group"])))
            .Select(c => ($"{Str(r["stack"])} {Str(r["rule"])}: {Str(c["label"])}", c)))];

    public static string Str(JsonNode? node) => node?.GetValue<string>() ?? "";

    public static bool Delivered(JsonNode c) => c["delivered"]!.GetValue<bool>();

    /// A case as a failure message shows it: its label, and what moto said if delivery failed.
    public static string Describe((string Label, JsonNode Case) c) => c.Case["error"] is { } error ? $"{c.Label} ({Str(error)})" : c.Label;
}

/// Which events reach each rule's target, and in what form.
public sealed class EventPatternTests
{
    private const string AlarmRules = "forward-(alarms|route53)-rule|start-on-alarm-rule";

    public static TheoryData<string> Pairs => new("shipped", "europe");

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Every_rule_of_both_stacks_is_checked_against_sample_events(string pair)
    {
        var report = EventCheck.For(pair);
        report["findings"]!.AsArray().Select(f => EventCheck.Str(f)).ShouldBeNone("every rule must have a target, sample events and a readable pattern");
        var (primary, secondary) = Programs(pair);
        var compiled = new[] { ("primary", primary), ("secondary", secondary) }
            .SelectMany(p => p.Item2.OfType("aws:cloudwatch/eventRule:EventRule").Select(r => $"{p.Item1} {r.Name}"));
        EventCheck.Rules(report).Select(r => $"{EventCheck.Str(r["stack"])} {EventCheck.Str(r["rule"])}").Should().BeEquivalentTo(compiled);
    }

    /// Over every rule and every sample event: each delivered exactly when it should be (the tests below name the groups).
    [Theory]
    [MemberData(nameof(Pairs))]
    public void No_rule_misses_an_event_it_is_for_or_takes_one_it_is_not(string pair) =>
        EventCheck.For(pair)["mismatches"]!.AsArray().Select(m => EventCheck.Str(m)).Should().BeEmpty();

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Every_trigger_alarm_of_the_primary_entering_ALARM_is_forwarded_to_the_secondary(string pair) =>
        EveryTriggerAlarmIsDelivered(pair, "primary", "forward-(alarms|route53)-rule");

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Every_trigger_alarm_of_the_primary_entering_ALARM_starts_the_secondarys_workflow(string pair) =>
        EveryTriggerAlarmIsDelivered(pair, "secondary", "start-on-alarm-rule");

    [Theory]
    [MemberData(nameof(Pairs))]
    public void A_trigger_alarm_returning_to_OK_or_INSUFFICIENT_DATA_starts_nothing(string pair) =>
        NoneDelivered(pair, null, AlarmRules, "trigger-alarm-in-OK", "trigger-alarm-in-INSUFFICIENT_DATA");

    [Theory]
    [MemberData(nameof(Pairs))]
    public void No_other_alarm_starts_anything_not_even_one_named_like_a_trigger(string pair) =>
        NoneDelivered(pair, null, AlarmRules, "watcher-alarm", "lookalike-alarm", "same-name-other-region", "own-health-alarm");

    [Theory]
    [MemberData(nameof(Pairs))]
    public void The_secondarys_own_health_alarms_do_not_start_a_failover_into_it(string pair) =>
        NoneDelivered(pair, "secondary", "start-on-alarm-rule", "own-health-alarm");

    [Theory]
    [MemberData(nameof(Pairs))]
    public void An_event_from_another_source_or_of_another_detail_type_matches_no_rule(string pair) =>
        NoneDelivered(pair, null, null, "other-source", "other-detail-type");

    [Theory]
    [MemberData(nameof(Pairs))]
    public void A_run_of_the_stacks_own_workflow_ending_FAILED_TIMED_OUT_or_ABORTED_is_told(string pair)
    {
        foreach (var stack in new[] { "primary", "secondary" })
        {
            var cases = EventCheck.Cases(EventCheck.For(pair), stack, "run-ended-rule", "run-FAILED", "run-TIMED_OUT", "run-ABORTED");
            cases.Should().HaveCount(3, $"the {stack}'s run-ended rule is checked with each status");
            cases.Where(c => !EventCheck.Delivered(c.Case)).Select(EventCheck.Describe).ShouldBeNone("each must reach the topic");
        }
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void A_run_that_succeeded_or_is_still_running_is_not_told(string pair) =>
        NoneDelivered(pair, null, "run-ended-rule", "run-SUCCEEDED", "run-RUNNING");

    [Theory]
    [MemberData(nameof(Pairs))]
    public void A_failed_run_of_another_state_machine_is_not_told(string pair) =>
        NoneDelivered(pair, null, "run-ended-rule", "other-state-machine", "lookalike-state-machine");

    [Theory]
    [MemberData(nameof(Pairs))]
    public void The_forwarded_alarm_event_reaches_the_secondarys_bus_unchanged(string pair)
    {
        var cases = EventCheck.Cases(EventCheck.For(pair), "primary", "forward-(alarms|route53)-rule", "trigger-alarm-in-ALARM");
        cases.Should().NotBeEmpty();
        foreach (var (label, c) in cases)
        {
            var sent = c["event"]!;
            var got = c["bodies"]!.AsArray().Should().ContainSingle(label).Which!;
            foreach (var field in new[] { "source", "detail-type", "region", "resources", "detail", "time" })
                JsonNode.DeepEquals(got[field], sent[field]).Should().BeTrue($"{label}: `{field}` arrives as sent ({got[field]?.ToJsonString()} vs {sent[field]?.ToJsonString()})");
        }
    }

    /// moto fills a template as AWS does in two forms only: a string variable inside quotes (inserted as it is) and an object
    /// variable outside quotes (inserted as JSON). Another form (a string left unquoted, which AWS quotes; an object inside
    /// quotes) would make moto's delivery, and the tests that read it, differ from AWS's.
    [Theory]
    [MemberData(nameof(Pairs))]
    public void Every_input_transformer_variable_is_a_quoted_string_or_an_unquoted_object(string pair)
    {
        var forms = EventCheck.Rules(EventCheck.For(pair)).SelectMany(r => r["templateForms"]!.AsArray()
            .Select(f => (Rule: $"{EventCheck.Str(r["stack"])} {EventCheck.Str(r["rule"])}", Form: f!))).ToList();
        forms.Should().Contain(f => f.Rule.EndsWith("start-on-alarm-rule", StringComparison.Ordinal)).And.Contain(f => f.Rule.EndsWith("run-ended-rule", StringComparison.Ordinal));
        forms.Where(f => !f.Form["agree"]!.GetValue<bool>())
            .Select(f => $"{f.Rule}: <{EventCheck.Str(f.Form["variable"])}> is a {EventCheck.Str(f.Form["kind"])} {(f.Form["quoted"]!.GetValue<bool>() ? "inside" : "outside")} quotes")
            .ShouldBeNone("moto and AWS would fill these differently");
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void The_run_ended_notice_is_one_plain_sentence_naming_the_run_its_status_and_its_history_link(string pair)
    {
        var cases = EventCheck.Cases(EventCheck.For(pair), null, "run-ended-rule", "run-FAILED", "run-TIMED_OUT", "run-ABORTED");
        cases.Should().HaveCount(6);
        foreach (var (label, c) in cases)
        {
            var detail = c["event"]!["detail"]!;
            var region = EventCheck.Str(c["event"]!["region"]);
            var body = c["bodies"]!.AsArray().Should().ContainSingle(label).Which;
            body.Should().BeAssignableTo<JsonValue>($"{label}: the notice is a JSON string, not an object: {body?.ToJsonString()}");
            var sentence = body!.GetValue<string>();
            sentence.Should().Contain(EventCheck.Str(detail["name"])).And.Contain($"ended {EventCheck.Str(detail["status"])} ")
                .And.Contain($"https://{region}.console.aws.amazon.com/states/home?region={region}#/v2/executions/details/{EventCheck.Str(detail["executionArn"])}");
            sentence.Should().NotContainAny("\n", "\r").And.NotMatchRegex("<[A-Za-z0-9_.-]+>", "every placeholder is filled");
        }
    }

    /// The other stack's metric gate is switched in this stack's region: each of its moves reaches this stack's topic as one
    /// sentence that says which gate, where and which way; nothing else does.
    [Theory]
    [MemberData(nameof(Pairs))]
    public void Each_stack_tells_its_topic_when_the_gate_switched_in_its_region_closes_or_opens(string pair)
    {
        foreach (var (stack, watched) in new[] { ("primary", "failover-secondary"), ("secondary", "failover-primary") })
        {
            var moves = EventCheck.Cases(EventCheck.For(pair), stack, "gate-moved-rule", "gate-ALARM", "gate-OK");
            moves.Should().HaveCount(2, $"the {stack}'s gate rule is checked with both moves");
            foreach (var (label, c) in moves)
            {
                EventCheck.Delivered(c).Should().BeTrue(label);
                var sentence = c["bodies"]!.AsArray().Should().ContainSingle(label).Which!.GetValue<string>();
                sentence.Should().Contain($"Traffic gate {watched}-traffic-gate in {EventCheck.Str(c["event"]!["region"])} is {EventCheck.Str(c["event"]!["detail"]!["state"]!["value"])} since ")
                    .And.NotMatchRegex("<[A-Za-z0-9_.-]+>", "every placeholder is filled");
            }
        }
        NoneDelivered(pair, null, "gate-moved-rule", "gate-INSUFFICIENT_DATA", "lookalike-alarm", "same-name-other-region", "other-source", "other-alarm");
    }

    private static void EveryTriggerAlarmIsDelivered(string pair, string stack, string rule)
    {
        var (primary, _) = Programs(pair);
        var triggers = primary.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").Where(a => a.Name.StartsWith("alarm-", StringComparison.Ordinal))
            .Select(a => $"{a.Name} enters ALARM").ToList();
        triggers.Should().HaveCountGreaterThanOrEqualTo(5, "three health alarms and two Route 53 status alarms");
        var cases = EventCheck.Cases(EventCheck.For(pair), stack, rule, "trigger-alarm-in-ALARM");
        cases.Select(c => EventCheck.Str(c.Case["label"])).Should().BeEquivalentTo(triggers);
        cases.Where(c => !EventCheck.Delivered(c.Case)).Select(EventCheck.Describe).ShouldBeNone("each trigger alarm entering ALARM must be delivered");
    }

    private static void NoneDelivered(string pair, string? stack, string? rule, params string[] groups)
    {
        var cases = EventCheck.Cases(EventCheck.For(pair), stack, rule, groups);
        cases.Should().NotBeEmpty($"the check sends events of {string.Join(", ", groups)}");
        cases.Where(c => EventCheck.Delivered(c.Case)).Select(c => c.Label).ShouldBeNone("none of these may reach a target");
    }

    private static (CompiledProgram Primary, CompiledProgram Secondary) Programs(string pair) => pair == "shipped" ? Shipped.Value : Europe.Value;

    private static readonly Lazy<(CompiledProgram, CompiledProgram)> Shipped =
        new(() => CompiledProgram.Pair(GoldenProgramTests.CompileOffline("primary"), GoldenProgramTests.CompileOffline("secondary")));

    private static readonly Lazy<(CompiledProgram, CompiledProgram)> Europe =
        new(() => CompiledProgram.Pair(TestStacks.Yaml("primary", EventCheck.EuropePrimary), TestStacks.Yaml("secondary", EventCheck.EuropeSecondary)));
}
