using Failover.Ops.Cli;
using Failover.Ops.Tests.Harness;

namespace Failover.Ops.Tests.Cli;

/// The edges every command shares: how options are given, how results and errors are written, what reaches the Pulumi CLI.
public sealed class CommandLineTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("cli-project-").FullName;

    public CommandLineTests() => File.WriteAllText(Path.Combine(_project, "Pulumi.yaml"), "name: failover\nruntime: yaml\n");

    public void Dispose()
    {
        try { Directory.Delete(_project, recursive: true); } catch (IOException) { }
    }

    private async Task<Run> RunAsync(Dictionary<string, string> environment, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new OpsContext { Environment = environment, Out = stdout, Err = stderr, WorkingDirectory = _project };
        var exit = await Failover.Ops.Cli.Cli.RunAsync(args, context);
        return new Run(exit, stdout.ToString(), stderr.ToString());
    }

    private Task<Run> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string> { ["PATH"] = "/nonexistent" }, args);

    [Theory]
    [InlineData("flag", "set", "block", "--reason", "a", "--reason", "b")]
    [InlineData("start", "drill", "--wait", "--wait")]
    [InlineData("--output", "json", "status", "-o", "table")]
    [InlineData("deploy", "--stacks", "primary", "--stacks", "secondary", "--yes")]
    public async Task An_option_given_twice_is_refused_rather_than_the_last_one_winning(params string[] args)
    {
        var run = await RunAsync(args);

        run.Exit.Should().Be(2, run.ToString());
        run.Stderr.Should().MatchRegex(@"^error: (--reason|--wait|--output|--stacks) is given more than once: give it once \(see `failoverctl [a-z ]+ --help`\)");
    }

    [Fact]
    public async Task A_json_error_document_carries_the_message_once()
    {
        var run = await RunAsync("flag", "set", "block", "--output", "json");

        run.Exit.Should().Be(2, run.ToString());
        run.Json.AsObject().Select(p => p.Key).Should().Equal("ok", "exitCode", "message");
        run.Json["message"]!.GetValue<string>().Should().StartWith("--reason is required");
    }

    [Fact]
    public async Task The_older_json_flag_still_gives_the_document_and_says_what_replaces_it()
    {
        var run = await RunAsync("flag", "set", "block", "--json");

        run.Exit.Should().Be(2, run.ToString());
        run.Json["message"]!.GetValue<string>().Should().StartWith("--reason is required");
        run.Stderr.Should().StartWith("warning: --json is deprecated: use --output json");
    }

    [Fact]
    public async Task An_output_format_other_than_table_or_json_is_refused()
    {
        var run = await RunAsync("status", "--output", "yaml");

        run.Exit.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("'yaml'").And.Contain("'table' 'json'");
    }

    [Fact]
    public async Task A_region_that_is_not_one_is_refused()
    {
        var run = await RunAsync("--region", "us-east", "status");

        run.Exit.Should().Be(2, run.ToString());
        run.Stderr.Should().StartWith("error: --region takes an AWS region such as us-west-2 (got 'us-east')");
    }

    [Fact]
    public async Task Profile_and_region_reach_the_Pulumi_CLI_and_keys_or_a_web_identity_token_in_the_environment_give_way_to_the_profile()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_project, "bin")).FullName;
        var seen = Path.Combine(_project, "seen");
        File.WriteAllText(Path.Combine(bin, "pulumi"), $"#!/bin/sh\necho \"$AWS_PROFILE $AWS_REGION ${{AWS_ACCESS_KEY_ID:-no-keys}} ${{AWS_WEB_IDENTITY_TOKEN_FILE:-no-token}}\" > {seen}\nexit 1\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(bin, "pulumi"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var run = await RunAsync(new Dictionary<string, string> { ["PATH"] = $"{bin}:/usr/bin:/bin", ["FAILOVERCTL_CACHE_DIR"] = Path.Combine(_project, "cache"), ["AWS_ACCESS_KEY_ID"] = "AKIDENV", ["AWS_SECRET_ACCESS_KEY"] = "secret",
                ["AWS_WEB_IDENTITY_TOKEN_FILE"] = "/run/token", ["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/pipeline" },
            "--profile", "oncall", "--region", "eu-west-1", "status");

        run.Exit.Should().Be(1, "the stand-in pulumi fails once it has seen its environment");
        File.ReadAllText(seen).Trim().Should().Be("oncall eu-west-1 no-keys no-token", "the Go SDK in Pulumi, too, takes keys and then a web identity token before AWS_PROFILE");
    }
}
