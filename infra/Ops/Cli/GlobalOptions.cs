using System.CommandLine;
using Failover.Infra.Config;

namespace Failover.Ops.Cli;

/// Options every command takes, with the meaning `aws` and `kubectl` give them where they have one.
public static class GlobalOptions
{
    public const string Table = "table", Json = "json";

    public static readonly Option<string> Output = OutputOption();

    /// The spelling before --output: still accepted, with a warning, so that pipelines written for it keep working.
    public static readonly Option<bool> DeprecatedJson = new("--json") { Description = "Deprecated: use --output json", Recursive = true, Hidden = true };

    public static readonly Option<string?> Profile = new("--profile")
    {
        Description = "The AWS profile to sign in with, for failoverctl and the Pulumi CLI it runs (overrides AWS_PROFILE, and keys or a web identity token in the environment)",
        Recursive = true,
    };

    public static readonly Option<string?> Region = RegionOption();

    public static readonly Option<string?> Cwd = new("--cwd") { Description = "The Pulumi project folder (default: the nearest folder with Pulumi.yaml)", Recursive = true };

    public static readonly Option<string> PrimaryStack = new("--primary-stack")
    {
        Description = "The primary region's stack", Recursive = true, DefaultValueFactory = _ => "primary",
    };

    public static readonly Option<string> SecondaryStack = new("--secondary-stack")
    {
        Description = "The secondary region's stack", Recursive = true, DefaultValueFactory = _ => "secondary",
    };

    public static IEnumerable<Option> All => [Output, DeprecatedJson, Profile, Region, Cwd, PrimaryStack, SecondaryStack];

    /// Whether the result is one JSON document; read from the tokens, so that it holds even when the command line has errors.
    public static bool WantsJson(ParseResult parse) =>
        parse.GetResult(DeprecatedJson) is { Implicit: false } || parse.GetResult(Output)?.Tokens.LastOrDefault()?.Value == Json;

    /// The context with --profile and --region written into the environment that the credential chain and every process
    /// failoverctl starts read: a command line overrides the environment, as it does for `aws`.
    public static OpsContext Apply(ParseResult parse, OpsContext context)
    {
        var profile = parse.GetValue(Profile);
        var region = parse.GetValue(Region);
        if (profile is null && region is null) return context;
        var environment = new Dictionary<string, string>(context.Environment, StringComparer.Ordinal);
        if (profile is not null)
        {
            environment["AWS_PROFILE"] = profile;
            // Keys, then a web identity token, come before a profile named by AWS_PROFILE in the SDK's chain, the Go SDK's that Pulumi
            // uses and failoverctl's own: left in place they would silently win over the profile asked for.
            foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME" })
                environment.Remove(name);
        }
        if (region is not null) environment["AWS_REGION"] = environment["AWS_DEFAULT_REGION"] = region;
        return context with { Environment = environment };
    }

    private static Option<string> OutputOption()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "table: text for people (the default); json: the result as one JSON document on stdout (progress and warnings stay on stderr)",
            Recursive = true, DefaultValueFactory = _ => Table, HelpName = "table|json",
        };
        option.AcceptOnlyFromAmong(Table, Json);
        return option;
    }

    private static Option<string?> RegionOption()
    {
        // Each stack's resources are read and written in the region it is deployed to (its outputs say which): a single
        // region cannot redirect a two-region tool. What is left is where the sign-in happens.
        var option = new Option<string?>("--region")
        {
            Description = "The region in which credentials are resolved (STS for assume-role and web-identity profiles; AWS_REGION for the Pulumi CLI). " +
                "Each stack is still read in its own region; use it when the profile's region is the one that is down",
            Recursive = true,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && !AwsRegions.All.Contains(value))
                result.AddError($"--region takes an AWS region such as us-west-2 (got '{Arguments.Cut(value)}')");
        });
        return option;
    }
}
