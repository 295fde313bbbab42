using Amazon;
using Amazon.Runtime;
using Failover.Functions.Aws;
using Failover.Ops.Cli;

namespace Failover.Ops.Aws;

/// The caller's AWS clients: credentials from the environment (a pipeline's OIDC role exported by its action), else the SDK's
/// chain (profiles incl. assume-role, web identity and SSO, container or instance role); each client in the region it names.
/// Every client is made for one operation, with that operation's time budget and fresh credentials (a session can expire
/// while `start --wait` follows a run).
public sealed class OpsAws(OpsContext context)
{
    /// An operation, retries included, ends within this: a region that hangs costs seconds, not minutes, before the other
    /// region is tried, and an operator in an incident gets an answer.
    public static readonly TimeSpan CallBudget = TimeSpan.FromSeconds(10);

    private AWSCredentials? _chain;

    public StsClient Sts(string region) => new(Signed(), region);

    public StepFunctionsClient StepFunctions(string region) => new(Signed(), region);

    public Route53Client Route53() => new(Signed());

    public EcsClient Ecs(string region) => new(Signed(), region);

    public CloudWatchClient CloudWatch(string region) => new(Signed(), region);

    /// An ARC cluster's data plane: each of its regional endpoints in turn.
    public RecoveryClusterClient RecoveryCluster(IReadOnlyList<ClusterEndpoint> endpoints) => new(Signed(), endpoints);

    public ControlTableClient ControlTable(string table, string region) => new(new DynamoDbClient(Signed(), region), table);

    private AwsHttpClient Signed() =>
        new(context.Http, Environment(), Functions.Aws.AwsRetryPolicy.Default with { StopBy = context.Time.GetUtcNow() + CallBudget }, context.Time);

    private AwsEnvironment Environment()
    {
        var region = context.Env("AWS_REGION") ?? context.Env("AWS_DEFAULT_REGION") ?? "us-east-1";
        if (context.Env("AWS_ACCESS_KEY_ID") is { } key && context.Env("AWS_SECRET_ACCESS_KEY") is { } secret)
            return AwsEnvironment.With(context.Env, new ImmutableCredentials(key, secret, context.Env("AWS_SESSION_TOKEN")), region);
        try
        {
            // The chain object caches and refreshes what it resolved; asking it again is cheap.
            _chain ??= Amazon.Runtime.Credentials.DefaultAWSCredentialsIdentityResolver.GetCredentials(ChainConfig());
            return AwsEnvironment.With(context.Env, _chain.GetCredentials(), region);
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException or InvalidOperationException)
        {
            // The SDK lists what each provider said on separate lines: all of it, in one sentence.
            var said = string.Join("; ", e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            throw new OpsException($"no usable AWS credentials ({said}); sign in with a profile (AWS_PROFILE, `aws sso login --profile NAME`) or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
        }
    }

    /// The profile and region this run's environment names (--profile and --region write them there): the SDK's chain would
    /// otherwise read the process's own.
    private Amazon.SecurityToken.AmazonSecurityTokenServiceConfig ChainConfig()
    {
        var config = new Amazon.SecurityToken.AmazonSecurityTokenServiceConfig();
        if (context.Env("AWS_PROFILE") is { } profile) config.Profile = new Profile(profile);
        if ((context.Env("AWS_REGION") ?? context.Env("AWS_DEFAULT_REGION")) is { } region) config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        return config;
    }
}
