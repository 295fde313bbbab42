using System.Text.RegularExpressions;
using Failover.Ops.Cli;
using Failover.Ops.Pulumi;

namespace Failover.Ops.Release;

/// The functions' zip the stacks deploy (functions/dist/lambda.zip): under Pulumi the compiler refuses a missing or stale one,
/// so a release builds it first (docs/deploying.md).
public static partial class FunctionsBuild
{
    public static readonly IReadOnlyList<string> Arguments = ["publish", "functions", "-c", "Release"];

    /// Relative to the project folder.
    public static readonly string Zip = Path.Combine("functions", "dist", "lambda.zip");

    public static string Command => $"dotnet {string.Join(' ', Arguments)}";

    /// Runs `dotnet publish functions -c Release` in the project folder, its output shown as progress; a failure names the
    /// first error the build reported.
    public static async Task RunAsync(Session session, CancellationToken ct)
    {
        session.Output.Progress($"Building the functions: {Command}");
        var result = await session.Processes.RunAsync("dotnet", "install the .NET 10 SDK, or build in an earlier step and pass --skip-build",
            Arguments, session.Project.Directory, $"the functions' build ({Command})", line => session.Output.Progress($"  {line}"), ct);
        if (result.ExitCode != 0)
            throw new OpsException($"building the functions failed ({Command}, exit code {result.ExitCode}): {Reason(result)}");
    }

    // MSBuild reports errors on stdout as `FILE(LINE,COL): error CODE: MESSAGE [PROJECT]`; the project suffix only repeats the path.
    private static string Reason(ProcessResult result)
    {
        var lines = (result.Stdout + "\n" + result.Stderr).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var line = lines.FirstOrDefault(l => ErrorLine().IsMatch(l)) ?? lines.LastOrDefault() ?? "no output";
        line = ProjectSuffix().Replace(line, "");
        return line.Length > 400 ? line[..400] + "…" : line;
    }

    [GeneratedRegex(@"(^|:\s)error(\s+[A-Z]+\d+)?\s*:", RegexOptions.IgnoreCase)]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"\s+\[[^\]]+\.csproj\]$")]
    private static partial Regex ProjectSuffix();
}
