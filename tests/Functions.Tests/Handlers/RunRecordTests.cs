using System.Text.Json;
using System.Text.Json.Nodes;
using Failover.Contract.Readiness;
using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Handlers;

/// release-lock's record of a run as measured (RunRecord), at the run's final release, in the decision log.
[Collection("moto")]
public sealed class RunRecordTests(MotoServer moto)
{
    /// The workflow's stamps of a failover an alarm started: 3.5 s from the alarm to the start, 2.25 s to decide, 68 s to scale up
    /// and be ready, 0.2 s of recovery tasks, 4.55 s to flip the gate.
    private const string AlarmAt = "2026-03-01T09:59:56.500+0000";
    private const string FailoverTimings = """
        {"started":{"at":"2026-03-01T10:00:00.000Z"},"decided":{"at":"2026-03-01T10:00:02.250Z"},"ready":{"at":"2026-03-01T10:01:10.250Z"},
         "recovered":{"at":"2026-03-01T10:01:10.450Z"},"shifted":{"at":"2026-03-01T10:01:15.000Z"},"finished":{"at":"2026-03-01T10:01:16.000Z"}}
        """;
    /// A drill's: no recovery tasks, no shift.
    private const string DrillTimings = """
        {"started":{"at":"2026-03-01T11:00:00.000Z"},"decided":{"at":"2026-03-01T11:00:01.000Z"},"ready":{"at":"2026-03-01T11:00:31.500Z"},
         "finished":{"at":"2026-03-01T11:00:40.000Z"}}
        """;

    /// A run decide let act (it took the lock for it): its execution ARN and token.
    private static async Task<(string Execution, string Token)> DecidedAsync(World world, string action, string name)
    {
        var decided = await world.InvokeAsync("decide", $$"""{"action":"{{action}}","source":"ops","force":true,"executionId":"{{name}}"}""");
        decided["decision"]!.GetValue<string>().Should().Be(action.ToUpperInvariant(), decided.ToJsonString());
        return (await world.ExecutionAsync(name), decided["lockId"]!.GetValue<string>());
    }

    private static string FinalRelease(string execution, string token, string action, string outcome, string timings, string request = """{"source":"ops"}""") =>
        $$"""{"lockId":"{{token}}","executionId":"{{execution}}","action":"{{action}}","outcome":"{{outcome}}","request":{{request}},"timings":{{timings}}}""";

    private static RunRecord Parse(string json) => JsonSerializer.Deserialize(json, ReadinessJson.Default.RunRecord)!;

    private static async Task<(IReadOnlyList<RunRecord> Recent, RunRecord? LastSucceededDrill, long Version)> IndexAsync(World world)
    {
        var runs = (await world.Ask("item", ControlTableItems.Runs))!;
        return (JsonSerializer.Deserialize(runs[RunRecords.Recent]!.GetValue<string>(), ReadinessJson.Default.IReadOnlyListRunRecord)!,
            runs[RunRecords.LastSucceededDrill] is { } drill ? Parse(drill.GetValue<string>()) : null, runs[RunRecords.Version]!.GetValue<long>());
    }

    [Fact]
    public async Task A_failover_an_alarm_started_is_measured_phase_by_phase_onto_its_decision_record()
    {
        var world = await World.ArrangeAsync(moto);
        var (execution, token) = await DecidedAsync(world, "failover", "exec-1");
        var request = """{"source":"alarm primary-5xx in us-east-1","alarm":{"alarmName":"primary-5xx","state":{"value":"ALARM","timestamp":"AT"}}}""".Replace("AT", AlarmAt);

        var response = await world.InvokeAsync("release-lock", FinalRelease(execution, token, "failover", "SUCCEEDED", FailoverTimings, request));

        response["released"]!.GetValue<bool>().Should().BeTrue();
        response["recorded"]!.GetValue<bool>().Should().BeTrue(response.ToJsonString());
        var decision = (await world.Ask("item", ControlTableItems.Decision(execution)))!;
        decision["decision"]!.GetValue<string>().Should().Be("FAILOVER", "the measurement is added to decide's record, which keeps its own fields");
        var measured = Parse(decision[RunRecords.Measured]!.GetValue<string>());
        measured.Phases.Should().Equal(new Dictionary<string, double?>
        {
            [RecoveryPhases.Detection] = null, [RecoveryPhases.Trigger] = 3.5, [RecoveryPhases.Decision] = 2.25,
            [RecoveryPhases.ScaleUpAndReadiness] = 68, [RecoveryPhases.RecoveryTasks] = 0.2, [RecoveryPhases.GateFlip] = 4.55, [RecoveryPhases.DnsTtl] = null,
        });
        (measured.Execution, measured.Action, measured.Stack, measured.Outcome, measured.Source, measured.StartedAt)
            .Should().Be((execution, "failover", "failover-secondary", "SUCCEEDED", "alarm primary-5xx in us-east-1", "2026-03-01T10:00:00.000Z"));
        (await IndexAsync(world)).Recent.Should().ContainSingle().Which.Should().BeEquivalentTo(measured);
    }

    [Fact]
    public async Task A_run_no_alarm_started_has_no_trigger_phase_and_a_drill_has_no_recovery_tasks_nor_gate_flip()
    {
        var world = await World.ArrangeAsync(moto);
        var (execution, token) = await DecidedAsync(world, "drill", "drill-1");

        await world.InvokeAsync("release-lock", FinalRelease(execution, token, "drill", "SUCCEEDED", DrillTimings));

        var measured = Parse((await world.Ask("item", ControlTableItems.Decision(execution)))![RunRecords.Measured]!.GetValue<string>());
        measured.Phases.Where(p => p.Value is not null).Should().Equal(new Dictionary<string, double?>
        {
            [RecoveryPhases.Decision] = 1, [RecoveryPhases.ScaleUpAndReadiness] = 30.5,
        });
        measured.Phases.Keys.Should().Equal(RecoveryPhases.All, "every phase is in the record, null when not measured");
    }

    [Fact]
    public async Task The_run_index_keeps_the_newest_first_and_at_most_Kept_runs()
    {
        var world = await World.ArrangeAsync(moto);
        var older = Enumerable.Range(1, RunRecords.Kept).Reverse().Select(i => new RunRecord
        {
            Execution = $"old-{i}", Action = "drill", Stack = "failover-secondary", Outcome = "SUCCEEDED", Source = "ops",
            StartedAt = $"2026-02-{i % 28 + 1:00}T00:00:00.000Z", FinishedAt = $"2026-02-{i % 28 + 1:00}T00:01:00.000Z",
            Phases = RecoveryPhases.All.ToDictionary(p => p, _ => (double?)null),
        }).ToList();
        await world.Ask("put-item", new JsonObject
        {
            ["pk"] = ControlTableItems.Runs, [RunRecords.Recent] = JsonSerializer.Serialize<IReadOnlyList<RunRecord>>(older, ReadinessJson.Default.IReadOnlyListRunRecord),
            [RunRecords.Version] = 7,
        }.ToJsonString());
        var (execution, token) = await DecidedAsync(world, "failover", "exec-1");

        await world.InvokeAsync("release-lock", FinalRelease(execution, token, "failover", "SUCCEEDED", FailoverTimings));

        var (recent, _, version) = await IndexAsync(world);
        recent.Select(r => r.Execution).Should().Equal([execution, .. older.Take(RunRecords.Kept - 1).Select(r => r.Execution)],
            "the new run first, then the others newest first; the oldest (old-1) dropped");
        version.Should().Be(8);
    }

    [Fact]
    public async Task A_repeated_final_release_records_the_run_once_in_the_index()
    {
        var world = await World.ArrangeAsync(moto);
        var (execution, token) = await DecidedAsync(world, "failover", "exec-1");
        var release = FinalRelease(execution, token, "failover", "FAILED", FailoverTimings);
        await world.InvokeAsync("release-lock", release);

        var again = await world.InvokeAsync("release-lock", release);

        again["recorded"]!.GetValue<bool>().Should().BeTrue();
        (await IndexAsync(world)).Recent.Should().ContainSingle().Which.Outcome.Should().Be("FAILED");
    }

    [Fact]
    public async Task Only_a_drill_that_succeeded_becomes_the_last_succeeded_drill()
    {
        var world = await World.ArrangeAsync(moto);
        var (passed, passedToken) = await DecidedAsync(world, "drill", "drill-1");
        await world.InvokeAsync("release-lock", FinalRelease(passed, passedToken, "drill", "SUCCEEDED", DrillTimings));
        var (failed, failedToken) = await DecidedAsync(world, "drill", "drill-2");

        await world.InvokeAsync("release-lock", FinalRelease(failed, failedToken, "drill", "FAILED", DrillTimings));

        var (recent, lastSucceededDrill, _) = await IndexAsync(world);
        recent.Select(r => (r.Execution, r.Outcome)).Should().Equal((failed, "FAILED"), (passed, "SUCCEEDED"));
        lastSucceededDrill!.Execution.Should().Be(passed);
    }

    [Fact]
    public async Task A_failover_that_succeeded_is_no_drill()
    {
        var world = await World.ArrangeAsync(moto);
        var (execution, token) = await DecidedAsync(world, "failover", "exec-1");

        await world.InvokeAsync("release-lock", FinalRelease(execution, token, "failover", "SUCCEEDED", FailoverTimings));

        (await IndexAsync(world)).LastSucceededDrill.Should().BeNull();
    }

    [Fact]
    public async Task A_last_succeeded_drill_edited_into_no_run_record_is_replaced_by_the_next_record()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("put-item", $$"""{"pk":"{{ControlTableItems.Runs}}","{{RunRecords.Recent}}":"[]","{{RunRecords.LastSucceededDrill}}":"half a record","{{RunRecords.Version}}":1}""");
        var (execution, token) = await DecidedAsync(world, "failover", "exec-1");

        await world.InvokeAsync("release-lock", FinalRelease(execution, token, "failover", "SUCCEEDED", FailoverTimings));

        var (recent, lastSucceededDrill, _) = await IndexAsync(world);
        recent.Select(r => r.Execution).Should().Equal(execution);
        lastSucceededDrill.Should().BeNull();
    }

    [Fact]
    public async Task A_record_that_cannot_be_written_still_releases_the_lock_and_says_why()
    {
        var world = await World.ArrangeAsync(moto);
        var (execution, token) = await DecidedAsync(world, "failover", "exec-1");

        var response = await world.InvokeAsync("release-lock", FinalRelease(execution, token, "failover", "SUCCEEDED", FailoverTimings),
            new Dictionary<string, string> { ["DECISION_TABLE_NAME"] = "no-such-table" });

        response["released"]!.GetValue<bool>().Should().BeTrue();
        response["stateRecorded"]!.GetValue<bool>().Should().BeTrue();
        response["recorded"]!.GetValue<bool>().Should().BeFalse();
        response["reason"]!.GetValue<string>().Should().Contain("run not recorded").And.Contain("ResourceNotFoundException").And.Contain("the lock is released all the same");
        (await world.Ask("lock")).Should().BeNull();
        (await world.Ask("item", "state"))!["activeRegion"]!.GetValue<string>().Should().Be("us-west-2");
    }

    [Fact]
    public async Task A_release_of_no_lock_of_this_runs_and_a_renewal_record_nothing()
    {
        var world = await World.ArrangeAsync(moto);
        var (execution, token) = await DecidedAsync(world, "failover", "exec-1");

        var renewed = await world.InvokeAsync("release-lock", $$"""{"lockId":"{{token}}","executionId":"{{execution}}","action":"failover","outcome":"RENEW","leaseSeconds":600}""");
        var intruder = await world.InvokeAsync("release-lock", FinalRelease(execution, "intruder", "failover", "SUCCEEDED", FailoverTimings));

        (renewed["recorded"]!.GetValue<bool>(), intruder["recorded"]!.GetValue<bool>(), intruder["released"]!.GetValue<bool>()).Should().Be((false, false, false));
        (await world.Ask("item", ControlTableItems.Runs)).Should().BeNull();
        (await world.Ask("item", ControlTableItems.Decision(execution)))![RunRecords.Measured].Should().BeNull();
    }
}
