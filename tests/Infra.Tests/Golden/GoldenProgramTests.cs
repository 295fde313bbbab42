namespace Failover.Infra.Tests.Golden;

/// The compiled programs are artifacts to review: a change shows up once, as a readable diff. The shipped stacks are kept
/// in full, each state machine definition as its own JSON (ProgramParts); the primary in each other DNS mode and the
/// secondary as a pilot light are kept as their difference from the shipped stack (ProgramDelta). Every byte of every
/// program is compared: the expected program is rebuilt from its files.
public sealed class GoldenProgramTests
{
    public const string Regenerate = "UPDATE_GOLDENS=1 dotnet test tests/Infra.Tests -c Release --filter GoldenProgramTests";

    public static string Folder => Repo.Path("tests", "golden");

    private static readonly Dictionary<string, (string Base, (string Key, string Value)[] Overrides)> Variants = new()
    {
        ["primary-endpoint"] = ("primary", [("failover:dnsFailover", "endpoint")]),
        ["primary-automatic"] = ("primary", [("failover:dnsFailover", "automatic")]),
        ["secondary-pilot-light"] = ("secondary", [("failover:standbyCount", "0")]),
        // Drills are opt-in: the shipped secondary schedules none. Monday 03:00 UTC.
        ["secondary-scheduled-drill"] = ("secondary", [("failover:drillSchedule", "cron(0 3 ? * MON *)")]),
    };

    private static readonly string[] Stacks = ["primary", "secondary"];

    private static bool Updating => Environment.GetEnvironmentVariable("UPDATE_GOLDENS") == "1";

    public static TheoryData<string> StackNames => new(Stacks);

    public static TheoryData<string> VariantNames => new(Variants.Keys);

    [Theory]
    [MemberData(nameof(StackNames))]
    public void The_compiled_stack_matches_its_golden_files(string stack)
    {
        var program = CompileOffline(stack);
        var actual = ProgramParts.Split(program, stack);
        if (Updating) actual.Save(Folder);

        var expected = ProgramParts.Load(Folder, stack);
        if (expected.Join() != program)
            throw new Xunit.Sdk.XunitException($"The compiled '{stack}' program differs from tests/golden/{stack}.*:\n{Differences(expected, actual, stack)}\n" +
                                               $"If the change is intended: {Regenerate}, then review `git diff tests/golden`.");
    }

    [Theory]
    [MemberData(nameof(VariantNames))]
    public void The_compiled_variant_is_its_stacks_golden_with_its_delta(string variant)
    {
        var (stack, overrides) = Variants[variant];
        var stackProgram = CompileOffline(stack);
        var program = CompileWith(stack, overrides);
        // Split with the stack's name, so the parts pair with the stack's and the delta shows only what the settings change.
        var actual = ProgramParts.Split(program, stack);
        if (Updating)
        {
            var stackParts = ProgramParts.Split(stackProgram, stack);
            stackParts.Save(Folder);
            File.WriteAllText(DeltaPath(variant), ProgramDelta.Write(stackParts, actual, variant));
        }

        File.Exists(DeltaPath(variant)).Should().BeTrue($"the delta exists; create it with `{Regenerate}`");
        var golden = ProgramParts.Load(Folder, stack);
        var expected = ProgramDelta.Apply(golden, File.ReadAllText(DeltaPath(variant)), variant);
        if (expected.Join() != program)
            throw new Xunit.Sdk.XunitException(
                $"The compiled '{variant}' program differs from tests/golden/{stack}.* with tests/golden/{variant}.diff applied:\n" +
                Differences(expected, actual, variant) + "\n" +
                (golden.Join() != stackProgram ? $"The stack '{stack}' differs from its golden files too: see its own failure first.\n" : "") +
                $"If the change is intended: {Regenerate}, then review `git diff tests/golden`.");
    }

    [Fact]
    public void The_golden_folder_holds_the_stacks_files_and_the_deltas_and_nothing_else()
    {
        var expected = Stacks.SelectMany(s => ProgramParts.Load(Folder, s).FileNames).Concat(Variants.Keys.Select(v => v + ".diff"));

        Directory.GetFiles(Folder).Select(Path.GetFileName).Should().BeEquivalentTo(expected, "a file no golden reads is stale: delete it");
    }

    /// Exactly what the README's main command prints for a shipped stack.
    internal static string CompileOffline(string stack)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = Compiler.Run(["--stack", stack], _ => null, stdout, stderr, Repo.Root);
        exit.Should().Be(Compiler.Ok, stderr.ToString());
        return stdout.ToString();
    }

    /// A variant as its golden has it: the shipped stack's files with the variant's settings.
    internal static string CompileVariant(string variant)
    {
        var (stack, overrides) = Variants[variant];
        return CompileWith(stack, overrides);
    }

    private static string DeltaPath(string variant) => Path.Combine(Folder, variant + ".diff");

    // Each file that differs, with its own line numbers: the change reads where a reviewer will find it.
    private static string Differences(ProgramParts expected, ProgramParts actual, string name) => string.Join('\n',
        expected.Files.Keys.Union(actual.Files.Keys)
            .Where(suffix => expected.Files.GetValueOrDefault(suffix) != actual.Files.GetValueOrDefault(suffix))
            .Select(suffix => $"{name}{suffix}:\n{LineDiff.Describe(expected.Files.GetValueOrDefault(suffix) ?? "", actual.Files.GetValueOrDefault(suffix) ?? "")}"));

    private static string CompileWith(string stack, (string Key, string Value)[] overrides)
    {
        var inputs = Failover.Infra.Config.StackInputs.FromFiles(Repo.Root, stack);
        var values = inputs.Values.ToDictionary();
        foreach (var (key, value) in overrides) values[key] = value;
        var result = Failover.Infra.Config.ConfigParser.Parse(inputs with { Values = values });
        result.Errors.Should().BeEmpty();
        return Failover.Infra.Yaml.YamlWriter.Write(RegionStack.Build(result.Config!));
    }
}
