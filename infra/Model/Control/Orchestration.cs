using Failover.Contract;
using Failover.Infra.Config;
using Failover.Infra.Health;
using Failover.Infra.Iam;
using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// What the orchestration layer reads from the regional pieces of this stack.
public sealed record OrchestrationProps
{
    public required StackConfig Config { get; init; }
    public required RoleProfile Role { get; init; }
    public required AwsAccount Account { get; init; }
    public required EcsService Ecs { get; init; }
    public required Autoscaling Scaling { get; init; }
    public required LoadBalancer LoadBalancer { get; init; }
    public required HealthAlarms Alarms { get; init; }
    public required RegionHealth Health { get; init; }
    /// Route 53's verdict on the primary's endpoint as its DNS answers it: decide's data-plane view of Route 53's checkers.
    public required HealthAnswerRecords HealthAnswer { get; init; }
    /// The secondary's StackReference to the primary (created on first use); null in the primary.
    public Lazy<PrimaryStack>? Primary { get; init; }
}

/// The control table (owned, or read from the primary), the functions, the topic and the workflow that promotes this
/// region. The primary's evidence and gate are the subject everywhere: the secondary reads them through the primary's
/// outputs, the primary uses its own.
public sealed record Orchestration
{
    public required ControlTable Table { get; init; }
    public required WorkflowFunctions<LambdaFunction> Functions { get; init; }
    public required Notifications Notifications { get; init; }
    public required Workflow Workflow { get; init; }
    public PrimaryStack? Primary { get; init; }

    /// The primary's function that scales the secondary back to standby after a failback.
    public const string ScaleStandby = "scale-standby";

    public static Orchestration Create(PulumiProgram program, OrchestrationProps props)
    {
        var config = props.Config;
        var naming = config.Naming;
        var account = props.Account;
        var isPrimary = props.Role.Role == Role.Primary;
        var (primaryRegion, secondaryRegion) = isPrimary ? (config.Region, config.PeerRegion) : (config.PeerRegion, config.Region);

        var primary = isPrimary ? null : (props.Primary ?? throw new InvalidOperationException("the secondary reads the primary's outputs")).Value;
        var table = primary is null
            ? ControlTable.CreateOwned(program, naming, account, config.Control, config.PeerRegion)
            : ControlTable.FromPrimary(primary, account, config.Control, config.PeerRegion);
        var notifications = Notifications.Create(program, new NotificationsProps
        {
            Naming = naming, Account = account, Emails = config.NotificationEmails,
        });

        // The primary's evidence and traffic gate: its own in the primary, through its outputs in the secondary.
        var endpointCheckId = primary?.Output(StackOutputs.EndpointHealthCheckId) ?? props.Health.Endpoint.Out("id");
        var probeUrl = primary?.Output(StackOutputs.ProbeUrl) ?? props.Health.ProbeUrl;
        var alarmNames = primary?.Output(StackOutputs.AlarmNameList) ?? props.Alarms.NameList;
        // The primary's alarms are named PRIMARY-PREFIX-KEY: the secondary scopes to that prefix in the primary's region.
        IReadOnlyList<Value> alarmArns = primary is null
            ? props.Alarms.All.Select(a => (Value)a.Alarm.Out("arn")).ToList()
            : [Value.Format($"arn:{account.Partition}:cloudwatch:{primaryRegion}:{account.AccountId}:alarm:{config.Control.PeerNamePrefix}-*")];

        // Both stacks' entry points, by their fixed names: decide asks Step Functions which one runs it, and whether a lock's holder still runs.
        var ownMachines = Workflow.Names(naming.Prefix, props.Role.Role).Select(n => Workflow.ArnOf(account, account.Region, n)).ToList();
        var peerMachines = Workflow.Names(config.Control.PeerNamePrefix, isPrimary ? Role.Secondary : Role.Primary)
            .Select(n => Workflow.ArnOf(account, config.PeerRegion, n)).ToList();

        LambdaFunction Add(string name, FunctionEnvironment environment, Action<IamRole> grants, string? description = null) =>
            LambdaFunction.Create(program, new LambdaFunctionProps
            {
                Naming = naming, Account = account, Name = name, Description = description, Environment = environment, Grants = grants,
                LogRetentionDays = config.LogRetentionDays, ReserveConcurrency = config.ReserveConcurrency,
            });

        var decideEnvironment = table.SetDecideEnvironment(new FunctionEnvironment(FunctionContract.Decide))
            .Set(EnvNames.DefaultFlag, Wire.Of(config.DefaultFlag))
            .Set(EnvNames.PrimaryRegion, primaryRegion)
            .Set(EnvNames.SecondaryRegion, secondaryRegion)
            .Set(EnvNames.PrimaryEndpointHealthCheckId, endpointCheckId)
            .Set(EnvNames.PrimaryAlarmNames, alarmNames)
            .Set(EnvNames.PrimaryProbeUrl, probeUrl)
            // The lease covers decide's phase only; the run renews it for each phase after (LockLeases).
            .Set(EnvNames.LockLeaseSeconds, Text(WorkflowDefinition.DecideLeaseSeconds(props.Role.Role, account.Region, config.Workflow,
                new RecoveryTasks(config.RecoveryTasks, props.Ecs))))
            .Set(EnvNames.LockMaxLeaseSeconds, Text(WorkflowDefinition.MaxLeaseSeconds(props.Role.Role, account.Region, config.Workflow,
                new RecoveryTasks(config.RecoveryTasks, props.Ecs))))
            .Set(EnvNames.OperatorStateMachineArn, ownMachines[0])
            .Set(EnvNames.PeerStateMachineArns, CommaList(peerMachines))
            .Set(EnvNames.NoticeRepeatMinutes, Text(config.NoticeRepeatMinutes))
            .Set(EnvNames.HealthAnswerName, props.HealthAnswer.Name)
            .Set(EnvNames.HealthAnswerNameServers, new ToJson(props.HealthAnswer.NameServers));
        if (ownMachines.Count > 1) decideEnvironment.Set(EnvNames.TriggerStateMachineArn, ownMachines[1]);
        // A failover scales to the primary's desired count when it can be read (fixed names: the primary stack's prefix).
        if (!isPrimary)
            decideEnvironment.Set(EnvNames.PrimaryClusterName, config.Control.PeerNamePrefix).Set(EnvNames.PrimaryServiceName, config.Control.PeerNamePrefix);
        var decide = Add(HandlerNames.Decide, decideEnvironment,
            role =>
            {
                table.GrantDecide(role, WorkflowDefinition.ActionsFor(props.Role.Role));
                role.Grant(p => p
                    .Allow("AskWhichRunDecides", Actions.States.DescribeExecution, [.. ownMachines.Concat(peerMachines).Select(Workflow.ExecutionsOf)])
                    .Allow("ReadPrimaryEndpointHealth", Actions.Route53.ReadHealthCheckStatus, account.HealthCheckArn(endpointCheckId))
                    .Allow("DescribePrimaryAlarms", Actions.CloudWatch.DescribeAlarms, alarmArns));
                if (!isPrimary)
                    role.Grant(p => p.Allow("ReadPrimaryServiceSize", Actions.Ecs.DescribeService,
                        account.EcsServiceArn(primaryRegion, config.Control.PeerNamePrefix, config.Control.PeerNamePrefix)));
            });
        var scale = Add(HandlerNames.ScaleService, ScaleEnvironment(config, table, props.Ecs.Cluster.Out("name"), props.Ecs.Service.Out("name"), serviceRegion: null),
            role => { table.GrantReadLock(role); props.Ecs.GrantScale(role); props.Scaling.GrantSetFloor(role); });
        var check = Add(HandlerNames.CheckService, new FunctionEnvironment(FunctionContract.CheckService)
                .Set(EnvNames.ClusterName, props.Ecs.Cluster.Out("name"))
                .Set(EnvNames.ServiceName, props.Ecs.Service.Out("name"))
                .Set(EnvNames.TargetGroupArn, props.LoadBalancer.TargetGroup.Out("arn")),
            role => { props.Ecs.GrantDescribe(role); props.LoadBalancer.GrantReadTargetHealth(role); });
        var (shiftEnvironment, shiftGrants) = ShiftTraffic(config, account, primary, props.Health.Gate, isPrimary, primaryRegion, secondaryRegion);
        var shift = Add(HandlerNames.ShiftTraffic, shiftEnvironment.Set(EnvNames.ControlTableName, table.Name), role => { table.GrantReadLock(role); shiftGrants(role); });
        var release = Add(HandlerNames.ReleaseLock, new FunctionEnvironment(FunctionContract.ReleaseLock)
                .Set(EnvNames.ControlTableName, table.Name)
                .Set(EnvNames.PrimaryRegion, primaryRegion)
                .Set(EnvNames.SecondaryRegion, secondaryRegion),
            table.GrantRelease);
        LambdaFunction? standby = null;
        if (isPrimary)
        {
            // The secondary's cluster and service have fixed names (its stack's prefix), so the primary can address them before
            // the secondary exists; Step Functions cannot call another region, so this function in the primary does.
            var peer = config.Control.PeerNamePrefix;
            standby = Add(ScaleStandby, ScaleEnvironment(config, table, peer, peer, config.PeerRegion),
                description: $"Scales the secondary's service ({config.PeerRegion}) back to standby after a failback",
                grants: role =>
                {
                    // The failback's lock is in this region's replica: the function acts only for the run holding it.
                    table.GrantReadLock(role);
                    role.Grant(p => p
                    .Allow("ScaleSecondaryService", Actions.Ecs.ScaleService,
                        account.EcsServiceArn(config.PeerRegion, peer, peer))
                    // The secondary's scalable target has a generated id the primary cannot know: scoped to ECS desired counts
                    // in that region and account (the one ARN pattern in these policies, see the README's IAM table).
                    .Allow("SetSecondaryScalingFloor", Actions.ApplicationAutoScaling.RegisterScalableTarget,
                        Value.Format($"arn:{account.Partition}:application-autoscaling:{config.PeerRegion}:{account.AccountId}:scalable-target/*"),
                        Condition.StringEquals("application-autoscaling:service-namespace", "ecs"),
                        Condition.StringEquals("application-autoscaling:scalable-dimension", "ecs:service:DesiredCount"))
                    .AllowUnscoped("ReadScalingBounds", Actions.ApplicationAutoScaling.DescribeScalableTargets));
                });
        }

        var functions = new WorkflowFunctions<LambdaFunction>
        {
            Decide = decide, ScaleService = scale, CheckService = check, ShiftTraffic = shift, ReleaseLock = release, ScaleStandby = standby,
        };
        var workflow = Workflow.Create(program, new WorkflowProps
        {
            Naming = naming,
            Account = account,
            Role = props.Role.Role,
            Settings = config.Workflow,
            Recovery = new RecoveryTasks(config.RecoveryTasks, props.Ecs),
            Functions = functions,
            Notifications = notifications,
            LogRetentionDays = config.LogRetentionDays,
        });
        return new Orchestration { Table = table, Functions = functions, Notifications = notifications, Workflow = workflow, Primary = primary };
    }

    // Where each gate's switch lives decides who may publish what: the primary's gate is switched in the secondary's region (a
    // failover closes it there with the primary's region down), the secondary's in the primary's (a failback that cannot reach the
    // secondary's region closes it instead). Each grant names one gate's namespace and one region.
    private static (FunctionEnvironment, Action<IamRole>) ShiftTraffic(StackConfig config, AwsAccount account, PrimaryStack? primary, TrafficGate ownGate,
        bool isPrimary, string primaryRegion, string secondaryRegion)
    {
        var environment = new FunctionEnvironment(FunctionContract.ShiftTraffic);
        if (config.Dns.TrafficGate == TrafficGateKind.Arc)
        {
            // Both directions move the primary's control only: Off closes its record (failover), On opens it (failback). The
            // cluster's data plane answers from five regions, so no failback needs the secondary's control instead, and the
            // safety rule refuses an Off that would leave both Off.
            var control = primary?.Output(StackOutputs.ArcPrimaryRoutingControlArn) ?? ownGate.RoutingControlArn!;
            environment.Set(EnvNames.TrafficGateMode, TrafficGateModes.Arc)
                .Set(EnvNames.RoutingControlArn, control)
                .Set(EnvNames.ArcClusterEndpoints, ownGate.ClusterEndpoints!);
            return (environment, role => TrafficGate.GrantMoveRoutingControl(role, isPrimary ? "OpenPrimaryRoutingControl" : "ClosePrimaryRoutingControl", control));
        }
        if (config.Dns.TrafficGate == TrafficGateKind.Route53Api)
        {
            var gateId = primary?.Output(StackOutputs.GateHealthCheckId) ?? ownGate.Check.Out("id");
            environment.Set(EnvNames.TrafficGateMode, TrafficGateModes.Route53Api).Set(EnvNames.GateHealthCheckId, gateId);
            return (environment, role => role.Grant(p => p.Allow("FlipPrimaryTrafficGate", Actions.Route53.UpdateHealthCheck, account.HealthCheckArn(gateId))));
        }
        var (own, peer) = (config.Naming.Prefix, config.Control.PeerNamePrefix);
        var primaryGate = TrafficGateMetric.Namespace(isPrimary ? own : peer);
        environment.Set(EnvNames.TrafficGateMode, TrafficGateModes.Metric)
            .Set(EnvNames.PrimaryGateNamespace, primaryGate)
            .Set(EnvNames.PrimaryGateRegion, secondaryRegion)
            .Set(EnvNames.GatePeriodSeconds, Text(TrafficGate.AlarmPeriodSeconds));
        if (!isPrimary)
            return (environment, role => TrafficGate.GrantPublish(role, "ClosePrimaryTrafficGate", primaryGate, secondaryRegion));
        var secondaryGate = TrafficGateMetric.Namespace(peer);
        environment.Set(EnvNames.SecondaryGateNamespace, secondaryGate).Set(EnvNames.SecondaryGateRegion, primaryRegion);
        return (environment, role =>
        {
            TrafficGate.GrantPublish(role, "OpenPrimaryTrafficGate", primaryGate, secondaryRegion);
            TrafficGate.GrantPublish(role, "MoveSecondaryTrafficGate", secondaryGate, primaryRegion);
        });
    }

    // The active size is the primary's serving size and floor; the standby size is the secondary's. Both stacks read the same
    // capacity keys, so set them once for the project (Pulumi.yaml config) or alike in both stack files.
    private static FunctionEnvironment ScaleEnvironment(StackConfig config, ControlTable table, Value cluster, Value service, string? serviceRegion)
    {
        var environment = new FunctionEnvironment(FunctionContract.ScaleService)
            .Set(EnvNames.ControlTableName, table.Name)
            .Set(EnvNames.ClusterName, cluster)
            .Set(EnvNames.ServiceName, service)
            .Set(EnvNames.ActiveDesiredCount, Text(config.Capacity.ActiveCount))
            .Set(EnvNames.ActiveMinCapacity, Text(config.Capacity.AutoscalingMin))
            .Set(EnvNames.StandbyDesiredCount, Text(config.Capacity.StandbyCount))
            .Set(EnvNames.StandbyMinCapacity, Text(config.Capacity.StandbyCount));
        if (serviceRegion is not null) environment.Set(EnvNames.ServiceRegion, serviceRegion);
        return environment;
    }


    /// ARNs formatted from fixed names, as one comma-separated value.
    private static Value CommaList(IReadOnlyList<Value> arns) =>
        new Interpolation([.. arns.SelectMany((a, i) => i == 0 ? PartsOf(a) : [new Str(","), .. PartsOf(a)])]);

    private static IReadOnlyList<IInterpolationPart> PartsOf(Value value) => value switch
    {
        Interpolation i => i.Parts,
        Str s => [s],
        Ref r => [r],
        _ => throw new ArgumentException("An ARN is text, a reference or an interpolation.", nameof(value)),
    };

    // Lambda environment values are strings; a bare number would reach the provider as a number.
    private static Value Text(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
