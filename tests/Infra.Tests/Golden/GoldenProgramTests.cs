namespace Failover.Infra.Tests.Golden;

/// The compiled programs are artifacts to review: a change shows up as a readable diff. The shipped stacks, and the
/// shipped primary in each other DNS mode and the shipped secondary as a pilot light.
public sealed class GoldenProgramTests
{
    public const string Regenerate = "UPDATE_GOLDENS=1 dotnet test --filter GoldenProgramTests";

    private static readonly Dictionary<string, (string Stack, (string Key, string Value)[] Overrides)> Variants = new()
    {
        ["primary"] = ("primary", []),
        ["secondary"] = ("secondary", []),
        ["primary-endpoint"] = ("primary", [("failover:dnsFailover", "endpoint")]),
        ["primary-automatic"] = ("primary", [("failover:dnsFailover", "automatic")]),
        ["secondary-pilot-light"] = ("secondary", [("failover:standbyCount", "0")]),
    };

    public static TheoryData<string> Names => new(Variants.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void The_compiled_stack_matches_its_golden_file(string name)
    {
        var (stack, overrides) = Variants[name];
        var actual = overrides.Length == 0 ? CompileOffline(stack) : CompileWith(stack, overrides);
        var goldenPath = Repo.Path("tests", "golden", $"{name}.yaml");

        if (Environment.GetEnvironmentVariable("UPDATE_GOLDENS") == "1") File.WriteAllText(goldenPath, actual);

        File.Exists(goldenPath).Should().BeTrue($"the golden file exists; create it with `{Regenerate}`");
        var expected = File.ReadAllText(goldenPath);
        if (expected != actual)
            throw new Xunit.Sdk.XunitException(
                $"The compiled '{name}' program differs from tests/golden/{name}.yaml:\n{LineDiff.Describe(expected, actual)}\n" +
                $"If the change is intended: {Regenerate}, then review `git diff tests/golden`.");
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

/// A small unified-style line diff (LCS), enough to read a golden change in a test failure.
internal static class LineDiff
{
    public static string Describe(string expected, string actual, int maxLines = 60)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
            for (var j = b.Length - 1; j >= 0; j--)
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);

        var lines = new List<string>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y]) { x++; y++; }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1])) lines.Add($"-{x + 1,5}: {a[x++]}");
            else lines.Add($"+{y + 1,5}: {b[y++]}");
        }
        var shown = lines.Take(maxLines).ToList();
        if (lines.Count > maxLines) shown.Add($"… and {lines.Count - maxLines} more changed lines");
        return string.Join('\n', shown);
    }
}
