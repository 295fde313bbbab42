using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Failover.Infra.Tests.Oracles;

/// Runs a script of tests/oracles that needs moto (drill.mjs, trigger-input.mjs with the real `bootstrap`; events-check.py):
/// names a missing prerequisite, writes the compiled programs and other inputs for it, and reads its JSON result.
internal static class MotoScript
{
    /// Node scripts that run the compiled workflows with the real functions: `--primary`, `--secondary`, each extra file as
    /// `--NAME PATH`, `--bootstrap`.
    public static JsonNode RunWorkflows(string script, string primaryYaml, string secondaryYaml, IReadOnlyDictionary<string, string>? extraFiles = null)
    {
        var bootstrap = Repo.Path("functions", "dist", "bootstrap");
        if (!File.Exists(bootstrap))
            throw new InvalidOperationException($"{bootstrap} is missing: build it with `dotnet publish functions -c Release` (tests/run.sh does it).");
        var oracles = Repo.Path("tests", "oracles");
        if (!Directory.Exists(Path.Combine(oracles, "node_modules", "aws-local-stepfunctions")))
            throw new InvalidOperationException("The oracles are not installed: run `npm ci --prefix tests/oracles` (tests/run.sh does it).");
        RequireMoto("import moto, boto3", $"{script} runs the functions against the moto AWS emulator");

        var dir = Directory.CreateTempSubdirectory("failover-moto-script-").FullName;
        try
        {
            string Write(string name, string content)
            {
                var path = Path.Combine(dir, name);
                File.WriteAllText(path, content);
                return path;
            }
            List<string> args = [script, "--json", "--primary", Write("primary.yaml", primaryYaml), "--secondary", Write("secondary.yaml", secondaryYaml)];
            foreach (var (name, content) in extraFiles ?? new Dictionary<string, string>()) args.AddRange([$"--{name}", Write($"{name}.json", content)]);
            args.AddRange(["--bootstrap", bootstrap]);
            var start = new ProcessStartInfo("node", args) { WorkingDirectory = oracles, RedirectStandardOutput = true, RedirectStandardError = true };
            // Nothing of the caller's AWS environment may reach the functions: they talk to moto only.
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(600_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{script} took over 10 minutes");
            }
            return (stdout.Result.Length > 0 ? JsonNode.Parse(stdout.Result) : null)
                ?? throw new InvalidOperationException($"{script} printed no result (exit {process.ExitCode}): {stderr.Result}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// Fails with the import that failed and what needs it; CI's machines have moto, a developer's may not.
    public static void RequireMoto(string imports, string why)
    {
        using var check = Process.Start(new ProcessStartInfo("python3", ["-c", imports]) { RedirectStandardError = true })!;
        check.WaitForExit();
        if (check.ExitCode != 0)
            throw new InvalidOperationException($"moto is not installed: `python3 -c \"{imports}\"` failed. {why} (pip install 'moto[server]').");
    }
}
