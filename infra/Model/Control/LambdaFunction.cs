using Failover.Contract;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// Memory, timeout and reserved concurrency of one handler, with the reason for them.
public sealed record FunctionSize(int MemoryMb, int TimeoutSeconds, string Why, int ReservedConcurrency = 2)
{
    /// 256 MB everywhere: the native binary needs ~40 MiB, but Lambda gives CPU in proportion to memory and TLS handshakes to
    /// three services are CPU-bound at 128 MB; 256 MB costs fractions of a cent per failover.
    public static readonly IReadOnlyDictionary<string, FunctionSize> ByHandler = new Dictionary<string, FunctionSize>(StringComparer.Ordinal)
    {
        // 5 at once: every trigger alarm of one incident and the probe may start a run together; the lock makes all but one NO_ACTION.
        [HandlerNames.Decide] = new(256, 30, "evidence gets at most 5 s, then up to three DynamoDB writes with retries; 30 s leaves room for a slow peer", 5),
        [HandlerNames.ScaleService] = new(256, 30, "four control-plane calls (two reads, floor, count), each retried with backoff"),
        [HandlerNames.CheckService] = new(256, 20, "two reads; the workflow calls it every poll interval, so a hung read must end well before the next"),
        [HandlerNames.ShiftTraffic] = new(256, 90, "an open waits for the next 60 s period of the gate's alarm; Route 53's control plane (route53-api) can be slow"),
        [HandlerNames.ReleaseLock] = new(256, 20, "one conditional write and, on a retry, one read"),
    };
}

/// What one function needs: its handler, a stable name, its environment and the grants it needs beyond its own logs.
public sealed record LambdaFunctionProps
{
    public required Naming Naming { get; init; }
    public required AwsAccount Account { get; init; }
    /// Kebab-case; the function is named `PREFIX-NAME`, and the program's logical names derive from it.
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required FunctionEnvironment Environment { get; init; }
    public required Action<IamRole> Grants { get; init; }
    public required int LogRetentionDays { get; init; }
    /// Keep FunctionSize.ReservedConcurrency executions of the account's concurrency for this function (config reserveConcurrency).
    public required bool ReserveConcurrency { get; init; }
}

/// One native-AOT function of the workflow with its own role, its own log group (created by Pulumi, so no role needs
/// logs:CreateLogGroup) and active tracing.
public sealed record LambdaFunction
{
    /// The zip `dotnet publish functions -c Release` writes: `bootstrap` alone at its root.
    public const string PackagePath = "functions/dist/lambda.zip";

    public required string Name { get; init; }
    public required Resource Function { get; init; }
    public required IamRole Role { get; init; }
    /// Known before deploy (the name is fixed), so trust policies and the workflow's grants need no reference cycle.
    public required Value Arn { get; init; }

    public static LambdaFunction Create(PulumiProgram program, LambdaFunctionProps props)
    {
        var handler = props.Environment.Handler;
        var size = FunctionSize.ByHandler[handler];
        // A fixed name: the workflow's grants and the trust of its role name it before the function exists.
        var name = props.Naming.Named(props.Name);
        var arn = Value.Format($"arn:{props.Account.Partition}:lambda:{props.Account.Region}:{props.Account.AccountId}:function:{name}");

        var logGroup = program.Add(new Resource
        {
            Name = $"{props.Name}-log-group",
            Type = "aws:cloudwatch/logGroup:LogGroup",
            Properties = Map.Of(
                ("name", $"/aws/lambda/{name}"),
                ("retentionInDays", props.LogRetentionDays),
                ("tags", props.Naming.TagsNamed(props.Name))),
        });

        // aws:SourceAccount only: Lambda documents no aws:SourceArn for assuming an execution role, and a key it does not
        // send would stop the function.
        var role = new IamRole($"{props.Name}-function", props.Name, $"The {handler} function of the failover workflow",
            TrustPolicy.ForService("lambda.amazonaws.com", props.Account.AccountId));
        role.Grant(p => p
            .Allow("WriteOwnLogs", Actions.Logs.WriteStreams, Value.Format($"{logGroup.Out("arn")}:log-stream:*"))
            .AllowUnscoped("WriteTraces", Actions.XRay.WriteTraces));
        props.Grants(role);
        var roleResource = role.Declare(program, props.Naming);

        var function = program.Add(new Resource
        {
            Name = $"{props.Name}-function",
            Type = "aws:lambda/function:Function",
            Properties = Map.Of(
                ("name", name),
                ("description", props.Description),
                ("role", roleResource.Out("arn")),
                ("runtime", "provided.al2023"),
                ("handler", handler),
                ("architectures", Value.List("x86_64")),
                ("code", new FileArchive(PackagePath)),
                ("memorySize", size.MemoryMb),
                ("timeout", size.TimeoutSeconds),
                // Held back from the rest of the account (and a cap): a recovery region crowded by everyone else's failover cannot
                // throttle this run. Only one run acts at a time (the lock), so two cover a run and its retry.
                ("reservedConcurrentExecutions", props.ReserveConcurrency ? size.ReservedConcurrency : null),
                ("environment", props.Environment.Build()),
                ("tracingConfig", Map.Of(("mode", "Active"))),
                ("loggingConfig", Map.Of(("logFormat", "JSON"), ("logGroup", logGroup.Out("name")))),
                ("tags", props.Naming.TagsNamed(props.Name))),
            // The role must be able to write logs and act at the first invocation.
            Options = new ResourceOptions { DependsOn = [logGroup, role.PolicyResource] },
        });
        return new LambdaFunction { Name = name, Function = function, Role = role, Arn = arn };
    }
}
