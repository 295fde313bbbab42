using System.Text.Json.Nodes;
using Failover.Infra.Tests.Golden;

namespace Failover.Infra.Tests.Oracles;

/// Runs tests/oracles/trigger-input.mjs once: the inputs the secondary's triggers start its workflow with, each through the
/// compiled workflow in aws-local-stepfunctions with the real `bootstrap` behind every Task, against a moto that enforces IAM.
/// The alarm rule's inputs are what moto's EventBridge delivered through the compiled input transformer (events-check.py);
/// the probe's is the compiled schedule's fixed input.
public sealed class TriggerInputRun
{
    /// A health alarm of the primary: its input is run in ALARM (and, like every trigger alarm's, back to OK).
    public const string FailingAlarm = "alarm-healthy-hosts";

    public JsonNode Result { get; }
    /// Per trigger alarm (logical name): the workflow input moto delivered when it entered ALARM.
    public IReadOnlyDictionary<string, JsonNode> AlarmInputs { get; }
    public JsonNode ProbeInput { get; }
    public string FailingAlarmName { get; }

    public TriggerInputRun()
    {
        var primaryYaml = GoldenProgramTests.CompileOffline("primary");
        var secondaryYaml = GoldenProgramTests.CompileOffline("secondary");
        var (primary, secondary) = CompiledProgram.Pair(primaryYaml, secondaryYaml);
        AlarmInputs = EventCheck.Cases(EventCheck.Shipped.Value, "secondary", "start-on-alarm-rule", "trigger-alarm-in-ALARM")
            .Where(c => EventCheck.Delivered(c.Case))
            .ToDictionary(c => EventCheck.Str(c.Case["label"]).Replace(" enters ALARM", "", StringComparison.Ordinal),
                c => At(c.Case["bodies"]![0]!, DateTimeOffset.UtcNow));
        var probeInput = secondary.Resource("probe-schedule").Prop("target.input") as string
            ?? throw new InvalidOperationException("the compiled probe schedule has no target.input");
        ProbeInput = JsonNode.Parse(CompiledProgram.Literal(probeInput) ?? probeInput)!;
        FailingAlarmName = CompiledProgram.Literal((string)primary.Resource(FailingAlarm).Properties["name"]!)!;

        var healthy = new JsonArray { Run("probe", ProbeInput) };
        foreach (var (alarm, input) in AlarmInputs) healthy.Add(Run($"{alarm}-back-to-OK", WithState(input, "OK")));
        // (No input when the rule delivered none: the pattern tests say why, and the tests here that need it fail.)
        var down = new JsonArray();
        if (AlarmInputs.TryGetValue(FailingAlarm, out var failing))
        {
            // Delivered after the trigger rules would have given up: decide must not count it.
            healthy.Add(Run($"{FailingAlarm}-in-ALARM-delivered-late", At(failing, DateTimeOffset.UtcNow.AddMinutes(-11))));
            // Stamped when it runs: the alarm entered ALARM after the world was arranged (its live state is older). With the
            // application answering it is one source against the direct probe: an alarm alone (a forged metric) moves nothing.
            healthy.Add(new JsonObject { ["name"] = $"{FailingAlarm}-in-ALARM", ["input"] = failing.DeepClone(), ["alarmEnteredNow"] = true });
            down.Add(new JsonObject { ["name"] = $"{FailingAlarm}-in-ALARM-application-down", ["input"] = failing.DeepClone(), ["alarmEnteredNow"] = true });
        }
        var plan = new JsonObject
        {
            ["worlds"] = new JsonArray
            {
                new JsonObject { ["name"] = "primary-healthy", ["runs"] = healthy },
                // The alarm that raised the event is in ALARM when decide reads it: the claim is verified.
                new JsonObject { ["name"] = "primary-down", ["primaryAlarmsInAlarm"] = new JsonArray(FailingAlarmName), ["applicationDown"] = true, ["runs"] = down },
                new JsonObject
                {
                    ["name"] = "primary-alarm-in-alarm", ["primaryAlarmsInAlarm"] = new JsonArray(FailingAlarmName), ["applicationDown"] = true,
                    ["runs"] = new JsonArray { Run("probe-while-primary-alarm-in-ALARM", ProbeInput) },
                },
            },
        };

        Result = MotoScript.RunWorkflows("trigger-input.mjs", primaryYaml, secondaryYaml, new Dictionary<string, string> { ["runs"] = plan.ToJsonString() });
    }

    private static JsonObject Run(string name, JsonNode input) => new() { ["name"] = name, ["input"] = input.DeepClone() };

    /// The request as if the alarm had changed state at `when`: AWS's sample event is from 2019, and a real alarm event is
    /// delivered within moments of the change.
    public static JsonNode At(JsonNode input, DateTimeOffset when)
    {
        var copy = input.DeepClone();
        if (copy["alarm"]?["state"] is JsonObject state) state["timestamp"] = when.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'");
        return copy;
    }

    /// The same request, with the alarm's state value changed (what the rule would deliver had the pattern let it through);
    /// a request without one is run as it is, and the tests reading its decision say what is missing.
    public static JsonNode WithState(JsonNode input, string value)
    {
        var copy = input.DeepClone();
        if (copy["alarm"]?["state"] is JsonObject state) state["value"] = value;
        return copy;
    }

    public JsonNode Execution(string name) =>
        Result["runs"]?[name] ?? throw new InvalidOperationException($"trigger-input.mjs reported no run {name}: {Explain()}");

    public string Explain() => $"findings: {Result["findings"]?.ToJsonString()}\nlogs: {Result["logs"]?.ToJsonString()}";
}

public sealed class TriggerInputTests(TriggerInputRun run) : IClassFixture<TriggerInputRun>
{
    [Fact]
    public void The_harness_ran_every_input_without_findings() =>
        run.Result["findings"]!.AsArray().Should().BeEmpty(run.Explain());

    [Fact]
    public void The_alarm_rule_turns_an_alarm_event_into_a_failover_request_naming_the_alarm_with_its_state_as_sent()
    {
        var cases = EventCheck.Cases(EventCheck.Shipped.Value, "secondary", "start-on-alarm-rule", "trigger-alarm-in-ALARM");
        cases.Should().HaveCountGreaterThanOrEqualTo(5);
        foreach (var (label, c) in cases)
        {
            var detail = c["event"]!["detail"]!;
            var name = EventCheck.Str(detail["alarmName"]);
            var expected = new JsonObject
            {
                ["action"] = "failover",
                ["source"] = $"alarm {name} in {EventCheck.Str(c["event"]!["region"])}",
                ["unattended"] = true,
                ["alarm"] = new JsonObject { ["alarmName"] = name, ["state"] = detail["state"]!.DeepClone() },
            };
            var body = c["bodies"]!.AsArray().Should().ContainSingle(label).Which;
            JsonNode.DeepEquals(body, expected).Should().BeTrue($"{label}: delivered {body?.ToJsonString()}, expected {expected.ToJsonString()}");
        }
    }

    [Fact]
    public void A_primary_alarm_entering_ALARM_fails_over_through_the_real_decide_when_the_application_does_not_answer_either()
    {
        // Two independent sources: the alarm (its event's claim verified by its live state), and decide's own probe of the application.
        run.AlarmInputs.Should().ContainKey(TriggerInputRun.FailingAlarm, "moto's EventBridge must deliver its input (see EventPatternTests)");
        var execution = run.Execution($"{TriggerInputRun.FailingAlarm}-in-ALARM-application-down");
        AcceptedByDecide(execution);
        Decision(execution).Should().Be("FAILOVER", Summary(execution));
        Evidence(execution).Should().Contain(("trigger", "UNHEALTHY", $"{run.FailingAlarmName} is ALARM: claimed by the start, verified by its live state"));
        Evidence(execution).Select(e => (e.Source, e.Verdict)).Should().Contain(("direct-probe", "UNHEALTHY"));
        execution["decide"]!["response"]!["health"]!["confirmed"]!.GetValue<bool>().Should().BeTrue();
        EventCheck.Str(execution["decide"]!["response"]!["entry"]).Should().Be("trigger");
        execution["visited"]!.AsArray().Select(s => EventCheck.Str(s)).Should().Contain("ShiftTraffic");
    }

    /// The false positive the design rules out: an alarm event in ALARM (forged, or one whose alarm has gone back to OK) while the
    /// application's health path answers: the claim is not what the alarm says when read, so it counts for nothing.
    [Fact]
    public void A_primary_alarm_event_its_live_state_denies_counts_for_nothing_while_the_application_answers()
    {
        var execution = run.Execution($"{TriggerInputRun.FailingAlarm}-in-ALARM");
        AcceptedByDecide(execution);
        Decision(execution).Should().Be("NO_ACTION", Summary(execution));
        Evidence(execution).Should().Contain(("trigger", "UNKNOWN", $"{run.FailingAlarmName} is ALARM by the start's claim, unverified (it is OK when read now): not counted"));
        Evidence(execution).Select(e => (e.Source, e.Verdict)).Should().Contain(("direct-probe", "HEALTHY"));
        execution["decide"]!["response"]!["claims"]!.AsArray().Should().Contain(c => EventCheck.Str(c!["claim"]) == "alarm" && EventCheck.Str(c["status"]) == "unverified");
        execution["visited"]!.AsArray().Select(s => EventCheck.Str(s)).Should().NotContain("ShiftTraffic");
    }

    [Fact]
    public void An_alarm_delivered_after_the_trigger_age_does_not_fail_over_a_healthy_primary()
    {
        var execution = run.Execution($"{TriggerInputRun.FailingAlarm}-in-ALARM-delivered-late");
        AcceptedByDecide(execution);
        Decision(execution).Should().Be("NO_ACTION", Summary(execution));
        Evidence(execution).Select(e => (e.Source, e.Verdict)).Should().Equal(("trigger", "UNKNOWN"), ("route53-endpoint", "HEALTHY"), ("primary-alarms", "HEALTHY"),
            ("direct-probe", "HEALTHY"), ("route53-dns", "HEALTHY"));
    }

    [Fact]
    public void Every_trigger_alarms_request_is_accepted_by_decide_and_with_state_OK_changes_nothing()
    {
        run.AlarmInputs.Should().HaveCountGreaterThanOrEqualTo(5, "moto's EventBridge delivers an input per trigger alarm (see EventPatternTests)");
        foreach (var alarm in run.AlarmInputs.Keys)
        {
            var execution = run.Execution($"{alarm}-back-to-OK");
            AcceptedByDecide(execution);
            Decision(execution).Should().Be("NO_ACTION", $"{alarm}: {Summary(execution)}");
            var name = EventCheck.Str(run.AlarmInputs[alarm]["alarm"]?["alarmName"]);
            // An alarm decide reads live (the primary's own) verifies the claim; the trigger alarms on Route 53's checks are not read
            // as alarms (decide asks Route 53 itself), so their claim is recorded as unverified, and counts for nothing either way.
            var trigger = Evidence(execution).Single(e => e.Source == "trigger");
            (trigger == ("trigger", "HEALTHY", $"{name} is OK: claimed by the start, verified by its live state")
                || (trigger.Verdict == "UNKNOWN" && trigger.Detail!.Contains("unverified (not one of the primary's alarms)", StringComparison.Ordinal)))
                .Should().BeTrue($"{alarm}: {trigger}");
        }
    }

    [Fact]
    public void The_probes_input_is_accepted_and_changes_nothing_while_the_primary_is_healthy()
    {
        var execution = run.Execution("probe");
        AcceptedByDecide(execution);
        Decision(execution).Should().Be("NO_ACTION", Summary(execution));
        EventCheck.Str(execution["decide"]!["response"]!["reason"]).Should().Be("primary is healthy");
        Evidence(execution).Select(e => e.Source).Should().Equal("route53-endpoint", "primary-alarms", "direct-probe", "route53-dns");
    }

    [Fact]
    public void The_probe_fails_over_when_a_primary_alarm_is_in_ALARM_and_the_application_does_not_answer()
    {
        var execution = run.Execution("probe-while-primary-alarm-in-ALARM");
        AcceptedByDecide(execution);
        Decision(execution).Should().Be("FAILOVER", Summary(execution));
        Evidence(execution).Should().Contain(("primary-alarms", "UNHEALTHY", $"in ALARM: {run.FailingAlarmName}"));
        Evidence(execution).Select(e => (e.Source, e.Verdict)).Should().Contain(("direct-probe", "UNHEALTHY"));
    }

    /// The run reached Decide with the input, decide answered (no InvalidInput or other error) and the run succeeded.
    private void AcceptedByDecide(JsonNode execution)
    {
        var explain = $"{Summary(execution)}; error {execution["error"]?.ToJsonString()}; states {execution["visited"]?.ToJsonString()}\n{run.Explain()}";
        execution["decide"].Should().NotBeNull($"the run never reached Decide: {explain}");
        execution["decide"]!["error"].Should().BeNull(explain);
        execution["decide"]!["response"].Should().NotBeNull(explain);
        EventCheck.Str(execution["status"]).Should().Be("SUCCEEDED", explain);
        execution["visited"]!.AsArray().Select(s => EventCheck.Str(s)).Should().NotContain(["InvalidSource", "UnsupportedAction", "OnFailure"], explain);
    }

    /// What a failed expectation shows: how the run ended and what decide answered, on which evidence.
    private static string Summary(JsonNode execution)
    {
        var response = execution["decide"]?["response"];
        return $"the run ended {EventCheck.Str(execution["status"])}; decide answered {EventCheck.Str(response?["decision"])} " +
            $"({EventCheck.Str(response?["reason"])}) on {response?["health"]?["evidence"]?.ToJsonString() ?? "no evidence"}" +
            (execution["decide"]?["error"] is { } error ? $"; decide failed: {error.ToJsonString()}" : "");
    }

    private static string Decision(JsonNode execution) => EventCheck.Str(execution["decide"]!["response"]!["decision"]);

    /// (source, verdict, detail): the detail only for the trigger and for a failing source, where it names the alarm.
    private static List<(string Source, string Verdict, string? Detail)> Evidence(JsonNode execution) =>
        [.. execution["decide"]!["response"]!["health"]!["evidence"]!.AsArray().Select(e =>
        {
            var (source, verdict) = (EventCheck.Str(e!["source"]), EventCheck.Str(e["verdict"]));
            return (source, verdict, source == "trigger" || verdict == "UNHEALTHY" ? EventCheck.Str(e["detail"]) : null);
        })];
}
