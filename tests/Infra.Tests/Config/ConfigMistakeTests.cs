namespace Failover.Infra.Tests.Config;

/// The mistakes a person makes in the configuration, each made in a copy of the shipped project and compiled as they would
/// compile it (the built compiler, in the project folder): the exact lines on stderr, the exit code, and no program.
public sealed class ConfigMistakeTests : IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("failover-mistakes-").FullName;

    // The shipped project file and primary stack, alone (no peer stack file to compare against), with its functions zip built.
    public ConfigMistakeTests()
    {
        foreach (var file in new[] { "Pulumi.yaml", "Pulumi.primary.yaml" }) File.Copy(Repo.Path(file), Path.Combine(_project, file));
        Directory.CreateDirectory(Path.Combine(_project, "functions", "dist"));
        File.WriteAllText(Path.Combine(_project, "functions", "dist", "lambda.zip"), "zip");
    }

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private const string StackFix = "Nothing was compiled. Fix the keys above in Pulumi.primary.yaml, or with `pulumi config set --stack primary KEY VALUE` " +
        "(see docs/configuration.md).\n";

    /// When every line says its own fix (a `pulumi config rm`, a rename), the closing line adds no other.
    private const string EachSaysHow = "Nothing was compiled. Each line above says how to fix it (see docs/configuration.md).\n";

    private static string Problems(params string[] problems) =>
        $"error: {problems.Length} problem(s) in the configuration of stack 'primary':\n" + string.Concat(problems.Select(p => $"  - {p}\n"));

    [Fact]
    public void A_bad_default_in_Pulumi_yaml_is_blamed_on_Pulumi_yaml_and_fixed_there_not_with_pulumi_config_set()
    {
        Edit("Pulumi.yaml", "    description: \"The CPU utilisation target tracking holds\"\n    default: 60\n",
            "    description: \"The CPU utilisation target tracking holds\"\n    default: 95\n");

        ShouldRefuse(Problems("failover:cpuTargetPercent must be <= 90 (got 95) in Pulumi.yaml") +
            "Nothing was compiled. Fix the keys above in Pulumi.yaml: each is a default in its config: block, for every stack (see docs/configuration.md).\n");
    }

    [Fact]
    public void Mistakes_in_both_files_say_how_each_is_fixed()
    {
        Edit("Pulumi.yaml", "    description: \"The CPU utilisation target tracking holds\"\n    default: 60\n",
            "    description: \"The CPU utilisation target tracking holds\"\n    default: 95\n");
        Append("  failover:cpu: 300\n");

        ShouldRefuse(Problems(
                "failover:cpu must be a Fargate CPU size 256, 512, 1024, 2048, 4096, 8192, 16384 (got 300) in Pulumi.primary.yaml",
                "failover:cpuTargetPercent must be <= 90 (got 95) in Pulumi.yaml") +
            "Nothing was compiled. Fix the keys above in Pulumi.primary.yaml, or with `pulumi config set --stack primary KEY VALUE`; " +
            "those in Pulumi.yaml are defaults in its config: block, for every stack (see docs/configuration.md).\n");
    }

    [Fact]
    public void A_stack_key_that_overrides_a_bad_default_is_blamed_on_the_stack_file()
    {
        Edit("Pulumi.yaml", "    description: \"The CPU utilisation target tracking holds\"\n    default: 60\n",
            "    description: \"The CPU utilisation target tracking holds\"\n    default: 95\n");
        Append("  failover:cpuTargetPercent: 99\n");

        ShouldRefuse(Problems("failover:cpuTargetPercent must be <= 90 (got 99) in Pulumi.primary.yaml") + StackFix);
    }

    [Theory]
    [InlineData("failover:typo", "failover:typo is not a known setting in Pulumi.primary.yaml: remove it with `pulumi config rm --stack primary failover:typo`")]
    [InlineData("failover:contanerPort",
        "failover:contanerPort is not a known setting (did you mean failover:containerPort?) in Pulumi.primary.yaml: " +
        "remove it with `pulumi config rm --stack primary failover:contanerPort`")]
    public void An_unknown_key_is_removed_with_pulumi_config_rm(string key, string problem)
    {
        Append($"  {key}: 1\n");

        ShouldRefuse(Problems(problem) + EachSaysHow);
    }

    /// The closing line's `pulumi config set` is for the bad values only: an unknown key's own line says to remove it.
    [Fact]
    public void Mistaken_values_and_an_unknown_key_are_each_fixed_their_own_way()
    {
        Append("  failover:typo: 1\n  failover:cpu: 300\n");

        ShouldRefuse(Problems(
                "failover:cpu must be a Fargate CPU size 256, 512, 1024, 2048, 4096, 8192, 16384 (got 300) in Pulumi.primary.yaml",
                "failover:typo is not a known setting in Pulumi.primary.yaml: remove it with `pulumi config rm --stack primary failover:typo`") +
            "Nothing was compiled. Where a line above says how to fix it, do that; fix the other keys in Pulumi.primary.yaml, " +
            "or with `pulumi config set --stack primary KEY VALUE` (see docs/configuration.md).\n");
    }

    [Fact]
    public void A_retired_key_says_what_replaced_it_and_how_to_remove_it()
    {
        Append("  failover:subnetIds: subnet-0123456789abcdef0\n");

        ShouldRefuse(Problems("failover:subnetIds is no longer read: it was split into publicSubnetIds (the internet-facing ALB) and " +
            "privateSubnetIds (the tasks) in Pulumi.primary.yaml: remove it with `pulumi config rm --stack primary failover:subnetIds`") + EachSaysHow);
    }

    [Fact]
    public void An_unknown_key_in_Pulumi_yaml_is_removed_from_its_config_block()
    {
        Append("  typo:\n    type: integer\n    default: 1\n", "Pulumi.yaml");

        ShouldRefuse(Problems("failover:typo is not a known setting in Pulumi.yaml: remove it from its config: block") + EachSaysHow);
    }

    /// The shape of a region with a letter missing: today's regions are listed, so it is refused instead of compiling (and
    /// switching the control table to eventual consistency, as two regions outside DynamoDB's region sets would).
    [Theory]
    [InlineData("aws:region: us-east-1", "aws:region: us-est-1", "aws:region is not an AWS region (got 'us-est-1') in Pulumi.primary.yaml")]
    [InlineData("failover:peerRegion: us-west-2", "failover:peerRegion: us-wst-2",
        "failover:peerRegion is not an AWS region (got 'us-wst-2'; did you mean us-west-2?) in Pulumi.primary.yaml")]
    public void A_region_that_does_not_exist_is_refused(string line, string mistake, string problem)
    {
        Edit("Pulumi.primary.yaml", line, mistake);

        ShouldRefuse(Problems(problem) + StackFix);
    }

    /// The workflow's service integrations are `arn:aws:states:::…`: a China or GovCloud stack would compile to ARNs that do
    /// not exist there, and a pair across partitions could not call each other at all.
    [Theory]
    [InlineData("aws:region: us-east-1", "aws:region: us-gov-west-1",
        "aws:region is in the aws-us-gov partition, and this project builds ARNs for the aws partition only (got 'us-gov-west-1') in Pulumi.primary.yaml")]
    [InlineData("failover:peerRegion: us-west-2", "failover:peerRegion: cn-north-1",
        "failover:peerRegion is in the aws-cn partition, and this project builds ARNs for the aws partition only (got 'cn-north-1') in Pulumi.primary.yaml")]
    public void A_region_outside_the_aws_partition_is_refused_with_its_partition(string line, string mistake, string problem)
    {
        Edit("Pulumi.primary.yaml", line, mistake);

        ShouldRefuse(Problems(problem) + StackFix);
    }

    [Theory]
    [InlineData("failover:containerImage: [public.ecr.aws/nginx/nginx:stable]",
        "failover:containerImage takes one value, not a list (got [\"public.ecr.aws/nginx/nginx:stable\"]) in Pulumi.primary.yaml")]
    [InlineData("failover:containerImage:\n    image: public.ecr.aws/nginx/nginx:stable",
        "failover:containerImage takes one value, not a mapping (got {\"image\":\"public.ecr.aws/nginx/nginx:stable\"}) in Pulumi.primary.yaml")]
    public void A_list_or_mapping_where_one_value_belongs_is_refused(string mistake, string problem)
    {
        Edit("Pulumi.primary.yaml", "failover:containerImage: public.ecr.aws/nginx/nginx:stable", mistake);

        ShouldRefuse(Problems(problem) + StackFix);
    }

    [Fact]
    public void A_long_list_where_one_value_belongs_is_quoted_by_its_start_and_length()
    {
        Edit("Pulumi.primary.yaml", "failover:containerImage: public.ecr.aws/nginx/nginx:stable",
            "failover:containerImage: [" + string.Join(", ", Enumerable.Repeat("public.ecr.aws/nginx/nginx:stable", 4)) + "]");

        ShouldRefuse(Problems("failover:containerImage takes one value, not a list " +
            "(got [\"public.ecr.aws/nginx/nginx:stable\",\"public.ecr.aws/nginx/nginx… (145 chars)) in Pulumi.primary.yaml") + StackFix);
    }

    [Theory]
    [InlineData("failover:containerPort: \"80\"", "failover:containerPort: \"\"",
        "failover:containerPort is empty (give 1-65535, or leave the key out for the default, 8080) in Pulumi.primary.yaml")]
    [InlineData("failover:containerPort: \"80\"", "failover:containerPort:",
        "failover:containerPort is empty (give 1-65535, or leave the key out for the default, 8080) in Pulumi.primary.yaml")]
    [InlineData("failover:healthCheckPath: /", "failover:healthCheckPath: \"\"",
        "failover:healthCheckPath is empty (give a URL path starting with /, without spaces, or leave the key out for the default, /health) in Pulumi.primary.yaml")]
    public void An_empty_value_is_refused_rather_than_read_as_the_default(string line, string mistake, string problem)
    {
        Edit("Pulumi.primary.yaml", line, mistake);

        ShouldRefuse(Problems(problem) + StackFix);
    }

    /// Pulumi reads `containerPort` in a stack file as the project's `failover:containerPort`, and so does the compiler.
    [Fact]
    public void A_stack_key_without_namespace_is_the_projects()
    {
        Edit("Pulumi.primary.yaml", "failover:containerPort: \"80\"", "containerPort: \"70000\"");

        ShouldRefuse(Problems("failover:containerPort must be <= 65535 (got 70000) in Pulumi.primary.yaml") + StackFix);
    }

    [Fact]
    public void A_key_written_with_and_without_its_namespace_is_refused_where_it_repeats()
    {
        Append("  containerPort: \"81\"\n");

        var (exit, stdout, stderr) = BuiltCompiler.Run(_project, null, "--stack", "primary");

        exit.Should().Be(Compiler.InvalidConfig);
        stdout.Should().BeEmpty();
        stderr.Should().Be($"error: Pulumi.primary.yaml line {Lines("Pulumi.primary.yaml")}, column 3: containerPort is failover:containerPort, which line 8 " +
            "sets too (as failover:containerPort): keep one of the two\n");
    }

    [Theory]
    [InlineData("falover")]
    [InlineData("failovr")]
    [InlineData("Failover")]
    public void A_namespace_that_is_a_slip_of_the_projects_is_refused(string space)
    {
        Edit("Pulumi.primary.yaml", "failover:containerPort: \"80\"", $"{space}:containerPort: \"80\"");

        ShouldRefuse(Problems($"{space}:containerPort is in namespace '{space}', a slip of the project's 'failover', so no setting reads it: " +
            $"rename it failover:containerPort in Pulumi.primary.yaml") + EachSaysHow);
    }

    /// One letter is a quarter of `failover` but a third of `app`: a short project name is slipped only by its case, so a
    /// third party's `api:` keys are left to it.
    [Fact]
    public void A_short_project_name_leaves_a_namespace_one_letter_away_to_its_owner()
    {
        RenameProject("app");
        Append("  api:endpoint: https://api.example.com\n");

        var (exit, _, stderr) = BuiltCompiler.Run(_project, null, "--stack", "primary");

        exit.Should().Be(Compiler.Ok, stderr);
    }

    [Fact]
    public void A_short_project_name_in_another_case_is_still_a_slip()
    {
        RenameProject("app");
        Append("  App:endpoint: https://api.example.com\n");

        ShouldRefuse(Problems("App:endpoint is in namespace 'App', a slip of the project's 'app', so no setting reads it: " +
            "rename it app:endpoint in Pulumi.primary.yaml") + EachSaysHow);
    }

    [Fact]
    public void Another_components_namespace_is_left_to_it()
    {
        Append("  acme:team: platform\n");

        var (exit, _, stderr) = BuiltCompiler.Run(_project, null, "--stack", "primary");

        exit.Should().Be(Compiler.Ok, stderr);
    }

    [Fact]
    public void A_tab_in_the_indentation_is_reported_on_its_own_line()
    {
        Edit("Pulumi.primary.yaml", "  failover:healthCheckPath: /", "\tfailover:healthCheckPath: /");

        var (exit, stdout, stderr) = BuiltCompiler.Run(_project, null, "--stack", "primary");

        exit.Should().Be(Compiler.InvalidConfig);
        stdout.Should().BeEmpty();
        stderr.Should().Be("error: Pulumi.primary.yaml line 9, column 1: invalid YAML: a tab indents this line; YAML indents with spaces only\n");
    }

    /// A value out of range stands for nothing else: no second line for the same key, and no line blaming the keys it is compared to.
    [Theory]
    [InlineData("failover:logRetentionDays: 0", "failover:logRetentionDays must be >= 1 (got 0) in Pulumi.primary.yaml")]
    [InlineData("failover:endpointCheckIntervalSeconds: 5", "failover:endpointCheckIntervalSeconds must be >= 10 (got 5) in Pulumi.primary.yaml")]
    [InlineData("failover:alarmPeriodSeconds: 5", "failover:alarmPeriodSeconds must be >= 10 (got 5) in Pulumi.primary.yaml")]
    [InlineData("failover:cpu: 100", "failover:cpu must be >= 256 (got 100) in Pulumi.primary.yaml")]
    [InlineData("failover:readinessPollSeconds: 4000", "failover:readinessPollSeconds must be <= 300 (got 4000) in Pulumi.primary.yaml")]
    [InlineData("failover:autoscalingMax: 0", "failover:autoscalingMax must be >= 1 (got 0) in Pulumi.primary.yaml")]
    public void One_bad_value_is_one_line(string mistake, string problem)
    {
        Append($"  {mistake}\n");

        ShouldRefuse(Problems(problem) + StackFix);
    }

    [Fact]
    public void Out_says_what_it_wrote()
    {
        var (exit, stdout, stderr) = BuiltCompiler.Run(_project, null, "--stack", "primary", "--out", "primary.yaml");

        var written = File.ReadAllText(Path.Combine(_project, "primary.yaml"));
        exit.Should().Be(Compiler.Ok, stderr);
        stdout.Should().BeEmpty();
        stderr.TrimEnd('\n').Split('\n')[^1].Should().Be(
            $"wrote {Path.Combine(_project, "primary.yaml")}: the program of stack 'primary', {written.Count(c => c == '\n')} lines, {new FileInfo(Path.Combine(_project, "primary.yaml")).Length} bytes");
        written.Should().StartWith("name: \"failover\"");
    }

    [Fact]
    public void Out_on_a_folder_is_refused_and_changes_nothing()
    {
        Directory.CreateDirectory(Path.Combine(_project, "programs"));

        var (exit, stdout, stderr) = BuiltCompiler.Run(_project, null, "--stack", "primary", "--out", "programs");

        exit.Should().Be(Compiler.CannotWrite);
        stdout.Should().BeEmpty();
        stderr.Should().EndWith($"error: cannot write programs: it is a folder; name a file in it, e.g. --out {Path.Combine("programs", "primary.yaml")}\n");
        Directory.EnumerateFileSystemEntries(Path.Combine(_project, "programs")).Should().BeEmpty();
    }

    /// At a terminal (a pseudo-terminal from `script`), no stack means the discovery program: the person is told so, on stderr.
    [Fact]
    public async Task At_a_terminal_without_a_stack_the_discovery_program_says_what_it_is_and_how_to_pick_a_stack()
    {
        File.Copy(Repo.Path("Pulumi.secondary.yaml"), Path.Combine(_project, "Pulumi.secondary.yaml"));
        var (exit, terminal) = await BuiltCompiler.RunAtTerminalAsync(_project);

        exit.Should().Be(Compiler.Ok);
        terminal.Should().Contain(
            "note: no stack given (--stack NAME, or PULUMI_STACK under Pulumi), so this is the plugin-discovery program, a placeholder stack " +
            "that names the providers Pulumi installs; for a stack's program add --stack NAME (primary, secondary here)\r\n")
            .And.Contain("name: \"failover\"");
    }

    private void ShouldRefuse(string expectedStderr)
    {
        var (exit, stdout, stderr) = BuiltCompiler.Run(_project, null, "--stack", "primary");

        stderr.Should().Be(expectedStderr);
        exit.Should().Be(Compiler.InvalidConfig);
        stdout.Should().BeEmpty("nothing is compiled");
    }

    private void Edit(string file, string from, string to)
    {
        var path = Path.Combine(_project, file);
        var text = File.ReadAllText(path);
        text.Should().Contain(from, "the shipped file has the line this test changes");
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    private void Append(string lines, string file = "Pulumi.primary.yaml") =>
        File.AppendAllText(Path.Combine(_project, file), (File.ReadAllText(Path.Combine(_project, file)).EndsWith('\n') ? "" : "\n") + lines);

    private void RenameProject(string name)
    {
        Edit("Pulumi.yaml", "name: failover\n", $"name: {name}\n");
        Edit("Pulumi.primary.yaml", "failover:", $"{name}:");
    }

    private int Lines(string file) => File.ReadAllText(Path.Combine(_project, file)).TrimEnd('\n').Split('\n').Length;
}
