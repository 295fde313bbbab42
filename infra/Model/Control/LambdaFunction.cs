using Failover.Contract;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// What one function needs: its handler, a stable name, its environment and the grants it needs beyond its own logs.
public sealed record LambdaFunctionProps
{
    public required Naming Naming { get; init; }
    public required AwsAccount Account { get; init; }
    /// Kebab-case; the function is named `PREFIX-NAME`, and the program's logical names derive from it.
    public required string Name { get; init; }
    /// One line; null: its handler's (HandlerDescriptor.Description).
    public string? Description { get; init; }
    /// Keyed by the function's handler, whose descriptor gives its size.
    public required FunctionEnvironment Environment { get; init; }
    public required Action<IamRole> Grants { get; init; }
    public required int LogRetentionDays { get; init; }
    /// Keep the handler's FunctionSize.ReservedConcurrency executions of the account's concurrency for this function (config reserveConcurrency).
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
    /// What it runs, and so its time limit: its watcher alarms count over the retry span of a task that invokes it.
    public required HandlerDescriptor Handler { get; init; }

    public static LambdaFunction Create(PulumiProgram program, LambdaFunctionProps props)
    {
        var handler = props.Environment.Handler.Name;
        var size = props.Environment.Handler.Size;
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
                ("description", props.Description ?? props.Environment.Handler.Description),
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
        return new LambdaFunction { Name = name, Function = function, Role = role, Arn = arn, Handler = props.Environment.Handler };
    }
}
