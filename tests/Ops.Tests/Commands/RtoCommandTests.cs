using Failover.Ops.Tests.Harness;
using Compiler = Failover.Infra.Compiler;

namespace Failover.Ops.Tests.Commands;

/// `failoverctl rto`: the compiler's own budget for both stacks, read offline from their config, and the standby's cost.
public sealed class RtoCommandTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("rto-project-").FullName;

    public RtoCommandTests()
    {
        foreach (var file in new[] { "Pulumi.yaml", "Pulumi.primary.yaml", "Pulumi.secondary.yaml" })
            File.Copy(Repo.Path(file), Path.Combine(_project, file));
    }

    public void Dispose()
    {
        try { Directory.Delete(_project, recursive: true); } catch (IOException) { }
    }

    private async Task<Run> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new Failover.Ops.Cli.OpsContext
        {
            Environment = new Dictionary<string, string> { ["PATH"] = "/nonexistent" }, Out = stdout, Err = stderr, WorkingDirectory = _project,
        };
        var exit = await Failover.Ops.Cli.Cli.RunAsync(args, context);
        return new Run(exit, stdout.ToString(), stderr.ToString());
    }

    /// What the compiler prints on stderr when it compiles the stack offline: the breakdown before any warning.
    private string CompilerBreakdown(string stack)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Compiler.Run(["--stack", stack], _ => null, stdout, stderr, _project).Should().Be(0, stderr.ToString());
        var text = stderr.ToString();
        return text[text.IndexOf("Recovery time budget", StringComparison.Ordinal)..].Split("\nwarning:")[0].TrimEnd();
    }

    [Fact]
    public async Task Both_budgets_are_the_ones_the_compiler_prints_and_no_AWS_or_Pulumi_is_needed()
    {
        var run = await RunAsync("rto");

        run.Exit.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain(CompilerBreakdown("secondary"));
        run.Stdout.Should().Contain(CompilerBreakdown("primary"));
        run.Stdout.IndexOf("(failover into us-west-2)", StringComparison.Ordinal)
            .Should().BeLessThan(run.Stdout.IndexOf("(failback into us-east-1)", StringComparison.Ordinal), "the failover is what people ask about first");
    }

    [Fact]
    public async Task The_standby_cost_is_shown_warm_against_pilot_light_with_its_prices()
    {
        var run = await RunAsync("rto");

        run.Stdout.Should().Contain("warm standby       $21.67").And.Contain("pilot light         $0.00").And.Contain("$0.04048 per vCPU-hour");
    }

    [Fact]
    public async Task Json_gives_each_budget_and_the_cost_as_numbers()
    {
        var run = await RunAsync("rto", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        var failover = run.Json["budgets"]!.AsArray()[0]!;
        failover["action"]!.GetValue<string>().Should().Be("failover");
        failover["boundSeconds"]!.GetValue<int>().Should().Be(failover["phases"]!.AsArray().Sum(p => p!["boundSeconds"]!.GetValue<int>()));
        failover["objectiveSeconds"]!.GetValue<int>().Should().Be(1800);
        run.Json["standbyCost"]!["differenceUsd"]!.GetValue<decimal>().Should().Be(21.67m);
    }

    [Fact]
    public async Task A_budget_over_the_objective_exits_with_the_compilers_code_naming_the_key_as_the_compiler_does()
    {
        File.AppendAllText(Path.Combine(_project, "Pulumi.secondary.yaml"), "  failover:rtoObjectiveMinutes: \"15\"\n");

        var run = await RunAsync("rto");

        run.Exit.Should().Be(Compiler.OverRecoveryObjective, run.ToString());
        Compiler.Run(["--stack", "secondary"], _ => null, TextWriter.Null, TextWriter.Null, _project).Should().Be(run.Exit, "the same finding, the same code");
        run.Stderr.Should().StartWith("error: failover:rtoObjectiveMinutes is 15 min (900 s), but the modelled worst-case failover of stack 'secondary' takes 1290 s");
        run.Stdout.Should().Contain("the bound exceeds it by 6 min 30 s", "the breakdown still shows where the time goes");
    }

    [Fact]
    public async Task An_objective_set_in_Pulumi_yaml_is_named_there_as_the_compiler_names_it()
    {
        var project = Path.Combine(_project, "Pulumi.yaml");
        File.WriteAllText(project, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(project), @"(\n  rtoObjectiveMinutes:\n(?:    .*\n)*?    default: )30\n", "${1}15\n"));

        var run = await RunAsync("rto");

        run.Exit.Should().Be(Compiler.OverRecoveryObjective, run.ToString());
        var compiler = new StringWriter();
        Compiler.Run(["--stack", "secondary"], _ => null, TextWriter.Null, compiler, _project);
        var refusal = run.Stderr.Split('\n').Single(l => l.StartsWith("error: ", StringComparison.Ordinal));
        refusal.Should().Contain(" in Pulumi.yaml: ", "no stack file sets it: `pulumi config set` would not lower the project's default");
        compiler.ToString().Split('\n').Should().Contain(refusal, "the same finding, in the same words");
    }

    [Fact]
    public async Task A_budget_over_the_objective_with_json_is_one_document_saying_so()
    {
        File.AppendAllText(Path.Combine(_project, "Pulumi.secondary.yaml"), "  failover:rtoObjectiveMinutes: \"15\"\n");

        var run = await RunAsync("rto", "--output", "json");

        run.Exit.Should().Be(5, run.ToString());
        run.Json["ok"]!.GetValue<bool>().Should().BeFalse();
        run.Json["exitCode"]!.GetValue<int>().Should().Be(5);
        run.Json["message"]!.GetValue<string>().Should().StartWith("failover:rtoObjectiveMinutes is 15 min");
        run.Json["budgets"]!.AsArray().Should().HaveCount(2);
    }

    [Fact]
    public async Task An_invalid_config_is_named()
    {
        File.AppendAllText(Path.Combine(_project, "Pulumi.primary.yaml"), "  failover:rtoObjectiveMinutes: \"0\"\n");

        var run = await RunAsync("rto");

        run.Exit.Should().Be(1);
        run.Stderr.Should().StartWith("error: 1 problem(s) in the configuration of stack 'primary', the first: failover:rtoObjectiveMinutes");
        run.Stdout.Should().BeEmpty();
    }
}
