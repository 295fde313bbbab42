using System.Diagnostics;

namespace Failover.Ops.Tests.Cli;

/// infra/Ops/failoverctl.sh, run from a copy of the repository's shape with a stand-in `dotnet`: what the build prints
/// goes to stderr, so that stdout is failoverctl's alone even on the run that builds it. A guard, not a reproduction: the
/// report of "Build succeeded" on stdout could not be reproduced with this wrapper, which sent the build to stderr already;
/// nor did a first build in an empty HOME (no first-run banner, no NuGet cache) print anything on stdout but failoverctl's.
public sealed class WrapperTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("wrapper-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private string Write(string path, string text)
    {
        var full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    [Fact]
    public async Task The_first_run_builds_with_the_build_output_on_stderr_and_only_failoverctls_on_stdout()
    {
        File.Copy(Repo.Path("infra", "Ops", "failoverctl.sh"), Write("infra/Ops/failoverctl.sh", ""), overwrite: true);
        Write("infra/Ops/Program.cs", "// a source");
        Write("functions/Handler.cs", "// a source");
        Write("Directory.Build.props", "<Project />");
        Write("Directory.Packages.props", "<Project />");
        // `dotnet build` as MSBuild prints it on stdout, and the built tool answering its arguments.
        var dotnet = Write("bin/dotnet", """
            #!/bin/sh
            if [ "$1" = build ]; then
              echo "Build succeeded."
              mkdir -p "$2/bin/Release/net10.0" && touch "$2/bin/Release/net10.0/failoverctl.dll"
            else
              shift; echo "failoverctl says: $*"
            fi
            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var start = new ProcessStartInfo("bash", [Path.Combine(_root, "infra/Ops/failoverctl.sh"), "--help"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PATH"] = $"{Path.Combine(_root, "bin")}:/usr/bin:/bin";
        using var wrapper = Process.Start(start)!;
        var stdout = await wrapper.StandardOutput.ReadToEndAsync();
        var stderr = await wrapper.StandardError.ReadToEndAsync();
        await wrapper.WaitForExitAsync();

        wrapper.ExitCode.Should().Be(0, stderr);
        stdout.Should().Be("failoverctl says: --help\n");
        stderr.Should().Contain("Building failoverctl").And.Contain("Build succeeded.");
    }
}
