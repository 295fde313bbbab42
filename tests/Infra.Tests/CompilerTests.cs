using System.Diagnostics;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Failover.Infra.Tests;

/// The command line contract: Pulumi's environment protocol, offline --stack, plugin discovery, and bad input.
public sealed class CompilerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("failover-compiler-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string ProjectFile = """
        name: failover
        runtime:
          name: yaml
        config:
          defaultFlag:
            default: block
        """;

    private const string StackFile = """
        config:
          aws:region: eu-west-1
          failover:role: secondary
          failover:peerRegion: eu-central-1
          failover:domainName: shop.example.org
          failover:hostedZoneId: Z0987654321ZYXWVUTSRQ
          failover:containerImage: public.ecr.aws/nginx/nginx:stable
          failover:standbyCount: 0
          failover:notificationEmails:
            - a@example.org
            - b@example.org
          failover:tags:
            Team: shop
            CostCenter: "42"
        """;

    // What `pulumi up` passes for the files above: every value a string, structured values as JSON.
    private const string PulumiConfig = """
        {"aws:region":"eu-west-1","failover:role":"secondary","failover:peerRegion":"eu-central-1",
         "failover:domainName":"shop.example.org","failover:hostedZoneId":"Z0987654321ZYXWVUTSRQ",
         "failover:containerImage":"public.ecr.aws/nginx/nginx:stable","failover:standbyCount":"0",
         "failover:notificationEmails":"[\"a@example.org\",\"b@example.org\"]",
         "failover:tags":"{\"Team\":\"shop\",\"CostCenter\":\"42\"}","failover:defaultFlag":"block"}
        """;

    private (int Exit, string Stdout, string Stderr) Run(string[] args, Dictionary<string, string>? env = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = Compiler.Run(args, k => env is not null && env.TryGetValue(k, out var v) ? v : null, stdout, stderr, _dir);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private void WriteStack(string stack, string stackFile)
    {
        File.WriteAllText(Path.Combine(_dir, "Pulumi.yaml"), ProjectFile);
        File.WriteAllText(Path.Combine(_dir, $"Pulumi.{stack}.yaml"), stackFile);
    }

    [Fact]
    public void The_environment_protocol_and_offline_mode_give_the_same_program()
    {
        WriteStack("eu", StackFile);

        var offline = Run(["--stack", "eu"]);
        var online = Run([], new() { ["PULUMI_STACK"] = "eu", ["PULUMI_PROJECT"] = "failover", ["PULUMI_ORGANIZATION"] = "acme", ["PULUMI_CONFIG"] = PulumiConfig });

        offline.Exit.Should().Be(0, offline.Stderr);
        online.Exit.Should().Be(0, online.Stderr);
        online.Stdout.Should().Be(offline.Stdout, Golden.LineDiff.Describe(offline.Stdout, online.Stdout));
        offline.Stdout.Should().Contain("\"SECONDARY\"").And.Contain("Team: \"shop\"").And.Contain("desiredCount: 0");
    }

    [Fact]
    public void Project_level_config_defaults_apply_offline() =>
        WriteAndCompile("eu", StackFile).Should().Contain("defaultFlag: \"block\"");

    private string WriteAndCompile(string stack, string stackFile)
    {
        WriteStack(stack, stackFile);
        var result = Run(["--stack", stack]);
        result.Exit.Should().Be(0, result.Stderr);
        return result.Stdout;
    }

    [Fact]
    public void Invalid_config_names_every_bad_key_on_stderr_and_prints_nothing()
    {
        WriteStack("bad", StackFile.Replace("failover:standbyCount: 0", "failover:standbyCount: -1\n  failover:cpu: 300\n  failover:alarmPeriodSeconds: 10"));

        var (exit, stdout, stderr) = Run(["--stack", "bad"]);

        exit.Should().Be(Compiler.InvalidConfig);
        stdout.Should().BeEmpty();
        stderr.Should().Contain("3 problem(s)")
            .And.Contain("failover:standbyCount must be >= 0 (got -1) in Pulumi.bad.yaml")
            .And.Contain("failover:cpu must be a Fargate CPU size")
            .And.Contain("failover:alarmPeriodSeconds must be a multiple of 60 s");
    }

    [Fact]
    public void Out_writes_the_program_to_a_file_and_nothing_to_stdout()
    {
        WriteStack("eu", StackFile);
        var file = Path.Combine(_dir, "program.yaml");

        var (exit, stdout, _) = Run(["--stack", "eu", "--out", file]);

        exit.Should().Be(0);
        stdout.Should().BeEmpty();
        File.ReadAllText(file).Should().StartWith("name: \"failover\"");
    }

    [Fact]
    public void A_missing_stack_file_is_an_error_that_says_which()
    {
        WriteStack("eu", StackFile);
        var (exit, stdout, stderr) = Run(["--stack", "nope"]);
        exit.Should().Be(Compiler.InvalidConfig);
        stdout.Should().BeEmpty();
        stderr.Should().Contain("Pulumi.nope.yaml not found");
    }

    [Fact]
    public void Malformed_pulumi_config_is_an_error()
    {
        var (exit, stdout, stderr) = Run([], new() { ["PULUMI_STACK"] = "eu", ["PULUMI_PROJECT"] = "failover", ["PULUMI_CONFIG"] = "{not json" });
        exit.Should().Be(Compiler.InvalidConfig);
        stdout.Should().BeEmpty();
        stderr.Should().Contain("PULUMI_CONFIG is not valid JSON");
    }

    [Fact]
    public void Unknown_arguments_are_a_usage_error() =>
        Run(["--stak", "primary"]).Exit.Should().Be(Compiler.Usage);

    [Fact]
    public void The_built_compiler_speaks_the_protocol_over_real_stdout_and_discovery_names_the_same_packages()
    {
        var discovery = RunProcess(new());
        var real = RunProcess(new() { ["PULUMI_STACK"] = "eu", ["PULUMI_PROJECT"] = "failover", ["PULUMI_ORGANIZATION"] = "acme", ["PULUMI_CONFIG"] = PulumiConfig });

        discovery.Exit.Should().Be(0, discovery.Stderr);
        real.Exit.Should().Be(0, real.Stderr);
        discovery.Stderr.Should().BeEmpty();
        Packages(discovery.Stdout).Should().BeEquivalentTo(Packages(real.Stdout)).And.Contain("aws");
    }

    private (int Exit, string Stdout, string Stderr) RunProcess(Dictionary<string, string> env)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "failover-infra.dll");
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        foreach (var key in new[] { "PULUMI_STACK", "PULUMI_PROJECT", "PULUMI_ORGANIZATION", "PULUMI_CONFIG" }) start.Environment.Remove(key);
        foreach (var (k, v) in env) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit(60_000).Should().BeTrue();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static HashSet<string> Packages(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var resources = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["resources"];
        return resources.Children.Values.Select(r => ((YamlScalarNode)((YamlMappingNode)r)["type"]).Value!.Split(':')[0]).ToHashSet();
    }

    [Fact]
    public void The_pulumi_config_fixture_is_valid_json() =>
        JsonDocument.Parse(PulumiConfig).RootElement.EnumerateObject().Should().OnlyContain(p => p.Value.ValueKind == JsonValueKind.String);
}
