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
    /// Route 53's verdict on the primary's endpoint as its DNS answers it: decide's data-plane view of Route 53's checkers.
    public required HealthAnswerRecords HealthAnswer { get; init; }
    /// The primary's table, evidence and gate: this stack's own in the primary, read from the primary in the secondary.
    public required PrimaryView Primary { get; init; }
}

/// The functions, the topic and the workflow that promote this region, over the primary's control table. The primary's
/// evidence and gate are the subject everywhere, and the same objects in both stacks (PrimaryView): the grants on them are
/// written once.
public sealed record Orchestration
{
    public required ControlTable Table { get; init; }
    public required WorkflowFunctions<LambdaFunction> Functions { get; init; }
    public required Notifications Notifications { get; init; }
    public required Workflow Workflow { get; init; }
    public required PrimaryView Primary { get; init; }

    /// The primary's function that scales the secondary back to standby after a failback.
    public const string ScaleStandby = "scale-standby";

    public static Orchestration Create(PulumiProgram program, OrchestrationProps props)
    {
        var config = props.Config;
        var naming = config.Naming;
        var account = props.Account;
        var (profile, peer, primary) = (props.Role, props.Role.Peer, props.Primary);
        var (primaryRegion, secondaryRegion) = (profile.PrimaryRegion, profile.SecondaryRegion);
        var table = primary.Table;
        var notifications = Notifications.Create(program, new NotificationsProps
        {
            Naming = naming, Account = account, Emails = config.NotificationEmails,
        });

        // Both stacks' entry points, by their fixed names: decide asks Step Functions which one runs it, and whether a lock's holder still runs.
        var ownMachines = Workflow.Names(naming.Prefix, profile.Role).Select(n => Workflow.ArnOf(account, account.Region, n)).ToList();
        var peerMachines = peer.StateMachineArns(account);

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
            .Set(EnvNames.PrimaryEndpointHealthCheckId, primary.Endpoint.Id)
            .Set(EnvNames.PrimaryAlarmNames, primary.Alarms.NameList)
            .Set(EnvNames.PrimaryProbeUrl, primary.Endpoint.ProbeUrl)
            // The lease covers decide's phase only; the run renews it for each phase after (LockLeases).
            .Set(EnvNames.LockLeaseSeconds, Text(WorkflowDefinition.DecideLeaseSeconds(profile.Role, account.Region, config.Workflow,
                new RecoveryTasks(config.RecoveryTasks, props.Ecs))))
            .Set(EnvNames.LockMaxLeaseSeconds, Text(WorkflowDefinition.MaxLeaseSeconds(profile.Role, account.Region, config.Workflow,
                new RecoveryTasks(config.RecoveryTasks, props.Ecs))))
            .Set(EnvNames.OperatorStateMachineArn, ownMachines[0])
            .Set(EnvNames.PeerStateMachineArns, CommaList(peerMachines))
            .Set(EnvNames.NoticeRepeatMinutes, Text(config.NoticeRepeatMinutes))
            .Set(EnvNames.HealthAnswerName, props.HealthAnswer.Name)
            .Set(EnvNames.HealthAnswerNameServers, new ToJson(props.HealthAnswer.NameServers));
        if (ownMachines.Count > 1) decideEnvironment.Set(EnvNames.TriggerStateMachineArn, ownMachines[1]);
        // A failover scales to the primary's desired count when it can be read (fixed names: the primary stack's prefix).
        if (profile.ReadsPrimaryServiceSize)
            decideEnvironment.Set(EnvNames.PrimaryClusterName, peer.ClusterName).Set(EnvNames.PrimaryServiceName, peer.ServiceName);
        var decide = Add(HandlerNames.Decide, decideEnvironment,
            role =>
            {
                table.GrantDecide(role, profile.WorkflowActions);
                role.Grant(p => p.Allow("AskWhichRunDecides", Actions.States.DescribeExecution, [.. ownMachines.Concat(peerMachines).Select(Workflow.ExecutionsOf)]));
                primary.Endpoint.GrantReadStatus(role);
                primary.Alarms.GrantDescribe(role);
                if (profile.ReadsPrimaryServiceSize)
                    role.Grant(p => p.Allow("ReadPrimaryServiceSize", Actions.Ecs.DescribeService, peer.ServiceArn(account)));
            });
        var scale = Add(HandlerNames.ScaleService, ScaleEnvironment(config, table, props.Ecs.Cluster.Out("name"), props.Ecs.Service.Out("name"), serviceRegion: null),
            role => { table.GrantReadLock(role); props.Ecs.GrantScale(role); props.Scaling.GrantSetFloor(role); });
        var check = Add(HandlerNames.CheckService, new FunctionEnvironment(FunctionContract.CheckService)
                .Set(EnvNames.ClusterName, props.Ecs.Cluster.Out("name"))
                .Set(EnvNames.ServiceName, props.Ecs.Service.Out("name"))
                .Set(EnvNames.TargetGroupArn, props.LoadBalancer.TargetGroup.Out("arn")),
            role => { props.Ecs.GrantDescribe(role); props.LoadBalancer.GrantReadTargetHealth(role); });
        var (shiftEnvironment, shiftGrants) = ShiftTraffic(profile, primary.Gate);
        var shift = Add(HandlerNames.ShiftTraffic, shiftEnvironment.Set(EnvNames.ControlTableName, table.Name), role => { table.GrantReadLock(role); shiftGrants(role); });
        var release = Add(HandlerNames.ReleaseLock, table.SetReleaseEnvironment(new FunctionEnvironment(FunctionContract.ReleaseLock))
                .Set(EnvNames.PrimaryRegion, primaryRegion)
                .Set(EnvNames.SecondaryRegion, secondaryRegion)
                .Set(EnvNames.StackPrefix, naming.Prefix),
            table.GrantRelease);
        LambdaFunction? standby = null;
        if (profile.ScalesPeerToStandby)
        {
            // The secondary's cluster and service have fixed names (its stack's prefix), so the primary can address them before
            // the secondary exists; Step Functions cannot call another region, so this function in the primary does.
            standby = Add(ScaleStandby, ScaleEnvironment(config, table, peer.ClusterName, peer.ServiceName, peer.Region),
                description: $"Scales the secondary's service ({peer.Region}) back to standby after a failback",
                grants: role =>
                {
                    // The failback's lock is in this region's replica: the function acts only for the run holding it.
                    table.GrantReadLock(role);
                    role.Grant(p => p
                    .Allow("ScaleSecondaryService", Actions.Ecs.ScaleService, peer.ServiceArn(account))
                    // The secondary's scalable target has a generated id the primary cannot know: scoped to ECS desired counts
                    // in that region and account (the one ARN pattern in these policies, see docs/iam.md).
                    .Allow("SetSecondaryScalingFloor", Actions.ApplicationAutoScaling.RegisterScalableTarget,
                        Value.Format($"arn:{account.Partition}:application-autoscaling:{peer.Region}:{account.AccountId}:scalable-target/*"),
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
            Role = profile.Role,
            Settings = config.Workflow,
            Recovery = new RecoveryTasks(config.RecoveryTasks, props.Ecs),
            Functions = functions,
            Notifications = notifications,
            LogRetentionDays = config.LogRetentionDays,
            ScheduledDrills = config.Triggers.DrillSchedule is not null,
        });
        return new Orchestration { Table = table, Functions = functions, Notifications = notifications, Workflow = workflow, Primary = primary };
    }

    // Where each gate's switch lives decides who may publish what: the primary's gate is switched in the secondary's region (a
    // failover closes it there with the primary's region down), the secondary's in the primary's (a failback that cannot reach the
    // secondary's region closes it instead). Each grant names one gate: its health check, its routing control, or its namespace
    // and region.
    private static (FunctionEnvironment, Action<IamRole>) ShiftTraffic(RoleProfile role, GateSwitch primaryGate)
    {
        var environment = new FunctionEnvironment(FunctionContract.ShiftTraffic).Set(EnvNames.TrafficGateMode, TrafficGate.Mode(primaryGate.Kind));
        switch (primaryGate.Kind)
        {
            // Both directions move the primary's control only: Off closes its record (failover), On opens it (failback). The
            // cluster's data plane answers from five regions, so no failback needs the secondary's control instead, and the
            // safety rule refuses an Off that would leave both Off.
            case TrafficGateKind.Arc:
                environment.Set(EnvNames.RoutingControlArn, primaryGate.RoutingControlArn!).Set(EnvNames.ArcClusterEndpoints, primaryGate.ClusterEndpoints!);
                break;
            case TrafficGateKind.Route53Api:
                environment.Set(EnvNames.GateHealthCheckId, primaryGate.HealthCheckId!);
                break;
            default:
                environment.Set(EnvNames.PrimaryGateNamespace, primaryGate.Namespace!)
                    .Set(EnvNames.PrimaryGateRegion, primaryGate.SwitchRegion!)
                    .Set(EnvNames.GatePeriodSeconds, Text(TrafficGate.AlarmPeriodSeconds));
                break;
        }
        // The failback's way back with the secondary's region down: the primary may also move the secondary's metric gate.
        var secondaryGate = SecondaryMetricGate(role, primaryGate);
        if (secondaryGate is not null)
            environment.Set(EnvNames.SecondaryGateNamespace, secondaryGate.Namespace!).Set(EnvNames.SecondaryGateRegion, secondaryGate.SwitchRegion!);
        return (environment, shift =>
        {
            primaryGate.GrantMove(shift, role.PrimaryGateMove);
            secondaryGate?.GrantMove(shift, GateMove.Move);
        });
    }

    // Named from the pair's names (the primary deploys first and cannot read the secondary's outputs); switched in this region.
    private static GateSwitch? SecondaryMetricGate(RoleProfile role, GateSwitch primaryGate) =>
        role.MovesSecondaryGate && primaryGate.Kind == TrafficGateKind.Metric
            ? new GateSwitch
            {
                Owner = Role.Secondary, Kind = TrafficGateKind.Metric, Namespace = role.Peer.GateNamespace, SwitchRegion = role.PrimaryRegion,
            }
            : null;

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
