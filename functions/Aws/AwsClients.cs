namespace Failover.Functions.Aws;

/// The process's AWS clients, made on first use so that bad input or missing settings fail before any of them exists.
public sealed class AwsClients(Func<string, string?> env, HttpClient http, TimeProvider time, AwsRetryPolicy retry)
{
    private AwsEnvironment? _environment;
    private AwsHttpClient? _signed;

    public AwsEnvironment Environment => _environment ??= AwsEnvironment.From(env);

    private AwsHttpClient Signed => _signed ??= new AwsHttpClient(http, Environment, retry, time);

    /// The same clients, with every call ending by `stopBy`: an invocation's own deadline, or a tighter budget inside it.
    public AwsClients Until(DateTimeOffset stopBy) =>
        new(env, http, time, retry with { StopBy = retry.StopBy is { } earlier && earlier < stopBy ? earlier : stopBy });

    /// The signed client itself, for code that makes its own clients per region (the readiness checks' ReadinessContext).
    public AwsHttpClient Http => Signed;

    public Route53Client Route53 => new(Signed);

    /// The regional clients call the function's own region unless given another (SERVICE_REGION, a peer replica's region).
    public EcsClient Ecs(string? region = null) => new(Signed, region ?? Environment.Region);

    public ApplicationAutoScalingClient AutoScaling(string? region = null) => new(Signed, region ?? Environment.Region);

    public ElbV2Client ElbV2(string? region = null) => new(Signed, region ?? Environment.Region);

    public CloudWatchClient CloudWatch(string region) => new(Signed, region);

    /// Few attempts per endpoint: the next endpoint is a better bet than waiting on a sick one.
    public RecoveryClusterClient RecoveryCluster(IReadOnlyList<ClusterEndpoint> endpoints) =>
        new(new AwsHttpClient(http, Environment, retry with { MaxAttempts = Math.Min(2, retry.MaxAttempts) }, time), endpoints);

    public StepFunctionsClient StepFunctions(string region) => new(Signed, region);

    public ControlTableClient ControlTable(string tableName, string? region = null) => new(new DynamoDbClient(Signed, region ?? Environment.Region), tableName);

    /// The decision log's run records, in the function's own region's replica.
    public RunLogClient RunLog(string tableName) => new(new DynamoDbClient(Signed, Environment.Region), tableName);
}
