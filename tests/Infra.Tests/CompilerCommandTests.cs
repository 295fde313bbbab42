using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace Failover.Infra.Tests;

/// The command Pulumi.yaml gives Pulumi, run as pulumi-yaml runs it (split into words, no shell) in a copy of the project:
/// it must print exactly the program, build only when a source changed, and keep build output off stdout.
public sealed class CompilerCommandTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("failover-command-").FullName;

    public CompilerCommandTests()
    {
        CopyTree(Repo.Path("infra"), Path.Combine(_project, "infra"), skip: ["bin", "obj"]);
        CopyTree(Repo.Path("functions", "Contract"), Path.Combine(_project, "functions", "Contract"), skip: []);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "Pulumi.yaml", "Pulumi.primary.yaml", "Pulumi.secondary.yaml" })
            File.Copy(Repo.Path(file), Path.Combine(_project, file));
    }

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private string Stamp => Path.Combine(_project, "infra", "Compiler", "bin", "Release", "net10.0", ".built-from-sources");

    [Fact]
    public void The_command_builds_once_then_runs_the_built_compiler_and_rebuilds_after_a_source_change()
    {
        var golden = Golden.ProgramParts.Load(Golden.GoldenProgramTests.Folder, "primary").Join();

        var first = RunCompilerCommand("--stack", "primary");
        first.Stdout.Should().Be(golden, "build output belongs on stderr: Pulumi reads stdout as the program");
        var builtAt = File.GetLastWriteTimeUtc(Stamp);

        var second = RunCompilerCommand("--stack", "primary");
        second.Stdout.Should().Be(golden);
        File.GetLastWriteTimeUtc(Stamp).Should().Be(builtAt, "nothing changed, so nothing was built");

        var source = Path.Combine(_project, "infra", "Model", "RegionStack.cs");
        File.WriteAllText(source, File.ReadAllText(source).Replace("Multi-region failover: the", "Multi-region failover (edited): the", StringComparison.Ordinal));

        var third = RunCompilerCommand("--stack", "primary");
        third.Stdout.Should().Contain("description: \"Multi-region failover (edited): the primary region");
        new YamlStream().Invoking(y => y.Load(new StringReader(third.Stdout))).Should().NotThrow();
        File.GetLastWriteTimeUtc(Stamp).Should().BeAfter(builtAt);

        // A source restored with an old modification time (a copy, an archive) still counts as a change.
        File.WriteAllText(source, File.ReadAllText(source).Replace("(edited)", "(restored)", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(source, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        RunCompilerCommand("--stack", "primary").Stdout.Should().Contain("description: \"Multi-region failover (restored): the primary region");
    }

    [Fact]
    public void Every_pulumi_operation_refreshes_first_so_an_update_cannot_undo_a_failover()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Repo.Path("Pulumi.yaml"))));
        var options = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["options"];

        ((YamlScalarNode)options["refresh"]).Value.Should().Be("always");
    }

    private (int Exit, string Stdout, string Stderr) RunCompilerCommand(params string[] args)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(_project, "Pulumi.yaml"))));
        var runtime = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["runtime"];
        var command = ((YamlScalarNode)((YamlMappingNode)runtime["options"])["compiler"]).Value!.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var start = new ProcessStartInfo(command[0], [.. command[1..], .. args])
        {
            WorkingDirectory = _project, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var key in new[] { "PULUMI_STACK", "PULUMI_PROJECT", "PULUMI_ORGANIZATION", "PULUMI_CONFIG" }) start.Environment.Remove(key);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit(300_000).Should().BeTrue("the compiler command finishes");
        process.ExitCode.Should().Be(0, stderr.Result);
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static void CopyTree(string from, string to, string[] skip)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from).Where(d => !skip.Contains(Path.GetFileName(d))))
            CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)), skip);
    }
}
