using System.Diagnostics;
using Failover.Ops.Tests.Harness;

namespace Failover.Ops.Tests.Aws;

/// Operators sign in with profiles, not keys in the environment: the SDK's credential chain, run as the real process reads it.
public sealed class CredentialTests(MotoServer moto) : OpsWorld(moto)
{
    /// failoverctl as its own process (the SDK's chain reads the process's environment and files), signed in as `profile` (null:
    /// no AWS_PROFILE) and without keys in the environment.
    private Task<Run> RunProcessAsync(string? profile, params string[] args) => RunProcessAsync(profile, [], args);

    /// The same, with these variables added to (or replacing) its environment.
    private async Task<Run> RunProcessAsync(string? profile, Dictionary<string, string> extra, params string[] args)
    {
        var config = Path.Combine(ProjectDir, "aws");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "credentials"), "[base]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n");
        // An assume-role profile: the SDK calls STS AssumeRole (moto's) with the base profile's keys. An SSO profile nobody signed in with.
        File.WriteAllText(Path.Combine(config, "config"), "[profile operator]\nrole_arn = arn:aws:iam::123456789012:role/operator\nsource_profile = base\nregion = us-east-1\n" +
            "[profile breakglass]\nrole_arn = arn:aws:iam::123456789012:role/break-glass\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n" +
            "[profile oncall]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Operator\nregion = us-east-1\n" +
            "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "failoverctl.dll"), .. args])
        {
            WorkingDirectory = ProjectDir, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var (key, value) in Environment().Where(e => !e.Key.StartsWith("AWS_ACCESS_KEY_ID") && !e.Key.StartsWith("AWS_SECRET")))
            start.Environment[key] = value;
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN" })
            start.Environment.Remove(name);
        if (profile is not null) start.Environment["AWS_PROFILE"] = profile;
        start.Environment["AWS_CONFIG_FILE"] = Path.Combine(config, "config");
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(config, "credentials");
        // The SSO token cache is under HOME: an empty one, so that nobody is signed in.
        start.Environment["HOME"] = ProjectDir;
        foreach (var (key, value) in extra) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Run(process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task An_assume_role_profile_signs_and_is_recorded_as_setBy()
    {
        var run = await RunProcessAsync("operator", "flag", "set", "block", "--reason", "INC-42");

        run.Exit.Should().Be(0, run.ToString());
        (await ItemAsync("flag"))!["setBy"]!.GetValue<string>().Should().StartWith("arn:aws:sts::123456789012:assumed-role/operator/");
    }

    [Fact]
    public async Task No_credentials_at_all_is_one_sentence_that_says_what_was_tried_and_what_to_do()
    {
        var run = await RunProcessAsync(null, "status");

        run.Exit.Should().Be(1, run.ToString());
        run.Stderr.Trim().Should().Be("error: no AWS credentials found (tried AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the profile \"default\" and an instance or container role): " +
            "run `aws sso login --profile NAME` and pass --profile NAME, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        run.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task A_missing_profile_is_one_sentence_that_names_it_and_the_files_looked_in()
    {
        var run = await RunProcessAsync("nobody", "flag", "set", "block", "--reason", "INC-42");

        run.Exit.Should().Be(1, run.ToString());
        var config = Path.Combine(ProjectDir, "aws");
        run.Stderr.Trim().Should().Be($"error: no AWS credentials: the profile \"nobody\" is in neither {config}/config nor {config}/credentials: " +
            "check the name (`aws configure list-profiles`) or name one that is (--profile or AWS_PROFILE)");
        (await ItemAsync("flag")).Should().BeNull();
    }

    [Fact]
    public async Task An_SSO_profile_nobody_signed_in_with_says_to_run_aws_sso_login()
    {
        var run = await RunProcessAsync("oncall", "status", "--output", "json");

        run.Exit.Should().Be(1, run.ToString());
        run.Stderr.Trim().Should().Be("error: no AWS credentials: the SSO profile \"oncall\" is not signed in, or its session expired: run `aws sso login --profile oncall`");
        run.Stderr.Trim().Length.Should().BeLessThan(200, "the SDK's account of each provider it tried is no message for an operator");
    }

    [Fact]
    public async Task A_deploy_without_credentials_fails_with_exit_1_not_the_guards_refusal()
    {
        var run = await RunProcessAsync(null, "deploy", "--yes");

        run.Exit.Should().Be(1, "missing credentials are a failure; 3 means the guard read the state and refused, and --force would override it");
        run.Stderr.Trim().Should().StartWith("error: no AWS credentials found (tried ").And.NotContain("refusing").And.NotContain("--force");
    }

    [Fact]
    public async Task Credentials_AWS_refuses_fail_a_deploy_with_exit_1_before_the_guard_reads_anything()
    {
        await using var proxy = new FaultProxy(Moto.Url);
        proxy.Inject(Fault.Status(403, "<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error></ErrorResponse>",
            "text/xml"), RequestMatch.BodyContains("Action=GetCallerIdentity"));
        var env = Environment();
        env["AWS_ENDPOINT_URL"] = proxy.Url;

        var run = await RunAsync(env, "deploy", "--yes");

        run.Exit.Should().Be(1, run.ToString());
        run.Stderr.Trim().Should().Be("error: AWS refused the credentials (STS ExpiredToken): they expired or are not valid; " +
            "renew AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN in the environment");
        proxy.Requests.Should().NotContain(r => r.Request.Target != null && r.Request.Target.StartsWith("DynamoDB"), "nothing is read without credentials AWS accepts");
    }

    [Fact]
    public async Task The_profile_option_wins_over_AWS_PROFILE_as_it_does_for_the_aws_cli()
    {
        var run = await RunProcessAsync("nobody", "--profile", "operator", "flag", "set", "block", "--reason", "INC-42");

        run.Exit.Should().Be(0, run.ToString());
        (await ItemAsync("flag"))!["setBy"]!.GetValue<string>().Should().StartWith("arn:aws:sts::123456789012:assumed-role/operator/");
    }

    [Fact]
    public async Task The_region_option_moves_an_assume_role_sign_in_to_that_regions_STS()
    {
        await using var sts = new FaultProxy(Moto.Url);

        // The profile's own region is us-east-1: in an outage of it, STS there is the call that must not be made.
        var run = await RunProcessAsync("operator", new Dictionary<string, string> { ["AWS_ENDPOINT_URL_STS"] = sts.Url }, "--region", "us-west-2", "flag", "set", "block", "--reason", "INC-42");

        run.Exit.Should().Be(0, run.ToString());
        var assumeRole = sts.Requests.Where(r => r.Request.Body.Contains("Action=AssumeRole", StringComparison.Ordinal)).Should().ContainSingle().Subject;
        assumeRole.Request.Headers["Authorization"].Should().Contain("/us-west-2/sts/aws4_request");
    }

    [Fact]
    public async Task An_MFA_profile_says_how_to_export_its_keys_in_one_sentence()
    {
        var run = await RunProcessAsync(null, "--profile", "breakglass", "--region", "us-west-2", "status");

        run.Exit.Should().Be(1, run.ToString());
        run.Stderr.Trim().Should().Be("error: no AWS credentials: the profile \"breakglass\" asks for an MFA code, which failoverctl cannot prompt for: " +
            "run `eval \"$(aws configure export-credentials --profile breakglass --region us-west-2 --format env)\"` (AWS CLI v2; it asks for the code), " +
            "then run failoverctl without --profile: those keys serve it and the Pulumi CLI it runs alike");
    }

    [Fact]
    public async Task A_web_identity_token_comes_before_a_profile_in_the_environment_as_it_does_for_Pulumi()
    {
        var token = Path.Combine(ProjectDir, "token");
        File.WriteAllText(token, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwaXBlbGluZSJ9.c2lnbmF0dXJl");
        var pipeline = new Dictionary<string, string> { ["AWS_WEB_IDENTITY_TOKEN_FILE"] = token, ["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/pipeline" };

        var run = await RunProcessAsync("operator", pipeline, "flag", "set", "block", "--reason", "INC-42");

        run.Exit.Should().Be(0, run.ToString());
        (await ItemAsync("flag"))!["setBy"]!.GetValue<string>().Should().StartWith("arn:aws:sts::123456789012:assumed-role/pipeline/");
    }

    [Fact]
    public async Task The_profile_option_wins_over_a_web_identity_token_in_the_environment()
    {
        var token = Path.Combine(ProjectDir, "token");
        File.WriteAllText(token, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwaXBlbGluZSJ9.c2lnbmF0dXJl");
        var pipeline = new Dictionary<string, string> { ["AWS_WEB_IDENTITY_TOKEN_FILE"] = token, ["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/pipeline" };

        var run = await RunProcessAsync(null, pipeline, "--profile", "operator", "flag", "set", "block", "--reason", "INC-42");

        run.Exit.Should().Be(0, run.ToString());
        (await ItemAsync("flag"))!["setBy"]!.GetValue<string>().Should().StartWith("arn:aws:sts::123456789012:assumed-role/operator/");
    }

    [Fact]
    public async Task Credentials_refused_in_the_middle_of_a_command_say_which_profile_to_check()
    {
        await using var proxy = new FaultProxy(Moto.Url);
        proxy.Inject(Fault.Status(400, "{\"__type\":\"com.amazon.coral.service#ExpiredTokenException\",\"message\":\"The security token included in the request is expired\"}"),
            r => r.Target?.StartsWith("DynamoDB", StringComparison.Ordinal) == true);

        var run = await RunProcessAsync("operator", new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = proxy.Url }, "flag", "set", "block", "--reason", "INC-42");

        run.Exit.Should().Be(1, run.ToString());
        run.Stderr.Trim().Should().Be("error: AWS refused the credentials (DynamoDB ExpiredTokenException): they expired or are not valid; " +
            "check the profile: `aws sts get-caller-identity --profile operator`");
    }
}
