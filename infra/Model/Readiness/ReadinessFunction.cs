using Failover.Contract;
using Failover.Contract.Readiness;
using Failover.Infra.Config;
using Failover.Infra.Control;
using Failover.Infra.Iam;
using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra.Readiness;

/// What the readiness function reads: the plan's sources, and how often it runs.
public sealed record ReadinessFunctionProps
{
    public required PulumiProgram Program { get; init; }
    public required ReadinessPlanProps Plan { get; init; }
    /// A Scheduler rate expression (readinessRate).
    public required string Rate { get; init; }
}

/// Each stack's scheduled readiness checks: the `readiness` function (functions/Bootstrap/Handlers/ReadinessHandler.cs) with a
/// read-only role held to the exact resources its checks read, started by an EventBridge Scheduler schedule of its own group.
public sealed record ReadinessFunction
{
    /// The key of its function.
    public const string Key = "readiness";

    public required LambdaFunction Function { get; init; }
    public required Resource Schedule { get; init; }
    public required Resource ScheduleGroup { get; init; }
    public required IamRole ScheduleRole { get; init; }

    public static ReadinessFunction Create(ReadinessFunctionProps props)
    {
        var (program, plan) = (props.Program, props.Plan);
        var (config, account, orchestration) = (plan.Config, plan.Account, plan.Orchestration);
        var naming = config.Naming;
        var peer = plan.Role.Peer;
        var function = LambdaFunction.Create(program, new LambdaFunctionProps
        {
            Naming = naming, Account = account, Name = Key,
            Environment = new FunctionEnvironment(FunctionContract.Readiness)
                .Set(EnvNames.ControlTableName, orchestration.Table.Name)
                .Set(EnvNames.StackPrefix, naming.Prefix)
                .Set(EnvNames.PeerStackPrefix, peer.Prefix),
            Grants = role => role.Grant(p => Grant(p, plan)),
            LogRetentionDays = config.LogRetentionDays, ReserveConcurrency = config.ReserveConcurrency,
        });

        // A group of its own: Scheduler's trust condition names a group, and the probe's is the secondary's only.
        var groupName = naming.Named(Key);
        var group = program.Add(new Resource
        {
            Name = "readiness-schedule-group",
            Type = "aws:scheduler/scheduleGroup:ScheduleGroup",
            Properties = Map.Of(("name", groupName), ("tags", naming.TagsNamed(Key))),
        });
        var role = new IamRole("readiness-schedule", "readiness", "Lets the readiness schedule invoke the readiness function, and nothing else",
            TrustPolicy.ForService("scheduler.amazonaws.com", account.AccountId,
                Value.Format($"arn:{account.Partition}:scheduler:{account.Region}:{account.AccountId}:schedule-group/{groupName}")));
        role.Grant(p => p.Allow("InvokeReadinessChecks", Actions.Lambda.InvokeFunction, function.Arn));
        role.Declare(program, naming);
        var schedule = program.Add(new Resource
        {
            Name = "readiness-schedule",
            Type = "aws:scheduler/schedule:Schedule",
            Properties = Map.Of(
                ("name", groupName),
                ("groupName", group.Out("name")),
                ("description", "Runs this stack's readiness checks; each publishes its result to CloudWatch (Failover/Readiness)"),
                ("scheduleExpression", props.Rate),
                ("flexibleTimeWindow", Map.Of(("mode", "OFF"))),
                ("state", "ENABLED"),
                ("target", Map.Of(
                    ("arn", function.Arn),
                    ("roleArn", role.Resource.Out("arn")),
                    ("input", $$"""{"source": "schedule {{groupName}}"}"""),
                    // A run that cannot start soon is skipped, not kept: the next one comes at the rate, and no dead-letter queue
                    // is worth a missed look (the readiness alarm waits for two runs either way).
                    ("retryPolicy", Map.Of(("maximumEventAgeInSeconds", 300), ("maximumRetryAttempts", 2)))))),
            Options = new ResourceOptions { DependsOn = [role.PolicyResource, function.Function] },
        });
        return new ReadinessFunction { Function = function, Schedule = schedule, ScheduleGroup = group, ScheduleRole = role };
    }

    // Read-only, each read on the exact resources the plan names: the checks can see what they compare and change nothing.
    private static void Grant(PolicyDocument p, ReadinessPlanProps plan)
    {
        var (config, account, orchestration) = (plan.Config, plan.Account, plan.Orchestration);
        var (peer, primary, table) = (plan.Role.Peer, orchestration.Primary, orchestration.Table);
        var own = config.NamePrefix;
        var items = new List<Value> { ControlTableItems.Readiness(own), ControlTableItems.Readiness(peer.Prefix), ControlTableItems.State };
        if (table.DecisionTableName is null) items.Add(ControlTableItems.Runs);
        p.Allow("ReadPlansLockAndRuns", Actions.DynamoDb.ReadItem, table.ArnIn(account.Region), LeadingKeys([.. items]));
        if (table.DecisionTableName is not null)
            p.Allow("ReadRunRecords", Actions.DynamoDb.ReadItem, table.DecisionLogArnIn(account.Region), LeadingKeys(ControlTableItems.Runs));

        // Both stacks' runs may hold the lock: the lock check asks whether its holder still runs.
        var machines = Workflow.Names(own, plan.Role.Role).Select(n => Workflow.ArnOf(account, account.Region, n)).Concat(peer.StateMachineArns(account));
        p.Allow("AskWhetherTheLockHolderRuns", Actions.States.DescribeExecution, [.. machines.Select(Workflow.ExecutionsOf)]);

        var services = new[] { (Region: config.Region, Cluster: own), (Region: peer.Region, Cluster: peer.ClusterName) };
        p.Allow("ReadBothServices", Actions.Ecs.DescribeService, [.. services.Select(s => account.EcsServiceArn(s.Region, s.Cluster, s.Cluster))]);
        p.AllowUnscoped("ReadTaskDefinitions", Actions.Ecs.DescribeTaskDefinition);
        // ListTasks authorizes on a container instance even for Fargate tasks: held to each cluster's (and to the cluster itself).
        p.Allow("ListBothServicesTasks", Actions.Ecs.ListTasks, [.. services.Select(s => account.Arn("ecs", new Str($"container-instance/{s.Cluster}/*"), s.Region))],
            Condition.ArnEquals("ecs:cluster", [.. services.Select(s => account.Arn("ecs", new Str($"cluster/{s.Cluster}"), s.Region))]));
        p.Allow("ReadBothServicesTasks", Actions.Ecs.DescribeTasks, [.. services.Select(s => account.Arn("ecs", new Str($"task/{s.Cluster}/*"), s.Region))]);
        // Its image's repository, and that repository's replica in the peer's region, where the peer's image is (containerImage
        // is an ECR image in its stack's region, replicated): same-image resolves the peer's tag in the peer's registry.
        if (EcsService.EcrImageRegion(config.Container.Image) is { } imageRegion)
            p.Allow("ReadBothImages", Actions.Ecr.DescribeImages,
                [.. new[] { imageRegion, peer.Region }.Distinct().Select(r => EcsService.EcrRepositoryArn(account, config.Container.Image, r)!)]);
        // No secret reads: the task definition this stack deploys takes no secrets (ContainerSettings has none), so the
        // image-and-secrets check reads none.

        p.Allow("ReadTheFargateQuota", Actions.ServiceQuotas.GetServiceQuota,
            Value.Format($"arn:{account.Partition}:servicequotas:{account.Region}:{account.AccountId}:{FargateQuota.ArnResource}"));
        p.AllowUnscoped("ReadFargateUsage", Actions.CloudWatch.GetMetrics);

        p.Allow("DescribeTheAlarmsTheMoveNeeds", Actions.CloudWatch.DescribeAlarms,
            [.. ReadinessPlanBuilder.AlarmsOf(plan).Select(a => Value.Format($"arn:{account.Partition}:cloudwatch:{a.Region}:{account.AccountId}:alarm:{a.Name}"))]);
        // The gate's position: a metric gate's is its alarm's state (above); the others' are read where shift-traffic moves them.
        if (primary.Gate.Kind == TrafficGateKind.Route53Api)
            p.Allow("ReadTheGate", Actions.Route53.GetHealthCheck, primary.Gate.HealthCheckArn!);
        if (primary.Gate.Kind == TrafficGateKind.Arc)
            p.Allow("ReadTheGate", Actions.RecoveryCluster.GetRoutingControlState, primary.Gate.RoutingControlArn!);

        var roles = orchestration.Functions.All.Select(f => f.Function.Role).Append(orchestration.Workflow.Role);
        p.Allow("SimulateTheWorkflowRoles", Actions.Iam.SimulatePrincipalPolicy, [.. roles.Select(r => (Value)r.Resource.Out("arn"))]);

        p.AllowUnscoped("PublishReadiness", Actions.CloudWatch.PutMetricData,
            Condition.StringEquals("cloudwatch:namespace", ReadinessMetrics.Namespace), Condition.StringEquals("aws:RequestedRegion", account.Region));
    }

    private static Condition LeadingKeys(params Value[] keys) => new("ForAllValues:StringEquals", "dynamodb:LeadingKeys", keys);
}
