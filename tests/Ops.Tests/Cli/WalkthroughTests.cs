using System.Diagnostics;
using System.Text.RegularExpressions;
using Failover.Ops.Tests.Harness;

namespace Failover.Ops.Tests.Cli;

/// Alone: it builds failoverctl from scratch, and the timing tests beside it should not share two cores with that build.
[CollectionDefinition(nameof(WalkthroughTests), DisableParallelization = true)]
public sealed class WalkthroughCollection;

/// The walk-through of README.md, "Try it without AWS", run with bash as written, in a copy of the repository as a
/// fresh clone has it: no build output, so failoverctl's wrapper builds itself as it would for the reader (and not into the
/// folders the test run is building from), and moto, the world and the stand-in pulumi come from the block's own commands.
/// It runs in a reader's shell that names a profile and a Pulumi login of its own: none of them may be reached, also when
/// the emulator does not start.
[Collection(nameof(WalkthroughTests))]
public sealed partial class WalkthroughTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private readonly string _clone = Directory.CreateTempSubdirectory("failover-clone-").FullName;
    private readonly string _emulator = Path.Combine(Path.GetTempPath(), $"failover-emulator-{Guid.NewGuid():N}");
    private readonly string _reader = Directory.CreateTempSubdirectory("failover-reader-").FullName;
    private string Used => Path.Combine(_reader, "profile-used");

    [GeneratedRegex(@"<!-- walkthrough: emulator\b[^>]*-->\s*```sh\n(?<block>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Marked();

    private static string Block()
    {
        var blocks = Marked().Matches(File.ReadAllText(Repo.Path("README.md")));
        blocks.Should().ContainSingle("README.md marks one block as the emulator walk-through");
        return blocks[0].Groups["block"].Value;
    }

    [Fact]
    public async Task The_emulator_walkthrough_runs_as_written_and_shows_the_flag_the_status_the_readiness_checks_and_a_drill()
    {
        var block = Block();
        block.Should().Contain("emulator.py up").And.Contain("emulator.py down");
        CopyAsCloned();

        // -e: a command that fails stops the walk-through there, as a reader would stop; the emulator's folder is the test's own.
        var run = await BashAsync(block, exitOnError: true);

        run.Exit.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("Flag set to block", run.ToString());
        run.Stdout.Should().MatchRegex(@"secondary\s+us-west-2\s+block\s+override", "flag get shows the override in force: " + run);
        run.Stdout.Should().Contain("Traffic: primary (us-east-1) serves", run.ToString());
        run.Stdout.Should().Contain($"{2 * Failover.Contract.Readiness.CheckNames.All.Count} checks pass.", "the emulator arranges the readiness world: " + run);
        run.Stdout.Should().Contain("Override cleared", run.ToString());
        run.Stdout.Should().MatchRegex(@"drill succeeded in [0-9.]+s \(us-west-2\)", run.ToString());
        Directory.Exists(_emulator).Should().BeFalse("the block ends by stopping the emulator and removing its folder");
        File.Exists(Used).Should().BeFalse("the reader's own AWS profile is never used");
    }

    [Fact]
    public async Task When_the_emulator_does_not_start_no_failoverctl_command_runs()
    {
        CopyAsCloned();
        // moto that cannot be imported, as when it is not installed; a dotnet, pulumi and aws of the reader's that note being run.
        Write(Path.Combine(_reader, "python", "moto", "__init__.py"), "raise ImportError('No module named moto (a stand-in)')\n");
        foreach (var tool in new[] { "dotnet", "pulumi", "aws" })
        {
            var path = Write(Path.Combine(_reader, "bin", tool), $"#!/bin/sh\necho {tool} \"$@\" >> '{Path.Combine(_reader, "ran")}'\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // No -e: an interactive shell goes on to the next line whatever `eval` returned; and one that an earlier `up` armed.
        var run = await BashAsync(Block(), exitOnError: false, new()
        {
            ["PYTHONPATH"] = Path.Combine(_reader, "python"),
            ["PATH"] = $"{Path.Combine(_reader, "bin")}:{Environment.GetEnvironmentVariable("PATH")}",
            ["FAILOVER_EMULATOR_URL"] = "http://127.0.0.1:1",
        });

        run.Stderr.Should().Contain("error: moto exited with code 1 before it answered", run.ToString());
        Regex.Count(run.Stderr, "error: the emulator is not up").Should().Be(Block().Split('\n').Count(l => l.StartsWith("failoverctl ")), run.ToString());
        File.Exists(Path.Combine(_reader, "ran")).Should().BeFalse("no command may run: " + (File.Exists(Path.Combine(_reader, "ran")) ? File.ReadAllText(Path.Combine(_reader, "ran")) : ""));
        run.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task After_up_no_AWS_or_Pulumi_setting_of_the_readers_is_left_in_the_shell()
    {
        CopyAsCloned();

        var run = await BashAsync("""
            eval "$(python3 tests/Ops.Tests/Harness/emulator.py up)"
            env | grep -E '^(AWS|PULUMI)_' | LC_ALL=C sort
            eval "$(python3 tests/Ops.Tests/Harness/emulator.py down)"
            """, exitOnError: true);

        run.Exit.Should().Be(0, run.ToString());
        var settings = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        settings.Select(s => s.Split('=')[0]).Should().NotContain(["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "PULUMI_ACCESS_TOKEN"], run.ToString())
            .And.Contain(["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "PULUMI_BACKEND_URL", "PULUMI_HOME"]);
        settings.Where(s => s.Contains("_FILE=") || s.StartsWith("PULUMI_")).Should().OnlyContain(s => s.Contains(_emulator), "empty ones of the emulator's own");
        settings.Should().Contain(["AWS_ACCESS_KEY_ID=testing", "AWS_SECRET_ACCESS_KEY=testing"]);
    }

    [Theory]
    [InlineData("up")]
    [InlineData("down")]
    public async Task The_emulator_leaves_a_folder_it_did_not_make_alone(string command)
    {
        var mine = Write(Path.Combine(_emulator, "notes.txt"), "a reader's file\n");

        var start = new ProcessStartInfo("python3", [Repo.Path("tests", "Ops.Tests", "Harness", "emulator.py"), command])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["FAILOVER_EMULATOR_DIR"] = _emulator;
        using var emulator = Process.Start(start)!;
        var stdout = await emulator.StandardOutput.ReadToEndAsync();
        var stderr = await emulator.StandardError.ReadToEndAsync();
        await emulator.WaitForExitAsync();

        emulator.ExitCode.Should().Be(1, stderr);
        stdout.Should().Be("unset FAILOVER_EMULATOR_URL; false\n", "an eval of it disarms the README's failoverctl and fails");
        stderr.Trim().Should().StartWith($"error: {_emulator} ").And.Contain("not made by emulator.py").And.NotContain("\n");
        File.ReadAllText(mine).Should().Be("a reader's file\n");
    }

    private static string Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// What `git clone` of this checkout would hold, with its uncommitted changes: tracked and untracked files, nothing ignored.
    private void CopyAsCloned()
    {
        var git = Process.Start(new ProcessStartInfo("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        {
            WorkingDirectory = Repo.Root, RedirectStandardOutput = true,
        })!;
        var files = git.StandardOutput.ReadToEnd().Split('\0', StringSplitOptions.RemoveEmptyEntries);
        git.WaitForExit();
        git.ExitCode.Should().Be(0, "git lists the repository's files");
        foreach (var file in files.Where(f => File.Exists(Repo.Path(f))))
        {
            var target = Path.Combine(_clone, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Repo.Path(file), target);
        }
    }

    private async Task<Run> BashAsync(string script, bool exitOnError, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("bash", [.. exitOnError ? ["-e"] : Array.Empty<string>(), "-c", script])
        {
            WorkingDirectory = _clone, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["FAILOVER_EMULATOR_DIR"] = _emulator;
        // The reader's own sign-ins: a profile that notes being used (it would be a real account), and a token and login.
        var config = Write(Path.Combine(_reader, "aws", "config"),
            $"[profile reader]\ncredential_process = sh -c \"echo reader-profile >> '{Used}'; exit 1\"\n" +
            $"[default]\ncredential_process = sh -c \"echo default-profile >> '{Used}'; exit 1\"\n");
        start.Environment["AWS_PROFILE"] = "reader";
        start.Environment["AWS_DEFAULT_PROFILE"] = "reader";
        start.Environment["AWS_CONFIG_FILE"] = config;
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = config;
        start.Environment["AWS_SESSION_TOKEN"] = "the-readers-own";
        start.Environment["PULUMI_ACCESS_TOKEN"] = "pul-the-readers-own";
        start.Environment["PULUMI_BACKEND_URL"] = "https://api.pulumi.invalid";
        foreach (var (key, value) in environment ?? []) start.Environment[key] = value;
        using var bash = Process.Start(start)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await bash.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            bash.Kill(entireProcessTree: true);
            await bash.WaitForExitAsync();
        }
        return new Run(bash.HasExited && !timeout.IsCancellationRequested ? bash.ExitCode : -1, await stdout, await stderr);
    }

    public void Dispose()
    {
        // A block that stopped half-way leaves its moto running: stop it the way the block would have.
        if (Directory.Exists(_emulator))
        {
            var down = new ProcessStartInfo("python3", [Repo.Path("tests", "Ops.Tests", "Harness", "emulator.py"), "down"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            down.Environment["FAILOVER_EMULATOR_DIR"] = _emulator;
            using var process = Process.Start(down)!;
            process.WaitForExit();
        }
        try { Directory.Delete(_clone, recursive: true); } catch (IOException) { }
        try { Directory.Delete(_reader, recursive: true); } catch (IOException) { }
        try { Directory.Delete(_emulator, recursive: true); } catch (DirectoryNotFoundException) { } catch (IOException) { }
    }
}
