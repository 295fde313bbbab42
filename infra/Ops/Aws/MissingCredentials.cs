using Amazon.Runtime.CredentialManagement;
using Failover.Functions.Aws;
using Failover.Functions.Runtime;
using Failover.Ops.Cli;

namespace Failover.Ops.Aws;

/// No usable AWS credentials, said in one sentence: which source was meant and the command that fixes it. The SDK's own message
/// lists every provider's exception (hundreds of characters of its internals), which tells an operator neither. A failure
/// (exit 1), never a refusal: nothing was read, so there is nothing to refuse on.
public static class MissingCredentials
{
    /// The sentence for a credential chain that gave nothing; `env` reads the variables the chain read (--profile is AWS_PROFILE there).
    public static OpsException Explain(Exception error, Func<string, string?> env)
    {
        if (env("AWS_WEB_IDENTITY_TOKEN_FILE") is { } token)
            return new OpsException($"no AWS credentials from the web identity token {token} (role {env("AWS_ROLE_ARN") ?? "unset: AWS_ROLE_ARN"}): " +
                $"{Reason(error, "web identity", "webIdentity")}; check the pipeline's OIDC role and its trust policy");
        var profile = env("AWS_PROFILE");
        var name = profile ?? "default";
        if (!new CredentialProfileStoreChain().TryGetProfile(name, out var found))
            return profile is null
                ? new OpsException("no AWS credentials found (tried AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, the profile \"default\" and an instance or container role): " +
                    "run `aws sso login --profile NAME` and pass --profile NAME, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
                : new OpsException($"no AWS credentials: the profile \"{profile}\" is in neither {env("AWS_CONFIG_FILE") ?? "~/.aws/config"} " +
                    $"nor {env("AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials"}: check the name (`aws configure list-profiles`) or name one that is (--profile or AWS_PROFILE)");
        if (found.Options.MfaSerial is not null)
        {
            // Neither the SDK's chain nor the Pulumi CLI can ask for the code; the AWS CLI can, and its keys serve both.
            var region = env("AWS_REGION") is { } named ? $" --region {named}" : "";
            return new OpsException($"no AWS credentials: the profile \"{name}\" asks for an MFA code, which failoverctl cannot prompt for: " +
                $"run `eval \"$(aws configure export-credentials --profile {name}{region} --format env)\"` (AWS CLI v2; it asks for the code), " +
                "then run failoverctl without --profile: those keys serve it and the Pulumi CLI it runs alike");
        }
        if (Network(error) is { } network)
            return new OpsException($"no AWS credentials: the profile \"{name}\" signs in through AWS, which could not be reached ({Bounded(network.Message)}); check the network and retry");
        if (Sso(found))
            return new OpsException($"no AWS credentials: the SSO profile \"{name}\" is not signed in, or its session expired: run `aws sso login --profile {name}`");
        return new OpsException($"no AWS credentials from the profile \"{name}\": {Reason(error, $"[{name}]", $"\"{name}\"")}; check it with `aws sts get-caller-identity --profile {name}`");
    }

    /// AWS refused the credentials themselves (expired, unknown, or signed with the wrong secret): as good as none, whichever call
    /// met it (a session can expire while `start --wait` follows a run). `env` as for <see cref="Explain"/>: it names the source to renew.
    public static OpsException? Rejected(Exception error, Func<string, string?> env) => error is AwsServiceException
    {
        Code: "ExpiredToken" or "ExpiredTokenException" or "InvalidClientTokenId" or "UnrecognizedClientException" or "SignatureDoesNotMatch"
            or "InvalidSignatureException" or "MissingAuthenticationToken" or "IncompleteSignature",
    } refused
        ? new OpsException($"AWS refused the credentials ({refused.Service} {refused.Code}): they expired or are not valid; {Renewal(env)}")
        : null;

    // The source the credentials came from, in the order OpsAws resolves them.
    private static string Renewal(Func<string, string?> env)
    {
        if (env("AWS_ACCESS_KEY_ID") is not null) return "renew AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN in the environment";
        if (env("AWS_WEB_IDENTITY_TOKEN_FILE") is not null) return "check the pipeline's OIDC role and its trust policy";
        var name = env("AWS_PROFILE") ?? "default";
        return new CredentialProfileStoreChain().TryGetProfile(name, out var found) && Sso(found)
            ? $"sign in again: `aws sso login --profile {name}`"
            : $"check the profile: `aws sts get-caller-identity --profile {name}`";
    }

    private static bool Sso(CredentialProfile profile) => profile.Options.SsoStartUrl is not null || profile.Options.SsoSession is not null;

    // The SDK joins one line per provider ("Exception 3 of 4: ..."); the one about the source meant is the one to repeat, with what it
    // wraps (an AssumeRole call says only that it failed; its inner exception says why).
    private static string Reason(Exception error, params string[] about)
    {
        var lines = error.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = lines.FirstOrDefault(l => about.Any(a => l.Contains(a, StringComparison.OrdinalIgnoreCase))) ?? lines.FirstOrDefault() ?? error.GetType().Name;
        line = System.Text.RegularExpressions.Regex.Replace(line, @"^Exception \d+ of \d+:\s*", "").TrimEnd('.');
        return Bounded(error.InnerException is { } inner ? $"{line} ({inner.Message.TrimEnd('.')})" : line);
    }

    private static Exception? Network(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
            if (error is HttpRequestException or IOException or TimeoutException) return error;
        return null;
    }

    private static string Bounded(string text) => BoundedText.Cut(text.ReplaceLineEndings(" "), 160);
}
