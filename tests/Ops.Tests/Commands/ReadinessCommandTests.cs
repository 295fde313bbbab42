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

    /// Each stack's part of the JSON result, by its Pulumi name.
    private static JsonObject Stack(Run run, string stack) =>
        run.Json["stacks"]!.AsArray().Single(s => s!["pulumiStack"]!.GetValue<string>() == stack)!.AsObject();

    /// Every check of every stack shown, with the stack's Pulumi name beside it.
    private static IReadOnlyList<(string Stack, JsonObject Check)> Checks(Run run) =>
        [.. run.Json["stacks"]!.AsArray().SelectMany(s => s!["results"]!.AsArray().Select(c => (s["pulumiStack"]!.GetValue<string>(), c!.AsObject())))];

    private static string Name(JsonObject check) => check["check"]!.GetValue<string>();

    private static string Status(JsonObject check) => check["status"]!.GetValue<string>();

    [Fact]
    public async Task A_healthy_pair_passes_every_check_in_both_stacks()
    {
        var run = await RunAsync("readiness", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        run.Json["stacks"]!.AsArray().Select(s => s!["pulumiStack"]!.GetValue<string>()).Should().Equal(["secondary", "primary"], "the failover's checks first");
        foreach (var stack in new[] { "secondary", "primary" })
            Checks(run).Where(c => c.Stack == stack).Select(c => Name(c.Check))
                .Should().Equal(CheckNames.All, $"every check runs for {stack}, in the order CheckNames lists them");
        Checks(run).Should().OnlyContain(c => Status(c.Check) == "pass", run.ToString());
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
        var checks = Checks(run).Select(c => c.Check).ToList();
        checks.Where(c => Status(c) == "fail").Select(Name).Distinct().Should().Equal([check], run.ToString());
        checks.Where(c => Name(c) != check).Should().OnlyContain(c => Status(c) == "pass", run.ToString());
        checks.Where(c => Status(c) == "fail").Should().OnlyContain(c => c["why"]!.GetValue<string>().Length > 0);
        run.Json["message"]!.GetValue<string>().Should().Contain(check);
        run.Stderr.Should().StartWith("error: ").And.Contain(check);
    }

    [Fact]
    public async Task The_json_result_is_each_stacks_readiness_report_with_where_it_ran()
    {
        await Moto.WorldAsync("drift-quota");

        var run = await RunAsync("readiness", "--stack", "secondary", "--output", "json");

        run.Json["ok"]!.GetValue<bool>().Should().BeFalse();
        run.Json["exitCode"]!.GetValue<int>().Should().Be(1);
        var stack = Stack(run, "secondary");
        stack.Select(p => p.Key).Should().Equal("stack", "passing", "failing", "unknown", "results", "pulumiStack", "region");
        stack["stack"]!.GetValue<string>().Should().Be("failover-secondary", "the readiness function's report names the stack by its prefix");
        stack["region"]!.GetValue<string>().Should().Be("us-west-2");
        stack["failing"]!.GetValue<int>().Should().Be(1);
        stack["passing"]!.GetValue<int>().Should().Be(CheckNames.All.Count - 1);
        var check = stack["results"]!.AsArray().Select(c => c!.AsObject()).Should().ContainSingle(c => Name(c) == CheckNames.FargateQuota).Which;
        check.Select(p => p.Key).Should().Equal("check", "status", "why");
        Status(check).Should().Be("fail");
    }

    [Fact]
    public async Task Stack_runs_only_that_stacks_checks()
    {
        var run = await RunAsync("readiness", "--stack", "primary", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        run.Json["stacks"]!.AsArray().Should().ContainSingle().Which!["pulumiStack"]!.GetValue<string>().Should().Be("primary");
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
        // As before a deploy of this version: no plan item.
        foreach (var region in new[] { "us-east-1", "us-west-2" })
            await Moto.WorldAsync("delete-item", ControlTableItems.Readiness("failover-primary"), region);

        var run = await RunAsync("readiness", "--stack", "primary", "--output", "json");

        run.Exit.Should().Be(4, run.ToString());
        Checks(run).Select(c => Name(c.Check)).Should().Equal(CheckNames.All);
        Checks(run).Should().OnlyContain(c => Status(c.Check) == "unknown"
            && c.Check["why"]!.GetValue<string>().Contains("has no readiness plan for failover-primary: deploy it again"));
        run.Stderr.Should().StartWith("warning: no check fails, but");
    }
}
