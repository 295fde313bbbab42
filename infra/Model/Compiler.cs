using System.Text;
using System.Text.RegularExpressions;
using Failover.Infra.Config;
using Failover.Infra.Estimates;
using Failover.Infra.Yaml;

namespace Failover.Infra;

/// The command line: Pulumi's environment protocol, offline `--stack NAME`, or plugin discovery with no input at all.
/// Every failure is one line per problem on stderr, a non-zero exit and nothing on stdout (Pulumi reads stdout as the program);
/// offline, a recovery time budget over its objective first prints its breakdown there.
public static partial class Compiler
{
    // The codes mean what failoverctl's do (docs/operating.md, exit codes): 1 failed, 2 usage, 3 refused with nothing changed,
    // 5 over the recovery-time objective, 70 a defect (Program.cs).
    public const int Ok = 0, InvalidConfig = 1, CannotWrite = 1, Usage = 2, PackageNotBuilt = 3, OverRecoveryObjective = 5;

    private const string Help = """
        Compiles a region stack of the failover project to a Pulumi YAML program on stdout.

          bash infra/compile.sh --stack NAME [--out FILE] [--organization ORG]
              Offline: reads Pulumi.yaml and Pulumi.NAME.yaml from the current directory, and prints the
              stack's recovery time budget on stderr; --out writes the program to FILE instead of stdout.
          (no arguments, PULUMI_STACK etc. set)  what `pulumi up` runs (Pulumi.yaml options.compiler)
          (no arguments, no PULUMI_STACK)        plugin discovery: a program naming the same providers

        Exit codes (as failoverctl's):
          0  compiled
          1  the configuration has errors (each named by key and file), or --out cannot be written
          2  the command line is wrong
          3  refused under Pulumi (preview or up): the functions' zip is missing or stale (dotnet publish functions -c Release)
          5  a recovery time budget is over failover:rtoObjectiveMinutes
          70 a defect (FAILOVER_DEBUG=1 shows it)

        """;

    /// `stdoutIsTerminal`: a person, not Pulumi, reads the output; without a stack they are told what they got instead.
    public static int Run(string[] args, Func<string, string?> env, TextWriter stdout, TextWriter stderr, string directory, bool stdoutIsTerminal = false)
    {
        string? stack = null, output = null, organization = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                stdout.Write(Help);
                return Ok;
            }
            if (arg is not ("--stack" or "--out" or "--organization"))
                return Fail(stderr, Usage, $"unexpected argument '{arg}' (run with --help for usage)");
            if (i + 1 >= args.Length || args[i + 1].StartsWith('-'))
                return Fail(stderr, Usage, arg switch
                {
                    "--stack" => "--stack needs a stack name, e.g. --stack primary",
                    "--out" => "--out needs a file to write the program to, e.g. --out primary.yaml",
                    _ => "--organization needs an organization name",
                });
            var value = args[++i];
            switch (arg)
            {
                case "--stack": stack = value; break;
                case "--out": output = value; break;
                default: organization = value; break;
            }
        }

        // The name becomes part of a file name (Pulumi.NAME.yaml): a path would read some other file.
        if (stack is not null && (!StackName().IsMatch(stack) || stack.Contains("..", StringComparison.Ordinal)))
            return Fail(stderr, Usage, $"--stack takes a stack name (letters, digits, '-', '_', '.'), not a path (got '{stack}')");

        StackInputs inputs;
        try
        {
            inputs = stack is not null ? StackInputs.FromFiles(directory, stack, organization ?? "organization")
                : StackInputs.IsPulumiRun(env) ? StackInputs.FromEnvironment(env)
                : DiscoveryInputs;
        }
        catch (InputException e)
        {
            if (e.Problems.Count == 1) return Fail(stderr, InvalidConfig, e.Problems[0]);
            stderr.WriteLine($"error: {e.Problems.Count} problem(s) in {e.Subject}:");
            foreach (var problem in e.Problems) stderr.WriteLine($"  - {problem}");
            return InvalidConfig;
        }

        var result = ConfigParser.Parse(inputs);
        if (result.Config is null)
        {
            stderr.WriteLine($"error: {result.Errors.Count} problem(s) in the configuration of stack '{inputs.Stack}':");
            foreach (var error in result.Errors) stderr.WriteLine($"  - {error}");
            stderr.WriteLine($"Nothing was compiled. {HowToFix(result.ErrorOrigins, result.SomeSayHow, inputs)} (see docs/configuration.md).");
            return InvalidConfig;
        }

        foreach (var caution in result.Warnings) stderr.WriteLine($"warning: {caution}");
        if (PeerDisagreement(result.Config, inputs, directory, stderr) is { Count: > 0 } disagreements)
        {
            stderr.WriteLine($"error: {disagreements.Count} problem(s) between stack '{inputs.Stack}' and its peer:");
            foreach (var problem in disagreements) stderr.WriteLine($"  - {problem}");
            stderr.WriteLine("Nothing was compiled.");
            return InvalidConfig;
        }

        // The worst case must fit the promise; offline the breakdown is printed for the reader, under Pulumi only a refusal.
        var budget = RecoveryTimeBudget.For(result.Config);
        if (!budget.Fits)
        {
            if (stack is not null) stderr.Write(RecoveryTimeReport.Text(budget));
            return Fail(stderr, OverRecoveryObjective, RecoveryTimeReport.Refusal(budget, inputs.OriginOf(inputs.Key(StackSection.RtoObjectiveMinutes))));
        }

        // Under Pulumi the zip is deployed, so a missing or stale one stops the run; offline the program is only read.
        if (stack is null && StackInputs.IsPulumiRun(env) && Control.FunctionPackage.Problem(directory) is { } notBuilt)
            return Fail(stderr, PackageNotBuilt, notBuilt);
        if (stack is not null && Control.FunctionPackage.Problem(directory) is { } warning)
            stderr.WriteLine($"warning: {warning}; `pulumi up` will refuse until then");

        var yaml = YamlWriter.Write(RegionStack.Build(result.Config));
        if (output is null)
        {
            if (stack is null && !StackInputs.IsPulumiRun(env) && stdoutIsTerminal) stderr.WriteLine(DiscoveryNote(directory));
            stdout.Write(yaml);
            return Compiled(stack, budget, stderr);
        }
        var target = Path.GetFullPath(Path.Combine(directory, output));
        if (Directory.Exists(target))
            return Fail(stderr, CannotWrite, $"cannot write {output}: it is a folder; name a file in it, e.g. --out {Path.Combine(output, $"{inputs.Stack}.yaml")}");
        try
        {
            File.WriteAllText(target, yaml);
            var exit = Compiled(stack, budget, stderr);
            stderr.WriteLine($"wrote {target}: the program of stack '{inputs.Stack}', {yaml.Count(c => c == '\n')} lines, {Encoding.UTF8.GetByteCount(yaml)} bytes");
            return exit;
        }
        catch (DirectoryNotFoundException)
        {
            return Fail(stderr, CannotWrite, $"cannot write {output}: the folder {Path.GetDirectoryName(Path.GetFullPath(Path.Combine(directory, output)))} does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(stderr, CannotWrite, $"cannot write {output}: {e.Message}");
        }
    }

    /// The peer stack's file in this project folder, when there is one (a stack of another project, or a folder without it, is not
    /// compared): what both must share. A peer file that cannot be read or is invalid is its own compile's business: a warning here.
    private static IReadOnlyList<string>? PeerDisagreement(StackConfig config, StackInputs inputs, string directory, TextWriter stderr)
    {
        var peer = config.Control.PeerStack.Split('/');
        if (peer.Length == 3 && peer[1] != config.Project) return null;
        var peerName = peer[^1];
        if (!StackName().IsMatch(peerName) || !File.Exists(Path.Combine(directory, $"Pulumi.{peerName}.yaml"))) return null;
        try
        {
            var peerResult = ConfigParser.Parse(StackInputs.FromFiles(directory, peerName, inputs.Organization));
            if (peerResult.Config is not null) return StackAgreement.Problems(config, inputs.Origin, peerResult.Config, $"Pulumi.{peerName}.yaml");
            stderr.WriteLine($"warning: Pulumi.{peerName}.yaml (the peer stack) is not valid, so the keys both stacks share were not compared; compile it to see why");
        }
        catch (InputException e)
        {
            stderr.WriteLine($"warning: Pulumi.{peerName}.yaml (the peer stack) could not be read ({e.Problems[0]}), so the keys both stacks share were not compared");
        }
        return null;
    }

    /// What fixes the configuration's problems, by where the bad values are: a stack's keys with `pulumi config set` (or in its
    /// file offline), a project default in Pulumi.yaml's `config:` block, where `pulumi config set` would only hide it for one
    /// stack. A line that says its own fix (`pulumi config rm`, a rename) is left to it, so the closing line never contradicts it.
    private static string HowToFix(IReadOnlySet<string> valueOrigins, bool someSayHow, StackInputs inputs)
    {
        if (valueOrigins.Count == 0) return "Each line above says how to fix it";
        var set = $"`pulumi config set --stack {inputs.Stack} KEY VALUE`";
        var stackFix = inputs.Origin == $"Pulumi.{inputs.Stack}.yaml" ? $"in {inputs.Origin}, or with {set}" : $"with {set}";
        var (inStack, inProject) = (valueOrigins.Any(o => o != StackInputs.ProjectFile), valueOrigins.Contains(StackInputs.ProjectFile));
        var (fix, keys) = someSayHow ? ("Where a line above says how to fix it, do that; fix", "the other keys") : ("Fix", "the keys above");
        return inStack && inProject ? $"{fix} {keys} {stackFix}; those in Pulumi.yaml are defaults in its config: block, for every stack"
            : inProject ? $"{fix} {keys} in Pulumi.yaml: each is a default in its config: block, for every stack"
            : $"{fix} {keys} {stackFix}";
    }

    /// At a terminal without a stack, the plugin-discovery program is rarely what the person wanted: say what it is and how to
    /// ask for a stack (Pulumi's own discovery run reads stdout through a pipe and never sees this).
    private static string DiscoveryNote(string directory)
    {
        var stacks = Directory.GetFiles(directory, "Pulumi.*.yaml").Select(f => Path.GetFileName(f)["Pulumi.".Length..^".yaml".Length])
            .Where(s => StackName().IsMatch(s)).Order(StringComparer.Ordinal).ToList();
        return "note: no stack given (--stack NAME, or PULUMI_STACK under Pulumi), so this is the plugin-discovery program, a placeholder stack that " +
            $"names the providers Pulumi installs; for a stack's program add --stack NAME{(stacks.Count > 0 ? $" ({string.Join(", ", stacks)} here)" : "")}";
    }

    // Offline, a compiled stack's recovery time budget follows the program, for the reader (stdout stays the program alone).
    private static int Compiled(string? stack, RecoveryTimeBudget budget, TextWriter stderr)
    {
        if (stack is not null) stderr.Write(RecoveryTimeReport.Text(budget));
        return Ok;
    }

    private static int Fail(TextWriter stderr, int exit, string message)
    {
        stderr.WriteLine($"error: {message}");
        return exit;
    }

    /// Pulumi asks for the program once with no stack to learn its plugins: a placeholder primary names the same providers.
    internal static readonly StackInputs DiscoveryInputs = new("failover", "discovery", "organization", new Dictionary<string, string>
    {
        ["failover:role"] = "primary",
        ["aws:region"] = "us-east-1",
        ["failover:peerRegion"] = "us-west-2",
        ["failover:domainName"] = "app.example.com",
        ["failover:hostedZoneId"] = "Z0000000000000000000",
        ["failover:containerImage"] = "public.ecr.aws/nginx/nginx:stable",
    }, "plugin discovery");

    // Pulumi's stack names: letters, digits, hyphens, underscores and periods.
    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex StackName();
}
