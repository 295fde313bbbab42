using System.CommandLine;
using System.Text.RegularExpressions;
using Failover.Ops.Cli;
using Failover.Ops.Tests.Harness;

namespace Failover.Ops.Tests.Cli;

/// Every command's --help ends with command lines to copy and what each exit code means, as `kubectl` and `aws` help does.
public sealed partial class HelpTests
{
    private static OpsContext Context(TextWriter stdout) => new()
    {
        Environment = new Dictionary<string, string>(), Out = stdout, Err = TextWriter.Null, WorkingDirectory = Path.GetTempPath(),
    };

    /// Each command as the words that name it: [], ["flag"], ["flag", "set"], ...
    public static TheoryData<string> Commands()
    {
        IEnumerable<string> Walk(Command command, string path) =>
            command.Subcommands.SelectMany(s => Walk(s, $"{path} {s.Name}".Trim())).Prepend(path);
        return new(Walk(Failover.Ops.Cli.Cli.Tree(Context(TextWriter.Null)), ""));
    }

    private static async Task<Run> HelpAsync(string command)
    {
        var stdout = new StringWriter();
        var exit = await Failover.Ops.Cli.Cli.RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"], Context(stdout));
        return new Run(exit, stdout.ToString(), "");
    }

    [GeneratedRegex(@"^Examples:\n(?<lines>(  .+\n)+)\nExit codes:\n(?<codes>(  \d+ +.+\n)+)", RegexOptions.Multiline)]
    private static partial Regex Sections();

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_ends_with_examples_and_exit_codes(string command)
    {
        var run = await HelpAsync(command);

        run.Exit.Should().Be(0);
        var sections = Sections().Match(run.Stdout.ReplaceLineEndings("\n"));
        sections.Success.Should().BeTrue(run.Stdout);
        sections.Groups["codes"].Value.Should().Contain("  2    the command line was wrong; nothing was done")
            .And.Contain("  130  interrupted (Ctrl-C)");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_example_in_help_is_a_command_line_failoverctl_accepts(string command)
    {
        var examples = Sections().Match((await HelpAsync(command)).Stdout.ReplaceLineEndings("\n")).Groups["lines"].Value;

        foreach (Match example in Invocation().Matches(examples))
        {
            var words = DocumentedCommandTests.Words(example.Groups["args"].Value);
            if (command.Length > 0) string.Join(' ', words).Should().StartWith(command, "a command's examples are of that command");
            Failover.Ops.Cli.Cli.Parse(words, Context(TextWriter.Null)).Errors.Select(e => e.Message).Should().BeEmpty(example.Value);
        }
    }

    [GeneratedRegex(@"failoverctl (?<args>[^|>)#\n]*)")]
    private static partial Regex Invocation();

    [Fact]
    public async Task The_root_help_lists_every_exit_code_failoverctl_has()
    {
        var codes = Sections().Match((await HelpAsync("")).Stdout.ReplaceLineEndings("\n")).Groups["codes"].Value;

        Regex.Matches(codes, @"^  (\d+)", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value))
            .Should().Equal(typeof(ExitCodes).GetFields().Where(f => f.IsLiteral).Select(f => (int)f.GetValue(null)!).Order());
    }
}
