using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace Failover.Ops.Cli;

/// What `--help` shows under a command's options: command lines to copy, and what each exit code means for this command.
public sealed record CommandHelp
{
    public required IReadOnlyList<string> Examples { get; init; }

    /// The codes this command ends with besides those every command can (2, 70, 130), each with what it means here.
    public required IReadOnlyList<(int Code, string Meaning)> Codes { get; init; }

    private static readonly ConditionalWeakTable<Command, CommandHelp> Attached = [];

    /// The codes any command can end with: they are added to every command's list.
    private static readonly (int Code, string Meaning)[] Common =
        [.. ExitCodes.Meanings.Where(m => m.Code is ExitCodes.Usage or ExitCodes.Defect or ExitCodes.Interrupted)];

    public static CommandHelp? Of(Command command) => Attached.TryGetValue(command, out var help) ? help : null;

    /// Every code with its meaning, in order: this command's own and the common ones.
    public IEnumerable<(int Code, string Meaning)> AllExitCodes =>
        Codes.Concat(Common.Where(c => Codes.All(e => e.Code != c.Code))).OrderBy(c => c.Code);

    public void Write(TextWriter writer)
    {
        writer.WriteLine("Examples:");
        foreach (var example in Examples) writer.WriteLine($"  {example}");
        writer.WriteLine();
        writer.WriteLine("Exit codes:");
        foreach (var (code, meaning) in AllExitCodes) writer.WriteLine($"  {code,-5}{meaning}");
        writer.WriteLine();
    }

    /// Gives `command` this help and returns it.
    public static T Attach<T>(T command, IReadOnlyList<string> examples, params (int Code, string Meaning)[] exitCodes) where T : Command
    {
        Attached.AddOrUpdate(command, new CommandHelp { Examples = examples, Codes = exitCodes });
        return command;
    }

    /// The help option's action: System.CommandLine's own sections, then this command's examples and exit codes.
    public sealed class Action(CommandLineAction standard) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var result = standard is SynchronousCommandLineAction s ? s.Invoke(parseResult) : 0;
            Of(parseResult.CommandResult.Command)?.Write(parseResult.InvocationConfiguration.Output);
            return result;
        }
    }

    /// Installs the action on the root's help option (every command's --help is that option).
    public static void Install(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new Action(help.Action!);
    }
}
