using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Failover.Ops.Cli;

namespace Failover.Ops.Tests.Cli;

/// Every command the deploy guide (docs/deploying.md) shows, in its `sh` blocks and in its inline code, is one its program
/// accepts: failoverctl's and the compiler's own parsers, the AWS CLI's parser (tests/oracles/aws-cli-check.py), Pulumi's
/// documented commands and flags (below), and the jq line run for real.
public sealed partial class DeployGuideCommandTests
{
    private const string Guide = "docs/deploying.md";

    private static readonly OpsContext Context = new()
    {
        Environment = new Dictionary<string, string>(), Out = TextWriter.Null, Err = TextWriter.Null, WorkingDirectory = Path.GetTempPath(),
    };

    /// The Pulumi CLI's commands and flags the guides may use, from Pulumi's CLI reference, the pages generated from the
    /// CLI's own help (https://www.pulumi.com/docs/iac/cli/commands/pulumi_COMMAND/, e.g. pulumi_state_unprotect/, read
    /// 2026-12-07; no Pulumi CLI is installed here to ask). `=` marks a flag that takes a value as the next word; the others
    /// take one only as `--flag=value` (booleans, and `--refresh`'s optional value). The number is how many arguments it takes.
    private static readonly Dictionary<string, (int Arguments, string Flags)> PulumiCommands = new(StringComparer.Ordinal)
    {
        ["login"] = (1, "-c|--cloud-url= --default-org= --insecure --interactive -l|--local"),
        ["stack"] = (0, "-i|--show-ids --show-name --show-secrets -u|--show-urns -s|--stack="),
        ["stack init"] = (1, "--copy-config-from= --no-select --secrets-provider= -s|--stack= --teams="),
        ["stack select"] = (1, "-c|--create --secrets-provider= -s|--stack="),
        ["stack rm"] = (1, "-f|--force --preserve-config --remove-backups -s|--stack= -y|--yes"),
        ["stack output"] = (1, "-j|--json --shell --show-secrets -s|--stack="),
        ["stack change-secrets-provider"] = (1, "-s|--stack="),
        ["config"] = (0, "--config-file= -j|--json --open --show-secrets -s|--stack="),
        ["config set"] = (2, "--path --plaintext --secret --type= --config-file= -s|--stack="),
        ["preview"] = (0, "--config-file= -d|--debug --diff --expect-no-changes -j|--json -m|--message= -p|--parallel= -r|--refresh " +
            "--replace= --show-config --show-replacement-steps --show-sames -s|--stack= --suppress-outputs --suppress-progress -t|--target= " +
            "--target-dependents --target-replace="),
        ["up"] = (0, "--config-file= -d|--debug --diff --expect-no-changes -j|--json -m|--message= -p|--parallel= -r|--refresh " +
            "--replace= --show-config --show-replacement-steps --show-sames -f|--skip-preview -s|--stack= --suppress-outputs " +
            "--suppress-progress -t|--target= --target-dependents --target-replace= -y|--yes"),
        ["destroy"] = (0, "--config-file= --continue-on-error -d|--debug --diff -x|--exclude= --exclude-protected -j|--json -m|--message= " +
            "-p|--parallel= --preview-only -r|--refresh --remove --run-program --show-config --show-replacement-steps --show-sames " +
            "-f|--skip-preview -s|--stack= --suppress-outputs --suppress-progress -t|--target= --target-dependents -y|--yes"),
        ["import"] = (3, "--config-file= -d|--debug --diff -f|--file= --from= --generate-code -j|--json -m|--message= -o|--out= " +
            "-p|--parallel= --parent= --preview-only --properties= --protect --provider= --skip-preview -s|--stack= --suppress-outputs " +
            "--suppress-progress -y|--yes"),
        ["state unprotect"] = (int.MaxValue, "--all -s|--stack= -y|--yes"),
    };

    /// Flags every Pulumi command inherits.
    private const string PulumiGlobalFlags = "--color= -C|--cwd= --disable-integrity-checking -e|--emoji -Q|--fully-qualify-stack-names " +
        "--logflow --logtostderr --memprofilerate= --non-interactive --profiling= --tracing= -v|--verbose=";

    /// Words of a documented command, as a shell splits them (single and double quotes), without leading `NAME=value`
    /// environment assignments and without a trailing comment or `> FILE` redirection (given separately).
    private sealed record Command(string Text, IReadOnlyList<string> Words, string? Redirect);

    private static string Text => File.ReadAllText(Repo.Path(Guide));

    public static IReadOnlyList<string> Commands() => [.. ShCommands().Concat(InlineCommands()).Distinct()];

    public static TheoryData<string> DocumentedCommands() => new(Commands());

    /// Lines of the ```sh blocks, with `\` continuations joined.
    private static IEnumerable<string> ShCommands()
    {
        string? info = null;
        var pending = "";
        foreach (var raw in Text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("```", StringComparison.Ordinal)) { info = info is null ? line[3..].Trim() : null; continue; }
            if (info != "sh" || line.Length == 0) continue;
            if (line.EndsWith('\\')) { pending += line[..^1] + " "; continue; }
            yield return pending + line;
            pending = "";
        }
    }

    /// Inline code outside the code blocks that starts with a program and has arguments (`pulumi stack rm`, not `pulumi`).
    private static IEnumerable<string> InlineCommands() =>
        InlineCode().Matches(Fence().Replace(Text, ""))
            .Select(m => m.Groups["code"].Value)
            .Where(code => code.Split(' ') is [var program, _, ..] && Checkers.ContainsKey(program));

    /// Each program the guide may show, and how its command lines are checked.
    private static readonly Dictionary<string, string> Checkers = new(StringComparer.Ordinal)
    {
        ["pulumi"] = "Pulumi's documented commands", ["aws"] = "the AWS CLI's parser", ["jq"] = "run",
        ["bash"] = "failoverctl's or the compiler's parser", ["failoverctl"] = "failoverctl's parser", ["dotnet"] = "a project and verb",
    };

    private static Command Parse(string line)
    {
        var words = new List<string>();
        string? redirect = null;
        foreach (Match m in ShellWord().Matches(line))
        {
            var word = m.Value;
            if (word.StartsWith('#')) break;
            if (word == ">") { redirect = ""; continue; }
            var unquoted = Unquote().Replace(word, q => q.Value[1..^1]);
            if (redirect == "") { redirect = unquoted; continue; }
            if (words.Count == 0 && EnvironmentAssignment().IsMatch(word)) continue;
            words.Add(unquoted);
        }
        return new Command(line, words, redirect);
    }

    [Fact]
    public void The_guide_shows_commands_of_each_kind_it_checks()
    {
        var programs = Commands().Select(c => Parse(c).Words[0]).ToHashSet();
        programs.Should().Contain(["pulumi", "aws", "jq", "bash", "failoverctl", "dotnet"]);
        Commands().Should().Contain(c => c.StartsWith("pulumi state unprotect", StringComparison.Ordinal))
            .And.Contain(c => c.Contains("--no-deletion-protection-enabled", StringComparison.Ordinal))
            .And.Contain(c => c.StartsWith("pulumi import", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(DocumentedCommands))]
    public void A_command_in_the_deploy_guide_is_one_its_program_accepts(string line)
    {
        var command = Parse(line);
        var problem = command.Words[0] switch
        {
            "pulumi" => PulumiProblem(command.Words),
            "aws" => AwsResults.Value.GetValueOrDefault(string.Join(' ', command.Words), "not checked by the AWS CLI"),
            "jq" => JqProblem(command),
            "failoverctl" => FailoverctlProblem(command.Words.Skip(1)),
            "bash" when command.Words.Skip(1).FirstOrDefault() == "infra/Ops/failoverctl.sh" => FailoverctlProblem(command.Words.Skip(2)),
            "bash" when command.Words.Skip(1).FirstOrDefault() == "infra/compile.sh" => CompilerProblem(command.Words.Skip(2)),
            "dotnet" => DotnetProblem(command.Words),
            _ => $"no checker for '{command.Words[0]}' ({string.Join(", ", Checkers.Keys)} are checked): show it another way or add one",
        };
        problem.Should().BeNull(line);
    }

    private static string? FailoverctlProblem(IEnumerable<string> args) =>
        Failover.Ops.Cli.Cli.Parse([.. args], Context).Errors.Select(e => e.Message).FirstOrDefault();

    private static string? CompilerProblem(IEnumerable<string> args)
    {
        // Offline and without Pulumi's variables, as a reader runs it in a clone.
        var stderr = new StringWriter();
        var exit = Failover.Infra.Compiler.Run([.. args], _ => null, new StringWriter(), stderr, Repo.Root);
        return exit == 0 ? null : $"the compiler exits {exit}: {stderr}";
    }

    /// `dotnet VERB PROJECT ...`: a verb the guides use on a project folder that exists.
    private static string? DotnetProblem(IReadOnlyList<string> words) =>
        words.Count < 3 || words[1] is not ("build" or "publish" or "test" or "run") ? $"dotnet {words.ElementAtOrDefault(1)}: not a verb the guides use"
        : Directory.Exists(Repo.Path(words[2])) ? null : $"no project folder {words[2]}";

    private static string? PulumiProblem(IReadOnlyList<string> words)
    {
        var name = PulumiCommands.Keys.Where(k => words.Skip(1).Take(k.Split(' ').Length).SequenceEqual(k.Split(' ')))
            .MaxBy(k => k.Length);
        if (name is null) return $"'pulumi {words.ElementAtOrDefault(1)}' is not a Pulumi command the list above holds";
        var (arguments, flags) = PulumiCommands[name];
        var known = (flags + " " + PulumiGlobalFlags).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(f => f.TrimEnd('=').Split('|').Select(n => (Name: n, TakesValue: f.EndsWith('='))))
            .ToDictionary(f => f.Name, f => f.TakesValue, StringComparer.Ordinal);
        var positional = 0;
        var rest = words.Skip(1 + name.Split(' ').Length).ToList();
        for (var i = 0; i < rest.Count; i++)
        {
            if (!rest[i].StartsWith('-')) { positional++; continue; }
            var flag = rest[i].Split('=', 2)[0];
            if (!known.TryGetValue(flag, out var takesValue)) return $"pulumi {name} has no flag {flag}";
            if (takesValue && !rest[i].Contains('=') && ++i >= rest.Count) return $"{flag} needs a value";
        }
        return positional > arguments ? $"pulumi {name} takes {arguments} argument(s), got {positional}" : null;
    }

    /// The jq line, run in the repository: it must print a policy with every action docs/deploy-permissions.json lists,
    /// small enough for an inline role policy (IAM quotas: 10,240 characters, whitespace not counted).
    private static string? JqProblem(Command command)
    {
        var output = RunJq(command);
        using var policy = JsonDocument.Parse(output);
        var statement = policy.RootElement.GetProperty("Statement")[0];
        var actions = statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!).ToHashSet();
        using var permissions = JsonDocument.Parse(File.ReadAllText(Repo.Path("docs", "deploy-permissions.json")));
        var listed = permissions.RootElement.GetProperty("resourceTypes").EnumerateObject().SelectMany(t => t.Value.EnumerateArray())
            .Concat(permissions.RootElement.GetProperty("besides").EnumerateObject().SelectMany(b => b.Value.GetProperty("actions").EnumerateArray()))
            .Select(a => a.GetString()!).ToHashSet();
        var size = output.Count(c => !char.IsWhiteSpace(c));
        return !actions.SetEquals(listed) ? "the policy's actions are not the listed ones"
            : statement.GetProperty("Resource").GetString() != "*" ? "the policy is not on \"*\""
            : size > 10_240 ? $"the policy has {size} characters, over an inline policy's 10,240" : null;
    }

    private static string RunJq(Command command)
    {
        var start = new ProcessStartInfo("jq", command.Words.Skip(1)) { WorkingDirectory = Repo.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("jq is not installed: the deploy guide's policy command needs it");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, stderr);
        return stdout.Result;
    }

    /// Every aws line in one run of the AWS CLI's parser, with the files the guide writes: ```json NAME blocks, and what
    /// a command redirects to (the jq line's policy).
    private static readonly Lazy<Dictionary<string, string?>> AwsResults = new(() =>
    {
        var commands = Commands().Select(Parse).ToList();
        var files = JsonFiles().ToDictionary(f => f.Name, f => f.Content);
        foreach (var c in commands.Where(c => c.Redirect is not null && c.Words[0] == "jq")) files[c.Redirect!] = RunJq(c);
        var request = JsonSerializer.Serialize(new
        {
            commands = commands.Where(c => c.Words[0] == "aws").Select(c => c.Words),
            files,
        });
        var start = new ProcessStartInfo("python3", [Repo.Path("tests", "oracles", "aws-cli-check.py")])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(request);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"aws-cli-check.py failed (is the AWS CLI installed? pip install awscli): {stderr}");
        using var result = JsonDocument.Parse(stdout.Result);
        return result.RootElement.GetProperty("results").EnumerateArray().ToDictionary(
            r => string.Join(' ', r.GetProperty("words").EnumerateArray().Select(w => w.GetString())),
            r => r.GetProperty("error").GetString());
    });

    private static IEnumerable<(string Name, string Content)> JsonFiles() =>
        JsonBlock().Matches(Text).Select(m => (m.Groups["name"].Value, m.Groups["content"].Value));

    [Fact]
    public void The_checks_refuse_what_their_program_would()
    {
        PulumiProblem(["pulumi", "state", "unprotect", "--all", "--stack", "primary"]).Should().BeNull();
        PulumiProblem(["pulumi", "state", "unprotec", "--all"]).Should().Contain("not a Pulumi command");
        PulumiProblem(["pulumi", "destroy", "--stack"]).Should().Be("--stack needs a value");
        PulumiProblem(["pulumi", "stack", "rm", "primary", "--keep-config"]).Should().Be("pulumi stack rm has no flag --keep-config");
        PulumiProblem(["pulumi", "up", "primary"]).Should().Be("pulumi up takes 0 argument(s), got 1");
        CompilerProblem(["--stack", "no-such-stack"]).Should().NotBeNull();
        FailoverctlProblem(["status", "--no-such-option"]).Should().NotBeNull();
        DotnetProblem(["dotnet", "publish", "function", "-c", "Release"]).Should().Be("no project folder function");
    }

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|'[^']*'|[^\s""']+(?:(?:""(?:[^""\\]|\\.)*""|'[^']*')[^\s""']*)*")]
    private static partial Regex ShellWord();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|'[^']*'")]
    private static partial Regex Unquote();

    [GeneratedRegex(@"^[A-Z_][A-Z0-9_]*=")]
    private static partial Regex EnvironmentAssignment();

    [GeneratedRegex(@"^\s*```.*?^\s*```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"`(?<code>[^`\n]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^\s*```json (?<name>\S+)\n(?<content>.*?)^\s*```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
