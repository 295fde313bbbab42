using System.Text.Json;
using Failover.Contract.Readiness;
using Failover.Functions.Handlers;
using Failover.Functions.Runtime;
using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Handlers;

/// The scheduled readiness function: it checks the plan Pulumi wrote for its stack and tells CloudWatch what it found.
[Collection("moto")]
public sealed class ReadinessHandlerTests(MotoServer moto)
{
    [Fact]
    public async Task A_run_reads_its_stacks_plan_and_publishes_the_count_of_failing_checks_for_that_stack()
    {
        var world = await World.ArrangeAsync(moto);
        await world.PutReadinessPlanAsync(SamplePlans.Secondary);
        await world.PutReadinessPlanAsync(SamplePlans.Primary);

        var response = await world.InvokeAsync(HandlerNames.Readiness, """{"source":"schedule failover-secondary-readiness"}""");

        var report = response.Deserialize(ReadinessJson.Default.ReadinessReport)!;
        report.Stack.Should().Be("failover-secondary");
        (report.Passing + report.Failing + report.Unknown).Should().Be(report.Results.Count);
        var metrics = await world.ReadinessMetricsAsync();
        var failing = metrics.Should().ContainSingle(m => m.Metric == ReadinessMetrics.ChecksFailing).Which;
        failing.Dimensions.Should().Equal(new Dictionary<string, string> { ["Stack"] = "failover-secondary" });
        failing.Value.Should().Be(report.Failing);
        // One CheckUnknown per check, each naming its stack and check: the dashboard's rows.
        metrics.Where(m => m.Metric == ReadinessMetrics.CheckUnknown).Select(m => m.Dimensions["Check"])
            .Should().BeEquivalentTo(report.Results.Select(r => r.Check));
    }

    [Fact]
    public async Task Without_its_own_plan_a_run_is_a_configuration_error_that_names_the_item_and_publishes_nothing()
    {
        var world = await World.ArrangeAsync(moto);
        await world.PutReadinessPlanAsync(SamplePlans.Primary);

        var act = () => world.InvokeAsync(HandlerNames.Readiness, "{}");

        var error = (await act.Should().ThrowAsync<ConfigurationException>()).Which;
        error.Message.Should().Contain("readiness#failover-secondary").And.Contain("pulumi up");
        (await world.ReadinessMetricsAsync()).Should().BeEmpty("a stack that could not be checked neither passes nor fails");
    }

    [Fact]
    public async Task A_plan_item_that_holds_no_plan_is_a_configuration_error_not_a_missing_plan()
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("put-raw-item", """{"pk":{"S":"readiness#failover-secondary"},"plan":{"S":"{\"stack\":"}}""", "us-west-2");

        var act = () => world.InvokeAsync(HandlerNames.Readiness, "{}");

        (await act.Should().ThrowAsync<ConfigurationException>()).Which.Message.Should().Contain("is not a readiness plan");
    }

    [Fact]
    public void Each_check_publishes_whether_it_failed_and_whether_it_could_not_tell_and_an_unknown_one_counts_neither_way()
    {
        CheckResult Result(string check, CheckStatus status) => new() { Check = check, Status = status, Why = "because" };

        var data = ReadinessHandler.MetricData("failover-secondary",
            [Result(CheckNames.SameImage, CheckStatus.Fail), Result(CheckNames.Lock, CheckStatus.Pass), Result(CheckNames.FargateQuota, CheckStatus.Unknown)]);

        data.Select(d => (d.Name, Check: d.Dimensions.SingleOrDefault(x => x.Name == "Check").Value, d.Value)).Should().BeEquivalentTo(new[]
        {
            (ReadinessMetrics.CheckFailed, CheckNames.SameImage, 1.0), (ReadinessMetrics.CheckUnknown, CheckNames.SameImage, 0.0),
            (ReadinessMetrics.CheckFailed, CheckNames.Lock, 0.0), (ReadinessMetrics.CheckUnknown, CheckNames.Lock, 0.0),
            (ReadinessMetrics.CheckUnknown, CheckNames.FargateQuota, 1.0),
            (ReadinessMetrics.ChecksFailing, (string?)null, 1.0),
        }, o => o.WithStrictOrdering());
        data.Should().OnlyContain(d => d.Dimensions.Any(x => x.Name == "Stack" && x.Value == "failover-secondary"));
    }
}
