namespace Failover.Infra.Tests.Golden;

/// The compiled programs of the shipped stacks are artifacts to review: a change shows up as a readable diff.
public sealed class GoldenProgramTests
{
    public const string Regenerate = "UPDATE_GOLDENS=1 dotnet test --filter GoldenProgramTests";

    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    public void The_compiled_stack_matches_its_golden_file(string stack)
    {
        var actual = CompileOffline(stack);
        var goldenPath = Repo.Path("tests", "golden", $"{stack}.yaml");

        if (Environment.GetEnvironmentVariable("UPDATE_GOLDENS") == "1") File.WriteAllText(goldenPath, actual);

        File.Exists(goldenPath).Should().BeTrue($"the golden file exists; create it with `{Regenerate}`");
        var expected = File.ReadAllText(goldenPath);
        if (expected != actual)
            throw new Xunit.Sdk.XunitException(
                $"The compiled '{stack}' program differs from tests/golden/{stack}.yaml:\n{LineDiff.Describe(expected, actual)}\n" +
                $"If the change is intended: {Regenerate}, then review `git diff tests/golden`.");
    }

    internal static string CompileOffline(string stack)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = Compiler.Run(["--stack", stack], _ => null, stdout, stderr, Repo.Root);
        exit.Should().Be(Compiler.Ok, stderr.ToString());
        return stdout.ToString();
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
