using System.Diagnostics;
using System.Text.Json;
using Failover.Infra.Tests.Golden;

namespace Failover.Infra.Tests.Schema;

/// Runs the schema oracle (TypeScript + the real @pulumi/aws and @pulumi/aws-native types) once over every program.
public sealed class SchemaOracle
{
    public IReadOnlyDictionary<string, string[]> Results { get; }

    public SchemaOracle()
    {
        var oracles = Repo.Path("tests", "oracles");
        if (!Directory.Exists(Path.Combine(oracles, "node_modules", "@pulumi", "aws")))
            throw new InvalidOperationException("The schema oracle is not installed: run `npm ci --prefix tests/oracles` (tests/run.sh does it).");

        var dir = Directory.CreateTempSubdirectory("failover-schema-").FullName;
        string Write(string name, string yaml)
        {
            var path = Path.Combine(dir, name + ".yaml");
            File.WriteAllText(path, yaml);
            return path;
        }
        var files = new Dictionary<string, string>
        {
            ["primary"] = Write("primary", GoldenProgramTests.CompileOffline("primary")),
            ["secondary"] = Write("secondary", GoldenProgramTests.CompileOffline("secondary")),
            ["broken"] = Repo.Path("tests", "Infra.Tests", "Schema", "broken-program.yaml"),
        };
        // Variants the shipped stacks do not cover: HTTPS, an existing VPC, a user-defined alarm.
        files["variant"] = Write("variant", TestStacks.Yaml("secondary",
            ("certificateArn", "arn:aws:acm:us-west-2:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-0123456789ab"),
            ("vpcId", "vpc-0123456789abcdef0"), ("subnetIds", "subnet-0123456789abcdef0,subnet-0123456789abcdef1"),
            ("extraAlarms", """[{"name":"queue-age","namespace":"AWS/SQS","metricName":"ApproximateAgeOfOldestMessage","statistic":"Maximum","dimensions":{"QueueName":"jobs"},"threshold":300,"comparisonOperator":"GreaterThanThreshold"}]""")));

        var start = new ProcessStartInfo("node", ["schema-check.mjs", "--json", .. files.Values]) { WorkingDirectory = oracles, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(300_000)) throw new TimeoutException("schema-check.mjs took over 5 minutes");
        Directory.Delete(dir, recursive: true);
        var byFile = JsonSerializer.Deserialize<Dictionary<string, string[]>>(stdout.Result)
            ?? throw new InvalidOperationException($"schema-check.mjs printed no result: {stderr.Result}");
        Results = files.ToDictionary(f => f.Key, f => byFile[f.Value]);
    }
}

public sealed class SchemaConformanceTests(SchemaOracle oracle) : IClassFixture<SchemaOracle>
{
    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    [InlineData("variant")]
    public void Every_resource_type_checks_against_the_provider_sdk(string program) =>
        oracle.Results[program].Should().BeEmpty();

    [Theory]
    [InlineData("misspelled-property", "'\"containerInsightz\"' does not exist")]
    [InlineData("wrong-literal-type", "Type 'string' is not assignable to type 'Input<number")]
    [InlineData("missing-required-input", "is missing the following properties from type 'ListenerArgs': defaultActions, loadBalancerArn")]
    [InlineData("untagged", "Property 'tags' is missing")]
    [InlineData("dangling-reference", "Cannot find name 'undeclared_nowhere'")]
    [InlineData("unknown-output", "Property 'dnsName' does not exist on type 'Cluster'")]
    [InlineData("unknown-ignored-property", "'\"invertHealthCheck\"' is not assignable")]
    [InlineData("native-misspelled", "'\"healthCheckTagz\"' does not exist")]
    public void The_oracle_catches_each_kind_of_mistake(string resource, string message) =>
        oracle.Results["broken"].Should().Contain(e => e.StartsWith(resource + ":", StringComparison.Ordinal) && e.Contains(message, StringComparison.Ordinal));

    [Fact]
    public void A_correct_aws_native_resource_passes_so_both_provider_sdks_are_wired() =>
        oracle.Results["broken"].Should().NotContain(e => e.StartsWith("native-valid:", StringComparison.Ordinal));
}
