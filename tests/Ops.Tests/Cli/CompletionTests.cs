using System.Diagnostics;
using Failover.Ops.Cli;
using Failover.Ops.Tests.Harness;

namespace Failover.Ops.Tests.Cli;

/// `failoverctl completion bash|zsh`: the script, loaded into a real bash, completes what the command tree has.
public sealed class CompletionTests
{
    private static async Task<Run> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new OpsContext { Environment = new Dictionary<string, string>(), Out = stdout, Err = stderr, WorkingDirectory = Path.GetTempPath() };
        var exit = await Failover.Ops.Cli.Cli.RunAsync(args, context);
        return new Run(exit, stdout.ToString(), stderr.ToString());
    }

    /// What bash offers after the words typed (the last one being completed), with the script loaded as `source <(...)` would.
    private static async Task<string[]> CompleteAsync(params string[] typed)
    {
        var script = Path.GetTempFileName();
        await File.WriteAllTextAsync(script, (await RunAsync("completion", "bash")).Stdout);
        try
        {
            var words = string.Join(' ', typed.Prepend("failoverctl").Select(w => $"'{w}'"));
            var start = new ProcessStartInfo("bash", ["--norc", "-c", $"source {script}; COMP_WORDS=({words}); COMP_CWORD={typed.Length}; {Failover.Ops.Commands.CompletionCommand.Function}; printf '%s\\n' \"${{COMPREPLY[@]}}\""])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            };
            using var bash = Process.Start(start)!;
            var output = await bash.StandardOutput.ReadToEndAsync();
            var errors = await bash.StandardError.ReadToEndAsync();
            await bash.WaitForExitAsync();
            bash.ExitCode.Should().Be(0, errors);
            errors.Should().BeEmpty();
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task The_first_word_completes_to_every_command_and_the_global_options()
    {
        (await CompleteAsync("")).Should().Contain(["deploy", "flag", "status", "start", "rto", "readiness", "report", "completion", "--output", "--profile", "--region", "--help"]);
        (await CompleteAsync("st")).Should().BeEquivalentTo("status", "start");
        (await CompleteAsync("re")).Should().BeEquivalentTo("readiness", "report");
    }

    [Fact]
    public async Task A_subcommand_completes_to_its_own_subcommands_options_and_values()
    {
        (await CompleteAsync("flag", "")).Should().Contain(["get", "set", "clear"]).And.NotContain("status");
        (await CompleteAsync("flag", "set", "")).Should().Contain(["auto", "block", "force", "--reason", "--ttl", "--output"]);
        (await CompleteAsync("start", "f")).Should().BeEquivalentTo("failover", "failback");
        (await CompleteAsync("status", "--")).Should().Contain(["--watch", "--interval"]).And.NotContain("--reason");
        (await CompleteAsync("readiness", "--")).Should().Contain(["--stack", "--output"]).And.NotContain("--last");
        (await CompleteAsync("report", "--")).Should().Contain(["--last", "--output"]).And.NotContain("--stack");
    }

    [Fact]
    public async Task An_options_value_completes_to_what_it_accepts_and_is_not_taken_for_a_command()
    {
        (await CompleteAsync("status", "-o", "")).Should().BeEquivalentTo("table", "json");
        (await CompleteAsync("--primary-stack", "flag", "")).Should().Contain("deploy", "the value of --primary-stack is not the flag command");
    }

    [Fact]
    public async Task The_zsh_script_is_the_bash_one_through_zshs_bash_completion_layer()
    {
        var zsh = (await RunAsync("completion", "zsh")).Stdout;

        zsh.Should().StartWith("#compdef failoverctl").And.Contain("bashcompinit").And.EndWith((await RunAsync("completion", "bash")).Stdout);
    }

    [Fact]
    public async Task Another_shell_is_refused()
    {
        var run = await RunAsync("completion", "fish");

        run.Exit.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("'fish'").And.Contain("'bash' 'zsh'");
    }
}
