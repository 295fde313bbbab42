using System.Diagnostics;
using Failover.Ops.Tests.Harness;

namespace Failover.Ops.Tests.Cli;

/// infra/Ops/install.sh with a stand-in `dotnet`, under a prefix with a space and a quote in it: it writes only to stderr,
/// the launcher it leaves runs the dotnet found at install time (cron and sudo have a PATH of their own) with the published
/// dll, and a failed publish leaves the installed copy as it was.
public sealed class InstallTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("install-").FullName;
    private string Prefix => Path.Combine(_root, "pre fix's");
    private string Tools => Path.Combine(_root, "my tools");
    private string Dll => Path.Combine(Prefix, "share", "failoverctl", "failoverctl.dll");
    private string Launcher => Path.Combine(Prefix, "bin", "failoverctl");

    public InstallTests()
    {
        // `dotnet publish` as MSBuild prints it on stdout, writing a dll that says which install made it; or the launched tool.
        var dotnet = Path.Combine(Tools, "dotnet");
        Directory.CreateDirectory(Tools);
        File.WriteAllText(dotnet, """
            #!/bin/sh
            if [ "$1" = publish ]; then
              [ -z "${PUBLISH_FAILS:-}" ] || { echo "error CS1002: ; expected"; exit 1; }
              while [ "$1" != -o ]; do shift; done
              echo "Build succeeded."
              mkdir -p "$2" && echo "$INSTALL" > "$2/failoverctl.dll"
            else
              echo "run by $0: $*"
            fi
            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task It_writes_only_to_stderr_and_its_launcher_runs_the_dotnet_found_at_install_time_without_it_on_PATH()
    {
        var install = await InstallAsync("first");

        install.Exit.Should().Be(0, install.ToString());
        install.Stdout.Should().BeEmpty("the publish's output goes to stderr");
        install.Stderr.Should().Contain("Build succeeded.").And.Contain($"Installed {Launcher}");
        File.ReadAllText(Dll).Should().Be("first\n");

        // As cron would run it: a PATH without the SDK's folder.
        var launched = await RunAsync(Launcher, ["flag", "get", "--output", "json"], new() { ["PATH"] = "/usr/bin:/bin" });

        launched.Exit.Should().Be(0, launched.ToString());
        launched.Stdout.Should().Be($"run by {Path.Combine(Tools, "dotnet")}: {Dll} flag get --output json\n");
    }

    [Fact]
    public async Task A_failed_publish_leaves_the_installed_copy_as_it_was()
    {
        (await InstallAsync("first")).Exit.Should().Be(0);

        var failed = await InstallAsync("second", new() { ["PUBLISH_FAILS"] = "1" });

        failed.Exit.Should().NotBe(0, failed.ToString());
        failed.Stdout.Should().BeEmpty();
        failed.Stderr.Should().Contain("error CS1002");
        File.ReadAllText(Dll).Should().Be("first\n", "the copy from the first install still runs");
        Directory.GetDirectories(Path.Combine(Prefix, "share")).Should().Equal([Path.Combine(Prefix, "share", "failoverctl")],
            "the failed publish's folder is removed");
    }

    [Fact]
    public async Task It_says_how_to_put_its_bin_folder_on_PATH_when_it_is_not()
    {
        var off = await InstallAsync("first");
        var on = await InstallAsync("second", new() { ["PATH"] = $"{Path.Combine(Prefix, "bin")}:{Tools}:/usr/bin:/bin" });

        off.Stderr.Should().Contain($"{Path.Combine(Prefix, "bin")} is not on PATH: add  export PATH=", off.ToString());
        on.Exit.Should().Be(0, on.ToString());
        on.Stderr.Should().NotContain("is not on PATH");
    }

    private Task<Run> InstallAsync(string name, Dictionary<string, string>? environment = null)
    {
        var all = new Dictionary<string, string> { ["PATH"] = $"{Tools}:/usr/bin:/bin", ["PREFIX"] = Prefix, ["INSTALL"] = name };
        foreach (var (key, value) in environment ?? []) all[key] = value;
        return RunAsync("bash", [Repo.Path("infra", "Ops", "install.sh")], all);
    }

    private static async Task<Run> RunAsync(string program, string[] args, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Run(process.ExitCode, await stdout, await stderr);
    }
}
