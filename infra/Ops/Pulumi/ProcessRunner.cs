using System.Diagnostics;
using Failover.Ops.Cli;

namespace Failover.Ops.Pulumi;

/// What a program answered.
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

/// Runs a program found on the context's PATH (so tests can put a fake `pulumi` first), with the context's environment.
public sealed class ProcessRunner(OpsContext context)
{
    /// The program's path, or null when PATH does not have it.
    public string? Resolve(string program)
    {
        if (program.Contains('/')) return File.Exists(program) ? program : null;
        foreach (var dir in (context.Env("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// Runs to the end; `onLine` sees each stdout line as it arrives (progress), and the whole output is returned as well. While
    /// the program prints nothing, a line on stderr every ProgressInterval says it is still waiting for `activity` (such as
    /// "`pulumi preview` of stack primary"). A `timeout` is for reads only: the program is killed when it passes (a
    /// TimeoutException naming `activity`), which an update must never be.
    public async Task<ProcessResult> RunAsync(string program, string missingHint, IReadOnlyList<string> args, string directory, string activity,
        Action<string>? onLine = null, CancellationToken cancellationToken = default, TimeSpan? timeout = null)
    {
        var path = Resolve(program) ?? throw new OpsException($"{program} is not on PATH: {missingHint}");
        var start = new ProcessStartInfo(path)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Clear();
        foreach (var (key, value) in context.Environment) start.Environment[key] = value;

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new OpsException($"could not start {path}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new OpsException($"cannot run {path}: {e.Message}");
        }
        using var _ = process;
        process.StandardInput.Close();
        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        var started = context.Time.GetTimestamp();
        var heard = started;
        var readOut = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } line)
            {
                Interlocked.Exchange(ref heard, context.Time.GetTimestamp());
                stdout.AppendLine(line);
                onLine?.Invoke(line);
            }
        }, CancellationToken.None);
        var readErr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeout is { } t) limit.CancelAfter(t);
            var exited = process.WaitForExitAsync(limit.Token);
            using var ticking = new CancellationTokenSource();
            while (!exited.IsCompleted)
            {
                await Task.WhenAny(exited, Task.Delay(context.ProgressInterval, context.Time, ticking.Token));
                if (exited.IsCompleted || context.Time.GetElapsedTime(Interlocked.Read(ref heard)) < context.ProgressInterval) continue;
                context.Err.WriteLine($"  still waiting for {activity} ({Durations.Human(context.Time.GetElapsedTime(started))} so far)");
                Interlocked.Exchange(ref heard, context.Time.GetTimestamp());
            }
            ticking.Cancel();
            await exited;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{activity} timed out after {timeout!.Value.TotalSeconds:0.#} s");
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C reaches the child too (same process group), and pulumi stops an update safely on its own; killing it could
            // leave pending operations in the stack's state. So wait for it, then report the interruption.
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }
        await readOut;
        stderr.Append(await readErr);
        return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
