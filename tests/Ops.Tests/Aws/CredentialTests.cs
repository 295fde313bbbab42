using System.Diagnostics;
using Failover.Ops.Tests.Harness;

namespace Failover.Ops.Tests.Aws;

/// Operators sign in with profiles, not keys in the environment: the SDK's credential chain, run as the real process reads it.
public sealed class CredentialTests(MotoServer moto) : OpsWorld(moto)
{
    private async Task<Run> RunProcessAsync(string profile, params string[] args)
    {
        var config = Path.Combine(ProjectDir, "aws");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "credentials"), "[base]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n");
        // An assume-role profile: the SDK calls STS AssumeRole (moto's) with the base profile's keys.
        File.WriteAllText(Path.Combine(config, "config"), "[profile operator]\nrole_arn = arn:aws:iam::123456789012:role/operator\nsource_profile = base\nregion = us-east-1\n");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "failoverctl.dll"), .. args])
        {
            WorkingDirectory = ProjectDir, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var (key, value) in Environment().Where(e => !e.Key.StartsWith("AWS_ACCESS_KEY_ID") && !e.Key.StartsWith("AWS_SECRET")))
            start.Environment[key] = value;
        start.Environment.Remove("AWS_ACCESS_KEY_ID");
        start.Environment.Remove("AWS_SECRET_ACCESS_KEY");
        start.Environment.Remove("AWS_SESSION_TOKEN");
        start.Environment["AWS_PROFILE"] = profile;
        start.Environment["AWS_CONFIG_FILE"] = Path.Combine(config, "config");
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(config, "credentials");
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
    public async Task A_missing_profile_is_one_sentence_that_says_how_to_sign_in()
    {
        var run = await RunProcessAsync("nobody", "flag", "set", "block", "--reason", "INC-42");

        run.Exit.Should().Be(1, run.ToString());
        run.Stderr.Trim().Should().StartWith("error: no usable AWS credentials (").And.Contain("\"nobody\"").And.EndWith("or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
        (await ItemAsync("flag")).Should().BeNull();
    }

    [Fact]
    public async Task The_profile_option_wins_over_AWS_PROFILE_as_it_does_for_the_aws_cli()
    {
        var run = await RunProcessAsync("nobody", "--profile", "operator", "flag", "set", "block", "--reason", "INC-42");

        run.Exit.Should().Be(0, run.ToString());
        (await ItemAsync("flag"))!["setBy"]!.GetValue<string>().Should().StartWith("arn:aws:sts::123456789012:assumed-role/operator/");
    }
}
