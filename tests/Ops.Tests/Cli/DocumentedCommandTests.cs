using System.Text.RegularExpressions;
using Failover.Ops.Cli;

namespace Failover.Ops.Tests.Cli;

/// Every failoverctl command line the documentation and the example pipeline show is one the tool accepts.
public sealed partial class DocumentedCommandTests
{
    private static readonly OpsContext Context = new()
    {
        Environment = new Dictionary<string, string>(), Out = TextWriter.Null, Err = TextWriter.Null, WorkingDirectory = Path.GetTempPath(),
    };

    /// A command line as the guides show it, installed or through the wrapper, up to a pipe or a redirection.
    [GeneratedRegex(@"^\$? ?(?:bash infra/Ops/failoverctl\.sh|failoverctl) (?<args>[^|>\n]*)", RegexOptions.Multiline)]
    private static partial Regex ReadmeLine();

    [GeneratedRegex(@"""[^""]*""|\S+")]
    private static partial Regex Word();

    /// Words as a shell splits them (double quotes only, which is all the documentation uses), up to a comment.
    public static string[] Words(string line) =>
        [.. Word().Matches(line).Select(m => m.Value).TakeWhile(w => w != "#").Select(w => w.Trim('"'))];

    private static IReadOnlyList<string> ReadmeLines() =>
        [.. ReadmeLine().Matches(Repo.Documentation()).Select(m => m.Groups["args"].Value.Trim())];

    // Each line once: the same line in two guides is one case.
    public static TheoryData<string> ReadmeCommands() => new(ReadmeLines().Distinct());

    [Theory]
    [MemberData(nameof(ReadmeCommands))]
    public void A_command_line_in_the_readme_parses(string line) =>
        Failover.Ops.Cli.Cli.Parse(Words(line), Context).Errors.Select(e => e.Message).Should().BeEmpty(line);

    [Fact]
    public void The_readme_shows_every_command()
    {
        var shown = ReadmeLines().Select(line => Words(line)[0]).ToHashSet();
        shown.Should().BeEquivalentTo(["deploy", "flag", "status", "start", "rto", "readiness", "report", "completion", "--help"]);
    }

    [Fact]
    public void The_example_pipelines_command_lines_parse()
    {
        var pipeline = File.ReadAllText(Repo.Path("infra", "Ops", "examples", "github-actions-release.yml"));
        var preview = Regex.Match(pipeline, @"--no-build -- (?<args>deploy [^\n]*)").Groups["args"].Value;
        var releases = Regex.Matches(pipeline, @"args=\((?<args>[^)]*)\)").Select(m => m.Groups["args"].Value).ToList();
        preview.Should().NotBeEmpty();
        releases.Should().HaveCount(2, "the release and the forced release");

        foreach (var args in releases.SelectMany(r => new[] { Words(r), [.. Words(r), "--stacks", "secondary"] }).Prepend(Words(preview)))
            Failover.Ops.Cli.Cli.Parse(args, Context).Errors.Select(e => e.Message).Should().BeEmpty(string.Join(' ', args));
    }
}
