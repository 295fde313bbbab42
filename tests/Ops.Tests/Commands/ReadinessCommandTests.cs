using System.Text.Json.Nodes;
using Failover.Contract.Readiness;
using Failover.Ops.Tests.Harness;

namespace Failover.Ops.Tests.Commands;

/// `failoverctl readiness`: on a healthy emulated pair every check of both stacks passes; each drift an outage would meet turns
/// exactly its own check to failing, and the others still pass.
public sealed class ReadinessCommandTests(MotoServer moto) : OpsWorld(moto)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await UseReadinessWorldAsync();
    }

    private static IReadOnlyList<JsonObject> Checks(Run run) => [.. run.Json["checks"]!.AsArray().Select(c => c!.AsObject())];

    private static string Status(JsonObject check) => check["status"]!.GetValue<string>();

    [Fact]
    public async Task A_healthy_pair_passes_every_check_in_both_stacks()
    {
        var run = await RunAsync("readiness", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        var checks = Checks(run);
        foreach (var stack in new[] { "secondary", "primary" })
            checks.Where(c => c["stack"]!.GetValue<string>() == stack).Select(c => c["check"]!.GetValue<string>())
                .Should().Equal(CheckNames.All, $"every check runs for {stack}, in the order CheckNames lists them");
        checks.Should().OnlyContain(c => Status(c) == "pass", run.ToString());
    }

    [Fact]
    public async Task The_table_shows_each_stacks_checks_with_their_result_and_why()
    {
        var run = await RunAsync("readiness");

        run.Exit.Should().Be(0, run.ToString());
        run.Stdout.Should().MatchRegex(@"^stack\s+check\s+result\s+why\n");
        foreach (var check in CheckNames.All)
            run.Stdout.Should().MatchRegex($@"\nsecondary\s+{check}\s+pass\s+\S").And.MatchRegex($@"\nprimary\s+{check}\s+pass\s+\S");
        run.Stdout.Should().Contain($"{2 * CheckNames.All.Count} checks pass.");
    }

    // Each drift as world.py injects it, and the one check it must turn to failing.
    [Theory]
    [InlineData("drift-image", CheckNames.SameImage)]
    [InlineData("drift-task-size", CheckNames.TaskDefinition)]
    [InlineData("drift-quota", CheckNames.FargateQuota)]
    [InlineData("drift-alarm", CheckNames.Alarms)]
    [InlineData("drift-lock", CheckNames.Lock)]
    [InlineData("drift-permission", CheckNames.RolePermissions)]
    [InlineData("drift-old-drill", CheckNames.DrillAge)]
    [InlineData("drift-slow-drill", CheckNames.DrillRecoveryTime)]
    [InlineData("drift-stacks-disagree", CheckNames.StacksAgree)]
    [InlineData("drift-secret-region", CheckNames.ImageAndSecretsReachable)]
    [InlineData("drift-gate", CheckNames.GateAgrees)]
    public async Task A_drift_turns_exactly_its_check_to_failing(string drift, string check)
    {
        await Moto.WorldAsync(drift);

        var run = await RunAsync("readiness", "--output", "json");

        run.Exit.Should().Be(1, run.ToString());
        var checks = Checks(run);
        checks.Where(c => Status(c) == "fail").Select(c => c["check"]!.GetValue<string>()).Distinct().Should().Equal([check], run.ToString());
        checks.Where(c => c["check"]!.GetValue<string>() != check).Should().OnlyContain(c => Status(c) == "pass", run.ToString());
        checks.Where(c => Status(c) == "fail").Should().OnlyContain(c => c["why"]!.GetValue<string>().Length > 0);
        run.Json["message"]!.GetValue<string>().Should().Contain(check);
        run.Stderr.Should().StartWith("error: ").And.Contain(check);
    }

    [Fact]
    public async Task The_json_result_is_one_document_with_each_checks_stack_region_status_and_why()
    {
        await Moto.WorldAsync("drift-quota");

        var run = await RunAsync("readiness", "--stack", "secondary", "--output", "json");

        run.Json["ok"]!.GetValue<bool>().Should().BeFalse();
        run.Json["exitCode"]!.GetValue<int>().Should().Be(1);
        var check = Checks(run).Should().ContainSingle(c => c["check"]!.GetValue<string>() == CheckNames.FargateQuota).Which;
        check.Select(p => p.Key).Should().Equal("stack", "region", "check", "status", "why");
        check["stack"]!.GetValue<string>().Should().Be("secondary");
        check["region"]!.GetValue<string>().Should().Be("us-west-2");
        Status(check).Should().Be("fail");
    }

    [Fact]
    public async Task Stack_runs_only_that_stacks_checks()
    {
        var run = await RunAsync("readiness", "--stack", "primary", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        Checks(run).Select(c => c["stack"]!.GetValue<string>()).Distinct().Should().Equal("primary");
    }

    [Fact]
    public async Task A_stack_that_is_not_one_of_the_pair_is_a_usage_error()
    {
        var run = await RunAsync("readiness", "--stack", "tertiary");

        run.Exit.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("--stack takes secondary or primary (got 'tertiary')");
    }

    [Fact]
    public async Task A_stack_deployed_without_a_plan_answers_unknown_for_every_check_and_exits_4()
    {
        // The item as an older deploy would leave it: no plan written.
        foreach (var region in new[] { "us-east-1", "us-west-2" })
            await PutItemAsync(new JsonObject { ["pk"] = ControlTableItems.Readiness("failover-primary") }, region);

        var run = await RunAsync("readiness", "--stack", "primary", "--output", "json");

        run.Exit.Should().Be(4, run.ToString());
        Checks(run).Select(c => c["check"]!.GetValue<string>()).Should().Equal(CheckNames.All);
        Checks(run).Should().OnlyContain(c => Status(c) == "unknown"
            && c["why"]!.GetValue<string>().Contains("has no readiness plan for failover-primary: deploy it again"));
        run.Stderr.Should().StartWith("warning: no check fails, but");
    }
}
