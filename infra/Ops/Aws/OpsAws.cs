using Amazon.Runtime;
using Failover.Functions.Aws;
using Failover.Ops.Cli;

namespace Failover.Ops.Aws;

/// The caller's AWS clients: credentials from the environment (a pipeline's OIDC role, `aws configure export-credentials`), else the
/// SDK's chain (profile, web identity, container or instance role); each client in the region it names.
public sealed class OpsAws(OpsContext context)
{
    private AwsHttpClient? _signed;

    private AwsHttpClient Signed => _signed ??= new AwsHttpClient(context.Http, Environment(), Functions.Aws.RetryPolicy.Default, context.Time);

    public StsClient Sts(string region) => new(Signed, region);

    public StepFunctionsClient StepFunctions(string region) => new(Signed, region);

    public Route53Client Route53 => new(Signed);

    public EcsClient Ecs(string region) => new(Signed, region);

    public ControlTable ControlTable(string table, string region) => new(new DynamoDbClient(Signed, region), table);

    private AwsEnvironment Environment()
    {
        var region = context.Env("AWS_REGION") ?? context.Env("AWS_DEFAULT_REGION") ?? "us-east-1";
        if (context.Env("AWS_ACCESS_KEY_ID") is { } key && context.Env("AWS_SECRET_ACCESS_KEY") is { } secret)
            return AwsEnvironment.With(context.Env, new ImmutableCredentials(key, secret, context.Env("AWS_SESSION_TOKEN")), region);
        try
        {
            var credentials = Amazon.Runtime.Credentials.DefaultAWSCredentialsIdentityResolver.GetCredentials().GetCredentials();
            return AwsEnvironment.With(context.Env, credentials, region);
        }
        catch (Exception e) when (e is AmazonClientException or AmazonServiceException or InvalidOperationException)
        {
            throw new OpsException($"no AWS credentials found ({e.Message.Split('\n')[0]}): sign in (aws sso login, a profile in AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)");
        }
    }
}
