using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;
using System.Text;
using Failover.Ops.Cli;

namespace Failover.Ops.Commands;

/// `failoverctl completion bash|zsh`: a completion script written from the command tree, so that it lists exactly the
/// commands, options and values this build has. Static, not a call back into failoverctl on every Tab: a .NET start per key
/// press is felt.
public static class CompletionCommand
{
    public const string Function = "_failoverctl";

    public static Command Build(OpsContext context)
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh (zsh through its bash completion layer)" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var completion = CommandHelp.Attach(new Command("completion", "Print a shell completion script for failoverctl's commands, options and values"), [
            "source <(failoverctl completion bash)                  # in ~/.bashrc",
            "failoverctl completion bash > ~/.local/share/bash-completion/completions/failoverctl",
            "source <(failoverctl completion zsh)                   # in ~/.zshrc, after compinit",
        ], (ExitCodes.Ok, "the script was printed"));
        completion.Arguments.Add(shell);
        completion.SetAction(parse =>
        {
            var root = parse.RootCommandResult.Command;
            context.Out.Write(parse.GetValue(shell) == "zsh" ? Zsh(root) : Bash(root));
            return ExitCodes.Ok;
        });
        return completion;
    }

    public static string Zsh(Command root) =>
        "#compdef failoverctl\n# zsh completion for failoverctl, through zsh's bash completion layer.\nautoload -U +X bashcompinit && bashcompinit\n" + Bash(root);

    public static string Bash(Command root)
    {
        var commands = Walk(root, "", []).ToList();
        var valued = commands.SelectMany(c => c.Options).Where(TakesValue).DistinctBy(o => o.Name).ToList();
        var script = new StringBuilder();
        script.Append($$"""
            # bash completion for failoverctl, written from its command tree (failoverctl completion bash).
            {{Function}}() {
              local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" path="" word i
              # The subcommands typed so far; an option's value is not one.
              for ((i = 1; i < COMP_CWORD; i++)); do
                word="${COMP_WORDS[i]}"
                case "$word" in
                  {{string.Join('|', valued.SelectMany(Names))}}) ((i++)) ;;
                  -*) ;;
                  *) case "$path $word" in {{string.Join('|', commands.Where(c => c.Path.Length > 0).Select(c => Quote(c.Path)))}}) path="$path $word" ;; esac ;;
                esac
              done
              case "$prev" in

            """);
        foreach (var option in valued)
        {
            var values = option.GetCompletions(CompletionContext.Empty).Select(c => c.Label).ToList();
            var reply = option == GlobalOptions.Cwd ? "COMPREPLY=($(compgen -d -- \"$cur\"))"
                : values.Count > 0 ? $"COMPREPLY=($(compgen -W \"{string.Join(' ', values)}\" -- \"$cur\"))"
                : "COMPREPLY=()";
            script.Append($"    {string.Join('|', Names(option))}) {reply}; return ;;\n");
        }
        script.Append("  esac\n  local words\n  case \"$path\" in\n");
        foreach (var command in commands)
        {
            var words = command.Command.Subcommands.Where(s => !s.Hidden).Select(s => s.Name)
                .Concat(command.Command.Arguments.SelectMany(a => a.GetCompletions(CompletionContext.Empty).Select(c => c.Label)))
                .Concat(command.Options.Where(o => !o.Hidden).Select(o => o is HelpOption ? "--help" : o.Name));
            script.Append($"    {Quote(command.Path)}) words=\"{string.Join(' ', words.Distinct())}\" ;;\n");
        }
        script.Append($$"""
              esac
              COMPREPLY=($(compgen -W "$words" -- "$cur"))
            }
            complete -F {{Function}} failoverctl
            """);
        return script.AppendLine().ToString();
    }

    /// A command, the words that lead to it (" flag set"), and every option it takes, its ancestors' recursive ones included.
    private sealed record Node(Command Command, string Path, IReadOnlyList<Option> Options);

    private static IEnumerable<Node> Walk(Command command, string path, IReadOnlyList<Option> inherited)
    {
        var options = command.Options.Concat(inherited).Distinct().ToList();
        yield return new Node(command, path, options);
        foreach (var sub in command.Subcommands.Where(s => !s.Hidden))
            foreach (var node in Walk(sub, $"{path} {sub.Name}", [.. options.Where(o => o.Recursive)]))
                yield return node;
    }

    private static bool TakesValue(Option option) => option.ValueType != typeof(bool) && option is not (HelpOption or VersionOption);

    private static IEnumerable<string> Names(Option option) => option.Aliases.Prepend(option.Name).Where(n => n.StartsWith('-'));

    private static string Quote(string path) => $"\"{path}\"";
}
