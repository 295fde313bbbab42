using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Failover.Functions.Aws;

/// The process's AWS clients, made on first use so that bad input or missing settings fail before any of them exists.
public sealed class AwsClients(Func<string, string?> env, HttpClient http, TimeProvider time, RetryPolicy retry)
{
    private AwsEnvironment? _environment;
    private AwsHttpClient? _signed;
    private IAmazonDynamoDB? _dynamo;

    public AwsEnvironment Environment => _environment ??= AwsEnvironment.From(env);

    private AwsHttpClient Signed => _signed ??= new AwsHttpClient(http, Environment, retry, time);

    public Route53Client Route53 => new(Signed);

    public EcsClient Ecs => new(Signed);

    public ApplicationAutoScalingClient AutoScaling => new(Signed);

    public ElbV2Client ElbV2 => new(Signed);

    public CloudWatchClient CloudWatch(string region) => new(Signed, region);

    /// Few attempts per endpoint: the next endpoint is a better bet than waiting on a sick one.
    public RecoveryClusterClient RecoveryCluster(IReadOnlyList<ClusterEndpoint> endpoints) =>
        new(new AwsHttpClient(http, Environment, retry with { MaxAttempts = Math.Min(2, retry.MaxAttempts) }, time), endpoints);

    public ControlTable ControlTable(string tableName) => new(Dynamo, tableName);

    private IAmazonDynamoDB Dynamo => _dynamo ??= CreateDynamo();

    private IAmazonDynamoDB CreateDynamo()
    {
        var aws = Environment;
        var config = new AmazonDynamoDBConfig { Timeout = TimeSpan.FromSeconds(5), MaxErrorRetry = retry.MaxAttempts - 1 };
        if (aws.EndpointOverride("DynamoDB") is { } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = aws.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(aws.Region);
        }
        var c = aws.Credentials;
        AWSCredentials credentials = c.UseToken ? new SessionAWSCredentials(c.AccessKey, c.SecretKey, c.Token) : new BasicAWSCredentials(c.AccessKey, c.SecretKey);
        return new AmazonDynamoDBClient(credentials, config);
    }
}
