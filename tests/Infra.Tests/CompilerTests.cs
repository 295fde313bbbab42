using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Failover.Infra.Tests;

/// The command line contract: Pulumi's environment protocol, offline --stack, plugin discovery, and bad input.
public sealed class CompilerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("failover-compiler-").FullName;

    // A built functions zip, as `dotnet publish functions -c Release` leaves it: the real run refuses to deploy without one.
    public CompilerTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "functions", "dist"));
        File.WriteAllText(Path.Combine(_dir, "functions", "dist", "lambda.zip"), "zip");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Dictionary<string, string> PulumiRun() =>
        new() { ["PULUMI_STACK"] = "eu", ["PULUMI_PROJECT"] = "failover", ["PULUMI_ORGANIZATION"] = "acme", ["PULUMI_CONFIG"] = PulumiConfig };

    [Fact]
    public void Under_pulumi_a_missing_function_zip_stops_the_run_with_the_command_that_builds_it()
    {
        WriteStack("eu", StackFile);
        File.Delete(Path.Combine(_dir, "functions", "dist", "lambda.zip"));

        ShouldFailWithOneLine(Run([], PulumiRun()), Compiler.PackageNotBuilt,
            "error: functions/dist/lambda.zip is missing: build it with `dotnet publish functions -c Release`");
    }

    [Fact]
    public void Under_pulumi_a_zip_older_than_a_function_source_stops_the_run()
    {
        WriteStack("eu", StackFile);
        var source = Path.Combine(_dir, "functions", "Bootstrap", "Handlers", "DecideHandler.cs");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        File.WriteAllText(source, "// changed");
        File.SetLastWriteTimeUtc(Path.Combine(_dir, "functions", "dist", "lambda.zip"), DateTime.UtcNow.AddMinutes(-5));

        ShouldFailWithOneLine(Run([], PulumiRun()), Compiler.PackageNotBuilt,
            $"error: functions/dist/lambda.zip is older than {Path.Combine("functions", "Bootstrap", "Handlers", "DecideHandler.cs")}: rebuild it with `dotnet publish functions -c Release`");
    }

    [Fact]
    public void Help_names_every_exit_code_the_compiler_returns()
    {
        var (exit, stdout, _) = Run(["--help"]);

        exit.Should().Be(Compiler.Ok);
        var codes = typeof(Compiler).GetFields().Where(f => f.IsLiteral && f.FieldType == typeof(int)).Select(f => (int)f.GetRawConstantValue()!)
            .Append(70).Distinct();
        foreach (var code in codes)
            stdout.Should().MatchRegex($@"(?m)^\s+{code}\s+\S", $"exit code {code} is one the compiler returns");
    }

    [Fact]
    public void Offline_a_missing_zip_still_prints_the_program_with_a_warning()
    {
        WriteStack("eu", StackFile);
        File.Delete(Path.Combine(_dir, "functions", "dist", "lambda.zip"));

        var result = Run(["--stack", "eu"]);

        result.Exit.Should().Be(Compiler.Ok);
        result.Stdout.Should().Contain("fn::fileArchive: \"functions/dist/lambda.zip\"");
        result.Stderr.Should().StartWith("warning: functions/dist/lambda.zip is missing");
    }

    [Fact]
    public void Plugin_discovery_needs_no_zip()
    {
        File.Delete(Path.Combine(_dir, "functions", "dist", "lambda.zip"));

        var result = Run([]);

        result.Exit.Should().Be(Compiler.Ok, result.Stderr);
        result.Stderr.Should().BeEmpty();
    }

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

    // The eu secondary's primary, as its own file in the same project folder.
    private const string PeerFile = """
        config:
          aws:region: eu-central-1
          failover:role: primary
          failover:peerRegion: eu-west-1
          failover:peerStack: eu
          failover:domainName: shop.example.org
          failover:hostedZoneId: Z0987654321ZYXWVUTSRQ
          failover:containerImage: public.ecr.aws/nginx/nginx:stable
          failover:standbyCount: 0
        """;

    [Fact]
    public void A_peer_stack_file_that_agrees_changes_nothing()
    {
        WriteStack("eu", StackFile);
        File.WriteAllText(Path.Combine(_dir, "Pulumi.primary.yaml"), PeerFile);

        var (exit, stdout, stderr) = Run(["--stack", "eu"]);

        exit.Should().Be(Compiler.Ok, stderr);
        stdout.Should().StartWith("name: \"failover\"");
    }

    [Fact]
    public void Keys_both_stacks_share_must_agree_with_the_peer_stacks_file_and_each_difference_names_both_files()
    {
        WriteStack("eu", StackFile);
        File.WriteAllText(Path.Combine(_dir, "Pulumi.primary.yaml"), PeerFile.Replace("failover:standbyCount: 0", "failover:standbyCount: 1", StringComparison.Ordinal)
            + "\n  failover:trafficGate: route53-api\n  failover:dnsFailover: gated\n");

        var (exit, stdout, stderr) = Run(["--stack", "eu"]);

        exit.Should().Be(Compiler.InvalidConfig);
        stdout.Should().BeEmpty("nothing is compiled when the pair disagrees");
        stderr.Should().Contain("error: 2 problem(s) between stack 'eu' and its peer:\n")
            .And.Contain("  - failover:trafficGate is metric in Pulumi.eu.yaml but route53-api in Pulumi.primary.yaml: ")
            .And.Contain("  - failover:standbyCount is 0 in Pulumi.eu.yaml but 1 in Pulumi.primary.yaml: the failback scales the secondary back to it")
            .And.NotContain("dnsFailover", "an explicit default equals the default");
    }

    [Fact]
    public void A_peer_of_the_same_role_or_in_another_region_is_refused()
    {
        WriteStack("eu", StackFile);
        File.WriteAllText(Path.Combine(_dir, "Pulumi.primary.yaml"), PeerFile.Replace("role: primary", "role: secondary", StringComparison.Ordinal)
            .Replace("aws:region: eu-central-1", "aws:region: eu-west-3", StringComparison.Ordinal));

        var (exit, _, stderr) = Run(["--stack", "eu"]);

        exit.Should().Be(Compiler.InvalidConfig);
        stderr.Should().Contain("failover:role is secondary in both Pulumi.eu.yaml and Pulumi.primary.yaml")
            .And.Contain("failover:peerRegion is eu-central-1 in Pulumi.eu.yaml, but Pulumi.primary.yaml deploys to eu-west-3");
    }

    [Fact]
    public void Under_pulumi_the_peer_stacks_file_is_compared_too()
    {
        WriteStack("eu", StackFile);
        File.WriteAllText(Path.Combine(_dir, "Pulumi.primary.yaml"), PeerFile + "\n  failover:activeCount: 3\n");

        var (exit, stdout, stderr) = Run([], PulumiRun());

        exit.Should().Be(Compiler.InvalidConfig);
        stdout.Should().BeEmpty();
        stderr.Should().Contain("failover:activeCount is 2 in the config of stack 'eu' but 3 in Pulumi.primary.yaml");
    }

    [Fact]
    public void The_environment_protocol_and_offline_mode_give_the_same_program()
    {
        WriteStack("eu", StackFile);

        // The organization names the primary stack the secondary reads, so offline mode is told the same one.
        var offline = Run(["--stack", "eu", "--organization", "acme"]);
        var online = Run([], new() { ["PULUMI_STACK"] = "eu", ["PULUMI_PROJECT"] = "failover", ["PULUMI_ORGANIZATION"] = "acme", ["PULUMI_CONFIG"] = PulumiConfig });

        offline.Exit.Should().Be(0, offline.Stderr);
        online.Exit.Should().Be(0, online.Stderr);
        online.Stdout.Should().Be(offline.Stdout, Golden.LineDiff.Describe(offline.Stdout, online.Stdout));
        offline.Stdout.Should().Contain("\"SECONDARY\"").And.Contain("Team: \"shop\"").And.Contain("desiredCount: 0")
            .And.Contain("name: \"acme/failover/primary\"");
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
    public void Offline_the_recovery_time_budget_goes_to_stderr_and_stdout_stays_the_program()
    {
        WriteStack("eu", StackFile);

        var (exit, stdout, stderr) = Run(["--stack", "eu"]);

        exit.Should().Be(Compiler.Ok, stderr);
        stdout.Should().StartWith("name: \"failover\"").And.NotContain("Recovery time budget");
        stderr.Should().StartWith("Recovery time budget of stack 'eu' (failover into eu-west-1), a model:\n")
            .And.Contain("2 tasks to start (activeCount 2 - standbyCount 0, pilot light)")
            .And.Contain("\n  total                             335 s   1290 s  5 min 35 s typical, 21 min 30 s at worst\n");
    }

    [Fact]
    public void Under_pulumi_the_budget_is_not_printed()
    {
        var (exit, _, stderr) = Run([], PulumiRun());

        exit.Should().Be(Compiler.Ok, stderr);
        stderr.Should().BeEmpty();
    }

    /// The pilot-light secondary above takes 1290 s at worst: a 15-minute objective (900 s) cannot be promised.
    [Fact]
    public void A_worst_case_over_the_objective_is_refused_offline_after_the_breakdown()
    {
        WriteStack("eu", StackFile + "\n  failover:rtoObjectiveMinutes: 15\n");

        var (exit, stdout, stderr) = Run(["--stack", "eu"]);

        exit.Should().Be(Compiler.OverRecoveryObjective);
        stdout.Should().BeEmpty();
        stderr.Should().StartWith("Recovery time budget of stack 'eu'").And.Contain("the bound exceeds it by 6 min 30 s");
        stderr.TrimEnd('\n').Split('\n')[^1].Should().StartWith(
            "error: failover:rtoObjectiveMinutes is 15 min (900 s), but the modelled worst-case failover of stack 'eu' takes 1290 s (21 min 30 s) " +
            "in Pulumi.eu.yaml: the most is scale-up and readiness 600 s");
    }

    [Fact]
    public void Under_pulumi_a_worst_case_over_the_objective_is_one_line_and_no_program()
    {
        var env = PulumiRun();
        env["PULUMI_CONFIG"] = PulumiConfig.Replace("\"failover:defaultFlag\":\"block\"", "\"failover:defaultFlag\":\"block\",\"failover:rtoObjectiveMinutes\":\"15\"",
            StringComparison.Ordinal);

        ShouldFailWithOneLine(Run([], env), Compiler.OverRecoveryObjective,
            "error: failover:rtoObjectiveMinutes is 15 min (900 s), but the modelled worst-case failover of stack 'eu' takes 1290 s (21 min 30 s) " +
            "in the config of stack 'eu': the most is scale-up and readiness 600 s");
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
        ShouldFailWithOneLine(Run(["--stak", "primary"]), Compiler.Usage, "error: unexpected argument '--stak' (run with --help for usage)");

    [Theory]
    [InlineData(new[] { "--stack" }, "error: --stack needs a stack name, e.g. --stack primary")]
    [InlineData(new[] { "--stack", "--out", "x.yaml" }, "error: --stack needs a stack name, e.g. --stack primary")]
    [InlineData(new[] { "--stack", "eu", "--out" }, "error: --out needs a file to write the program to, e.g. --out primary.yaml")]
    public void An_option_without_its_value_says_what_it_needs(string[] args, string expected)
    {
        WriteStack("eu", StackFile);
        ShouldFailWithOneLine(Run(args), Compiler.Usage, expected);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void A_stack_name_that_is_a_path_is_refused_before_any_file_is_read(string stack) =>
        ShouldFailWithOneLine(Run(["--stack", stack]), Compiler.Usage,
            $"error: --stack takes a stack name (letters, digits, '-', '_', '.'), not a path (got '{stack}')");

    [Fact]
    public void Out_into_a_missing_folder_is_one_clear_line_and_writes_nothing()
    {
        WriteStack("eu", StackFile);
        var target = Path.Combine(_dir, "no-such-folder", "program.yaml");

        ShouldFailWithOneLine(Run(["--stack", "eu", "--out", target]), Compiler.CannotWrite,
            $"error: cannot write {target}: the folder {Path.Combine(_dir, "no-such-folder")} does not exist");
        Directory.Exists(Path.Combine(_dir, "no-such-folder")).Should().BeFalse();
    }

    [Fact]
    public void Invalid_yaml_names_the_file_line_and_column()
    {
        WriteStack("eu", StackFile.Replace("  failover:role: secondary", "  failover:role: [secondary"));

        var result = Run(["--stack", "eu"]);

        ShouldFailWithOneLine(result, Compiler.InvalidConfig, "error: Pulumi.eu.yaml line ");
        result.Stderr.Should().MatchRegex(@"^error: Pulumi\.eu\.yaml line \d+, column \d+: invalid YAML: \S.*\n$");
    }

    [Fact]
    public void A_non_scalar_config_key_names_where_it_is()
    {
        WriteStack("eu", StackFile.Replace("  failover:standbyCount: 0", "  ? [a, b]\n  : 0"));

        ShouldFailWithOneLine(Run(["--stack", "eu"]), Compiler.InvalidConfig,
            "error: Pulumi.eu.yaml line 8, column 5: a config key must be a plain string, not a list");
    }

    [Fact]
    public void A_config_section_that_is_not_a_mapping_is_refused()
    {
        WriteStack("eu", "config: [a, b]\n");

        ShouldFailWithOneLine(Run(["--stack", "eu"]), Compiler.InvalidConfig,
            "error: Pulumi.eu.yaml line 1, column 9: 'config' must be a mapping of keys to values, not a list");
    }

    [Fact]
    public void The_environment_protocol_reports_every_missing_or_invalid_variable_in_one_run()
    {
        var (exit, stdout, stderr) = Run([], new() { ["PULUMI_STACK"] = "eu", ["PULUMI_CONFIG"] = """{"aws:region":"eu-west-1","failover:standbyCount":0}""" });

        exit.Should().Be(Compiler.InvalidConfig);
        stdout.Should().BeEmpty();
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            "error: 2 problem(s) in Pulumi's environment:",
            "  - PULUMI_PROJECT is not set: Pulumi passes the project's name",
            "  - PULUMI_CONFIG has a non-string value for failover:standbyCount (Pulumi passes every value as a string)");
    }

    [Fact]
    public void A_pulumi_run_without_its_stack_is_an_error_not_plugin_discovery()
    {
        var (exit, stdout, stderr) = Run([], new() { ["PULUMI_PROJECT"] = "failover", ["PULUMI_CONFIG"] = "{}" });

        exit.Should().Be(Compiler.InvalidConfig);
        stdout.Should().BeEmpty();
        stderr.Should().Be("error: PULUMI_STACK is not set: Pulumi passes the stack's name (PULUMI_PROJECT or PULUMI_CONFIG is set: if your shell exports them, unset them)\n");
    }

    private static void ShouldFailWithOneLine((int Exit, string Stdout, string Stderr) result, int exit, string startOfLine)
    {
        result.Exit.Should().Be(exit, result.Stderr);
        result.Stdout.Should().BeEmpty();
        result.Stderr.Should().StartWith(startOfLine).And.EndWith("\n");
        result.Stderr.TrimEnd('\n').Should().NotContain("\n", "one problem is one line").And.NotContain("   at ", "never a stack trace");
    }

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

    private (int Exit, string Stdout, string Stderr) RunProcess(Dictionary<string, string> env) => BuiltCompiler.Run(_dir, env);

    private static HashSet<string> Packages(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var resources = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["resources"];
        // `pulumi:` types (StackReference) are built in: no plugin to discover.
        return resources.Children.Values.Select(r => ((YamlScalarNode)((YamlMappingNode)r)["type"]).Value!.Split(':')[0]).Where(p => p != "pulumi").ToHashSet();
    }

    [Fact]
    public void The_pulumi_config_fixture_is_valid_json() =>
        JsonDocument.Parse(PulumiConfig).RootElement.EnumerateObject().Should().OnlyContain(p => p.Value.ValueKind == JsonValueKind.String);
}
