using System.Diagnostics;
using System.Text.Json;
using Failover.Infra.Tests.Golden;
using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Oracles;

/// The compiled programs every oracle checks: the shipped stacks, variants they do not cover, and the model program.
internal static class CheckedPrograms
{
    public static IReadOnlyDictionary<string, string> Compile() => new Dictionary<string, string>
    {
        ["primary"] = GoldenProgramTests.CompileOffline("primary"),
        ["secondary"] = GoldenProgramTests.CompileOffline("secondary"),
        // HTTPS, an existing VPC, the WAF, a user-defined alarm; each DNS mode; a pilot light; every option the model offers.
        ["variant"] = TestStacks.Yaml("secondary",
            [("certificateArn", "arn:aws:acm:us-west-2:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-0123456789ab"), .. TestStacks.ExistingVpc,
            ("waf", "true"), ("wafRateLimit", "500"),
            ("extraAlarms", """[{"name":"queue-age","namespace":"AWS/SQS","metricName":"ApproximateAgeOfOldestMessage","statistic":"Maximum","dimensions":{"QueueName":"jobs"},"threshold":300,"comparisonOperator":"GreaterThanThreshold"}]""")]),
        ["endpoint"] = TestStacks.Yaml("primary", ("dnsFailover", "endpoint")),
        ["automatic"] = TestStacks.Yaml("secondary", ("dnsFailover", "automatic")),
        ["pilot-light"] = TestStacks.Yaml("secondary", ("standbyCount", "0")),
        ["model"] = YamlWriter.Write(ModelProgram.WithEveryOption()),
        // trafficGate arc: on a named cluster (both sides), and on a cluster the primary creates.
        ["arc-primary"] = TestStacks.Yaml("primary", TestStacks.ArcNamedCluster),
        ["arc-secondary"] = TestStacks.Yaml("secondary", TestStacks.ArcNamedCluster),
        ["arc-created-primary"] = TestStacks.Yaml("primary", TestStacks.ArcCreatedCluster),
    };
}

/// Runs one of the npm oracles in tests/oracles over programs and returns its findings per program.
internal static class NodeOracle
{
    public static IReadOnlyDictionary<string, string[]> Run(string script, IReadOnlyDictionary<string, string> programs, IReadOnlyDictionary<string, string> files)
    {
        var oracles = Repo.Path("tests", "oracles");
        if (!Directory.Exists(Path.Combine(oracles, "node_modules", "@pulumi", "aws")))
            throw new InvalidOperationException("The oracles are not installed: run `npm ci --prefix tests/oracles` (tests/run.sh does it).");

        var dir = Directory.CreateTempSubdirectory("failover-oracle-").FullName;
        try
        {
            var paths = programs.ToDictionary(p => p.Key, p =>
            {
                var path = Path.Combine(dir, p.Key + ".yaml");
                File.WriteAllText(path, p.Value);
                return path;
            });
            foreach (var (name, path) in files) paths[name] = path;

            var start = new ProcessStartInfo("node", [script, "--json", .. paths.Values]) { WorkingDirectory = oracles, RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(300_000)) throw new TimeoutException($"{script} took over 5 minutes");
            var byFile = JsonSerializer.Deserialize<Dictionary<string, string[]>>(stdout.Result)
                ?? throw new InvalidOperationException($"{script} printed no result: {stderr.Result}");
            return paths.ToDictionary(p => p.Key, p => byFile[p.Value]);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{script} did not print JSON: {e.Message}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
