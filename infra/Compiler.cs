using Failover.Infra.Config;
using Failover.Infra.Yaml;

namespace Failover.Infra;

/// The command line: Pulumi's environment protocol, offline `--stack NAME`, or plugin discovery with no input at all.
public static class Compiler
{
    public const int Ok = 0, InvalidConfig = 1, Usage = 2;

    private const string Help = """
        Compiles a region stack of the failover project to a Pulumi YAML program on stdout.

          dotnet run --project infra -c Release -- --stack NAME [--out FILE] [--organization ORG]
              Offline: reads Pulumi.yaml and Pulumi.NAME.yaml from the current directory.
          (no arguments, PULUMI_STACK etc. set)  what `pulumi up` runs (Pulumi.yaml options.compiler)
          (no arguments, no PULUMI_STACK)        plugin discovery: a program naming the same providers
        """;

    public static int Run(string[] args, Func<string, string?> env, TextWriter stdout, TextWriter stderr, string directory)
    {
        string? stack = null, output = null, organization = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--stack" when i + 1 < args.Length: stack = args[++i]; break;
                case "--out" when i + 1 < args.Length: output = args[++i]; break;
                case "--organization" when i + 1 < args.Length: organization = args[++i]; break;
                case "-h" or "--help": stdout.Write(Help); return Ok;
                default:
                    stderr.WriteLine($"error: unexpected argument '{args[i]}'\n\n{Help}");
                    return Usage;
            }
        }

        StackInputs inputs;
        try
        {
            inputs = stack is not null ? StackInputs.FromFiles(directory, stack, organization ?? "organization")
                : env("PULUMI_STACK") is not null ? StackInputs.FromEnvironment(env)
                : DiscoveryInputs;
        }
        catch (InputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return InvalidConfig;
        }

        var result = ConfigParser.Parse(inputs);
        if (result.Config is null)
        {
            stderr.WriteLine($"error: {result.Errors.Count} problem(s) in the configuration of stack '{inputs.Stack}':");
            foreach (var error in result.Errors) stderr.WriteLine($"  - {error}");
            stderr.WriteLine("Nothing was compiled. Fix the keys above with `pulumi config set` (see README.md, Configuration).");
            return InvalidConfig;
        }

        var yaml = YamlWriter.Write(RegionStack.Build(result.Config));
        if (output is null) stdout.Write(yaml);
        else File.WriteAllText(output, yaml);
        return Ok;
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
}
