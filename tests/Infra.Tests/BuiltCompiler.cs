using System.Diagnostics;

namespace Failover.Infra.Tests;

/// The built compiler run as a person or Pulumi runs it (infra/compile.sh execs this dll): a process in a project folder, with
/// its real stdout, stderr and exit code, and none of Pulumi's variables unless given.
internal static class BuiltCompiler
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "failover-infra.dll");

    public static (int Exit, string Stdout, string Stderr) Run(string directory, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        using var process = Process.Start(Start(directory, "dotnet", [Dll, .. args], env))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit(60_000).Should().BeTrue("the compiler finishes");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// The same at a terminal: `script` (util-linux) gives it a pseudo-terminal, whose text (stdout and stderr, lines ending in
    /// \r\n) comes back as one.
    public static async Task<(int Exit, string Terminal)> RunAtTerminalAsync(string directory, params string[] args)
    {
        using var process = Process.Start(Start(directory, "script", ["-qec", string.Join(' ', ["dotnet", $"'{Dll}'", .. args]), "/dev/null"], null))!;
        var terminal = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
        return (process.ExitCode, terminal);
    }

    private static ProcessStartInfo Start(string directory, string file, string[] args, IReadOnlyDictionary<string, string>? env)
    {
        var start = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = directory,
        };
        foreach (var key in new[] { "PULUMI_STACK", "PULUMI_PROJECT", "PULUMI_ORGANIZATION", "PULUMI_CONFIG" }) start.Environment.Remove(key);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) start.Environment[k] = v;
        return start;
    }
}
