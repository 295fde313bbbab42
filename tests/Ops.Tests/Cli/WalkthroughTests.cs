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
[Collection(nameof(WalkthroughTests))]
public sealed partial class WalkthroughTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private readonly string _clone = Directory.CreateTempSubdirectory("failover-clone-").FullName;
    private readonly string _emulator = Path.Combine(Path.GetTempPath(), $"failover-emulator-{Guid.NewGuid():N}");

    [GeneratedRegex(@"<!-- walkthrough: emulator\b[^>]*-->\s*```sh\n(?<block>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Marked();

    private static string Block()
    {
        var blocks = Marked().Matches(File.ReadAllText(Repo.Path("README.md")));
        blocks.Should().ContainSingle("README.md marks one block as the emulator walk-through");
        return blocks[0].Groups["block"].Value;
    }

    [Fact]
    public async Task The_emulator_walkthrough_runs_as_written_and_shows_the_flag_the_status_and_a_drill()
    {
        var block = Block();
        block.Should().Contain("emulator.py up").And.Contain("emulator.py down");
        CopyAsCloned();

        // -e: a command that fails stops the walk-through there, as a reader would stop; the emulator's folder is the test's own.
        var run = await BashAsync(block);

        run.Exit.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("Flag set to block", run.ToString());
        run.Stdout.Should().MatchRegex(@"secondary\s+us-west-2\s+block\s+override", "flag get shows the override in force: " + run);
        run.Stdout.Should().Contain("Traffic: primary (us-east-1) serves", run.ToString());
        run.Stdout.Should().Contain("Override cleared", run.ToString());
        run.Stdout.Should().MatchRegex(@"drill succeeded in [0-9.]+s \(us-west-2\)", run.ToString());
        Directory.Exists(_emulator).Should().BeFalse("the block ends by stopping the emulator and removing its folder");
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

    private async Task<Run> BashAsync(string script)
    {
        var start = new ProcessStartInfo("bash", ["-e", "-c", script])
        {
            WorkingDirectory = _clone, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["FAILOVER_EMULATOR_DIR"] = _emulator;
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
    }
}
