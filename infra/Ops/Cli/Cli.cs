using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json.Nodes;
using Failover.Functions.Runtime;
using Failover.Ops.Aws;
using Failover.Ops.Commands;

namespace Failover.Ops.Cli;

/// The command tree, and the one place that turns every failure into one sentence and an exit code.
public static class Cli
{
    public static async Task<int> RunAsync(string[] args, OpsContext context, CancellationToken cancellationToken = default)
    {
        var parse = Parse(args, context);
        if (parse.GetResult(GlobalOptions.DeprecatedJson) is { Implicit: false }) context.Err.WriteLine("warning: --json is deprecated: use --output json");
        return await InvokeAsync(parse, GlobalOptions.WantsJson(parse), context, cancellationToken);
    }

    /// The command line read against the command tree (tests check that documented command lines parse).
    public static ParseResult Parse(string[] args, OpsContext context)
    {
        return Tree(context).Parse(args);
    }

    /// Every command and option failoverctl has; help, completion and the checks of a command line are read from it.
    public static RootCommand Tree(OpsContext context)
    {
        var root = CommandHelp.Attach(new RootCommand("failoverctl: deploy the failover stacks, set the user request flag, read the state of both regions, start and follow failovers, failbacks and drills, show the recovery-time budget, check readiness and report measured recovery times."),
            [
                "failoverctl status",
                "failoverctl status --watch",
                "failoverctl flag set block --reason \"INC-4711: database migration\" --ttl 4h",
                "failoverctl start failover --reason \"us-east-1 ALB 5xx since 09:12\" --wait",
                "failoverctl rto --output json",
                "failoverctl readiness",
                "failoverctl report --last 5",
                "failoverctl --profile oncall --region us-west-2 status",
                "source <(failoverctl completion bash)",
            ],
            [.. ExitCodes.Meanings]);
        foreach (var option in GlobalOptions.All)
            root.Options.Add(option);
        foreach (var command in new[] { DeployCommand.Build(context), FlagCommand.Build(context), StatusCommand.Build(context), StartCommand.Build(context), RtoCommand.Build(context), ReadinessCommand.Build(context), ReportCommand.Build(context), CompletionCommand.Build(context) })
            root.Subcommands.Add(command);
        CommandHelp.Install(root);
        return root;
    }

    private static async Task<int> InvokeAsync(ParseResult parse, bool json, OpsContext context, CancellationToken cancellationToken)
    {
        // --help answers even when the rest of the line is incomplete (`flag set --help` has no mode yet).
        var help = parse.Action is CommandHelp.Action;
        if (!help && Repeated(parse) is { } repeated)
            return Fail(context, json, ExitCodes.Usage, $"{repeated} is given more than once: give it once (see `{CommandPath(parse)} --help`)");
        if (!help && parse.Errors.Count > 0)
        {
            // An unknown word says more than the "required command" error it causes.
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            return Fail(context, json, ExitCodes.Usage, $"{error.Message.TrimEnd('.')} (see `{CommandPath(parse)} --help`)");
        }
        try
        {
            // Ctrl-C is handled by the caller's token (Program.cs), so that a command can say what it leaves running.
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = context.Out, Error = context.Err, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
            }, cancellationToken);
        }
        catch (OpsException e)
        {
            return Fail(context, json, e.ExitCode, e.Message);
        }
        catch (FunctionException e) when (MissingCredentials.Rejected(e, GlobalOptions.Apply(parse, context).Env) is { } rejected)
        {
            // Credentials that expire mid-run (an SSO session during `start --wait`) say what to renew, as deploy's guard does.
            return Fail(context, json, rejected.ExitCode, rejected.Message);
        }
        catch (FunctionException e)
        {
            // The signed AWS clients' typed errors (throttled, refused, unreachable, malformed) already read as a sentence.
            return Fail(context, json, ExitCodes.Failed, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Fail(context, json, ExitCodes.Interrupted, "interrupted; anything already started keeps running (failoverctl status shows it)");
        }
        catch (Exception e)
        {
            return Fail(context, json, ExitCodes.Defect, context.Env("FAILOVER_DEBUG") == "1"
                ? $"failoverctl failed unexpectedly: {e}"
                : $"failoverctl failed unexpectedly ({e.GetType().Name}: {e.Message}); set FAILOVER_DEBUG=1 for details and report it");
        }
    }

    private static int Fail(OpsContext context, bool json, int exitCode, string message)
    {
        // One line, whatever an error body carried (an HTML page from a proxy, a stack trace with FAILOVER_DEBUG off).
        message = System.Text.RegularExpressions.Regex.Replace(message.Trim(), @"\s*\n\s*", " ");
        context.Err.WriteLine($"error: {message}");
        if (json) new Output(context, json).Result(new JsonObject { ["ok"] = false, ["exitCode"] = exitCode, ["message"] = message });
        return exitCode;
    }

    /// An option given twice: an error rather than the last one silently winning (`--reason a --reason b` would keep b).
    private static string? Repeated(ParseResult parse)
    {
        IEnumerable<Option> Options(Command command) => command.Options.Concat(command.Subcommands.SelectMany(Options));
        return Options(parse.RootCommandResult.Command).Distinct()
            .FirstOrDefault(o => parse.GetResult(o) is { IdentifierTokenCount: > 1 })?.Name;
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (SymbolResult? r = parse.CommandResult; r is CommandResult c; r = c.Parent)
            names.Insert(0, c.Parent is null ? "failoverctl" : c.Command.Name);
        return string.Join(' ', names);
    }
}
