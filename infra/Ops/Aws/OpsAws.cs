using Amazon;
using Amazon.Runtime;
using Failover.Functions.Aws;
using Failover.Functions.Runtime;
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

    /// A traffic gate's position, read as the readiness checks read it.
    public GateReader Gate() => new(Signed());

    public ControlTableClient ControlTable(string table, string region) => new(new DynamoDbClient(Signed(), region), table);

    /// Items the control table's client has no typed read for (a readiness plan, the decision log's run index).
    public DynamoDbClient DynamoDb(string region) => new(Signed(), region);

    /// A signed client for work that makes many calls under one budget of its own (the readiness checks, each bounded by the
    /// runner): the budget is the deadline of all of them.
    public AwsHttpClient Signed(TimeSpan budget) =>
        new(context.Http, Environment(), Functions.Aws.AwsRetryPolicy.Default with { StopBy = context.Time.GetUtcNow() + budget }, context.Time);

    private AwsHttpClient Signed() => Signed(CallBudget);

    private string? Region => context.Env("AWS_REGION") ?? context.Env("AWS_DEFAULT_REGION");

    private AwsEnvironment Environment()
    {
        var region = Region ?? "us-east-1";
        if (context.Env("AWS_ACCESS_KEY_ID") is { } key && context.Env("AWS_SECRET_ACCESS_KEY") is { } secret)
            return AwsEnvironment.With(context.Env, new ImmutableCredentials(key, secret, context.Env("AWS_SESSION_TOKEN")), region);
        try
        {
            // The chain object caches and refreshes what it resolved; asking it again is cheap.
            _chain ??= Resolve();
            return AwsEnvironment.With(context.Env, _chain.GetCredentials(), region);
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException or InvalidOperationException or HttpRequestException or IOException)
        {
            // An SSO or assume-role profile signs in over the network: a failed call is no defect of failoverctl either.
            throw MissingCredentials.Explain(e, context.Env);
        }
    }

    /// Credentials resolved, and accepted by AWS (STS GetCallerIdentity, which needs no permission), before a check that would read
    /// a failed call as an answer: without them nothing is known, a failure (exit 1), not a refusal. When STS does not answer,
    /// the reads that follow say so themselves.
    public async Task RequireCredentialsAsync(string region, CancellationToken ct)
    {
        try
        {
            await Sts(region).CallerArnAsync(ct);
        }
        catch (FunctionException e) when (MissingCredentials.Rejected(e, context.Env) is { } rejected)
        {
            throw rejected;
        }
        catch (FunctionException)
        {
            // Unreachable or throttled: no news of the credentials; the reads that follow report what they meet.
        }
    }

    /// The SDK's chain, for the profile and region this run's environment names (--profile and --region write them there).
    private AWSCredentials Resolve()
    {
        // An assume-role or web-identity profile calls STS in the region the SDK picks for itself (AWSConfigs, else the process's
        // AWS_REGION, else the profile's own region), whatever the config below says: set to this run's region, so that
        // --region moves the sign-in out of a region that is down.
        if (Region is { } region)
        {
            AWSConfigs.AWSRegion = region;
            FallbackRegionFactory.Reset();
        }
        var config = new Amazon.SecurityToken.AmazonSecurityTokenServiceConfig();
        // A profile in the environment comes after a web identity token, as in the SDK's chain and the Go SDK's that Pulumi
        // uses (keys came first above); --profile took both out of this run's environment, so that it wins in both.
        if (context.Env("AWS_PROFILE") is { } profile && context.Env("AWS_WEB_IDENTITY_TOKEN_FILE") is null) config.Profile = new Profile(profile);
        return Amazon.Runtime.Credentials.DefaultAWSCredentialsIdentityResolver.GetCredentials(config);
    }
}
