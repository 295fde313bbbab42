using System.Diagnostics;
using Failover.Functions.Tests.Runtime;

namespace Failover.Functions.Tests.Artifacts;

/// The published native binary, run as Lambda runs it: a process talking to a (local) Runtime API.
public sealed class Bootstrap : IDisposable
{
    public static string Path => Repo.Path("functions", "dist", "bootstrap");
    public static string Zip => Repo.Path("functions", "dist", "lambda.zip");

    /// DOTNET_GCHeapHardLimit for the heap of a 128 MB function: 96 MiB, 75% of its memory (.NET's default share under a
    /// container limit). Bare hex: NativeAOT reads the digits as hex and silently ignores a "0x" prefix.
    public const string HeapLimitOf128MbFunction = "6000000";

    public static void RequirePublished()
    {
        if (!File.Exists(Path) || !File.Exists(Zip))
            throw new InvalidOperationException($"{Path} or lambda.zip is missing: run `dotnet publish functions -c Release` (tests/run.sh does it).");
    }

    private readonly Process _process;

    public Bootstrap(string handler, LocalRuntimeApi api, IReadOnlyDictionary<string, string> env)
    {
        RequirePublished();
        var start = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
        foreach (var (k, v) in env) start.Environment[k] = v;
        start.Environment["_HANDLER"] = handler;
        start.Environment["AWS_LAMBDA_RUNTIME_API"] = api.Address;
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (Output) Output.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (Output) Output.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// Every line the process wrote (its JSON logs).
    public List<string> Output { get; } = [];

    public async Task<int> ExitCodeAsync(TimeSpan within)
    {
        await _process.WaitForExitAsync().WaitAsync(within);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
