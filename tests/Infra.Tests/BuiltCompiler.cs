using System.Diagnostics;

namespace Failover.Infra.Tests;

/// The built compiler run as a person or Pulumi runs it (infra/compile.sh execs this dll): a process in a project folder, with
/// its real stdout, stderr and exit code, and none of Pulumi's variables unless given.
internal static class BuiltCompiler
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "failover-infra.dll");

    public static (int Exit, string Stdout, string Stderr) Run(string directory, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var key in new[] { "PULUMI_STACK", "PULUMI_PROJECT", "PULUMI_ORGANIZATION", "PULUMI_CONFIG" }) start.Environment.Remove(key);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit(60_000).Should().BeTrue("the compiler finishes");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
