using Failover.Infra.Config;
using Failover.Infra.Control;
using Failover.Infra.Health;
using Failover.Infra.Iam;
using Failover.Infra.Readiness;
using Failover.Infra.Regional;
using Failover.Infra.Triggers;
using Failover.Infra.Watch;
using Failover.Infra.Yaml;

namespace Failover.Infra;

/// One region stack, wired top to bottom like the architecture diagram in README.md: the program and the components
/// later layers grant to and read from.
public sealed record RegionStack
{
    public required PulumiProgram Program { get; init; }
    public required RoleProfile Role { get; init; }
    public required AwsAccount Account { get; init; }
    /// The explicit providers for other regions, one per region for the whole program.
    public required AwsProviders Providers { get; init; }
    public required LoadBalancer LoadBalancer { get; init; }
    public required EcsService Ecs { get; init; }
    public required Autoscaling Scaling { get; init; }
    public required HealthAlarms Alarms { get; init; }
    public required RegionHealth Health { get; init; }
    public required FailoverRecord Record { get; init; }
    public required Orchestration Orchestration { get; init; }
    /// The primary's: its alarms forwarded to the secondary's bus.
    public AlarmForwarding? Forwarding { get; init; }
    /// The secondary's: the rule and the probe that start its workflow.
    public WorkflowTriggers? Triggers { get; init; }
    public required EventRule RunEnded { get; init; }
    public required IReadOnlyList<WatcherAlarm> Watchers { get; init; }
    public required IReadOnlyList<DeadLetterQueue> DeadLetters { get; init; }
    public required Resource Dashboard { get; init; }
    /// The stack's readiness plan in the control table, and its scheduled checks (null when readinessRate is off).
    public required Resource ReadinessPlan { get; init; }
    public ReadinessFunction? Readiness { get; init; }

    public static PulumiProgram Build(StackConfig config) => Create(config).Program;

    public static RegionStack Create(StackConfig config)
    {
        var role = RoleProfile.For(config);
        var peer = role.Peer;
        var naming = config.Naming;
        var program = new PulumiProgram(config.Project,
            $"Multi-region failover: the {role.Name} region ({config.Region}) of {config.Dns.DomainName}", ProviderVersions.Pinned);
        var account = new AwsAccount(
            program.AddVariable("partition", new Invoke("aws:index/getPartition:getPartition", Map.Of(), "partition")),
            program.AddVariable("account-id", new Invoke("aws:index/getCallerIdentity:getCallerIdentity", Map.Of(), "accountId")),
            config.Region);

        var providers = new AwsProviders(program);
        // The secondary's reference to the primary's outputs, declared where it is first read (an arc gate reads it before the workflow does).
        var primaryStack = PrimaryStack.For(program, role);
        var network = Network.Create(program, naming, config.Network);
        var loadBalancer = LoadBalancer.Create(program, new LoadBalancerProps
        {
            Naming = naming,
            Network = network,
            CertificateArn = config.Dns.CertificateArn,
            TargetPort = config.Container.Port,
            HealthCheckPath = config.Container.HealthCheckPath,
            Account = account,
            Edge = config.Edge,
        });
        var ecs = EcsService.Create(program, new EcsServiceProps
        {
            Naming = naming,
            Account = account,
            Container = config.Container,
            DesiredCount = role.DesiredCount,
            LogRetentionDays = config.LogRetentionDays,
            Network = network,
            LoadBalancer = loadBalancer,
        });
        var scaling = Autoscaling.Create(program, new AutoscalingProps
        {
            Naming = naming,
            Ecs = ecs,
            Floor = role.ScalingFloor,
            Max = config.Capacity.AutoscalingMax,
            CpuTargetPercent = config.Capacity.CpuTargetPercent,
        });

        var alarms = HealthAlarms.Create(program, new HealthAlarmsProps
        {
            Naming = naming,
            Settings = config.Alarms,
            IdleStandby = role.IdleStandby,
            LoadBalancer = loadBalancer,
            Ecs = ecs,
        });
        var health = RegionHealth.Create(program, new RegionHealthProps
        {
            Naming = naming,
            Account = account,
            Alarms = alarms,
            LoadBalancer = loadBalancer,
            HealthCheckPath = config.Container.HealthCheckPath,
            EndpointCheckIntervalSeconds = config.Dns.EndpointCheckIntervalSeconds,
            EndpointFailureThreshold = config.Dns.EndpointFailureThreshold,
            GateKind = config.Dns.TrafficGate,
            PeerRegion = peer.Region,
            Providers = providers,
            Role = role.Role,
            Arc = config.Dns.Arc,
            PeerNamePrefix = peer.Prefix,
            PrimaryOutput = primaryStack is null ? null : primaryStack.Output,
        });
        var record = FailoverRecord.Create(program, new FailoverRecordProps
        {
            Naming = naming,
            Dns = config.Dns,
            RecordType = role.RecordType,
            LoadBalancer = loadBalancer,
            Health = health,
        });

        var healthAnswer = HealthAnswerRecords.Create(program, naming, config.Dns, role.Role, health.Endpoint);
        // The primary's table, evidence and gate: built here in the primary, read from its outputs in the secondary.
        var primary = PrimaryView.Create(program, new PrimaryViewProps
        {
            Naming = naming, Account = account, Role = role, Control = config.Control, Health = health, Alarms = alarms,
            LoadBalancer = loadBalancer, Stack = primaryStack,
        });
        var orchestration = Orchestration.Create(program, new OrchestrationProps
        {
            HealthAnswer = healthAnswer,
            Config = config,
            Role = role,
            Account = account,
            Ecs = ecs,
            Scaling = scaling,
            LoadBalancer = loadBalancer,
            Primary = primary,
        });

        // Only the workflow moves traffic: operators set the flag and start the operators' entry point; the table admits no other writer.
        var operators = OperatorAccess.Create(program, new OperatorAccessProps
        {
            Naming = naming, Account = account, Table = orchestration.Table, Workflow = orchestration.Workflow,
            TableWriters = [orchestration.Functions.Decide, orchestration.Functions.ReleaseLock],
            PeerPrefix = peer.Prefix, PeerRegion = peer.Region, Deployer = Deployer(program),
        });

        // Readiness: the plan the checks hold the account against, and the function that runs them on a schedule.
        var planSources = new ReadinessPlanProps { Config = config, Role = role, Account = account, Alarms = alarms, Orchestration = orchestration };
        var readinessPlan = ReadinessPlanItem.Create(program, naming, orchestration.Table, ReadinessPlanBuilder.Build(planSources), operators.TablePolicy);
        var readiness = config.Readiness.Rate is { } readinessRate
            ? ReadinessFunction.Create(new ReadinessFunctionProps { Program = program, Plan = planSources, Rate = readinessRate })
            : null;

        // Triggers: the primary forwards its alarms, the secondary starts its workflow on them, on its probe and on its drill schedule.
        var forwarding = role.ForwardsAlarms
            ? AlarmForwarding.Create(program, new AlarmForwardingProps
            {
                Naming = naming, Account = account, Providers = providers, SecondaryRegion = role.SecondaryRegion,
                Alarms = alarms, Health = health, EvaluationPeriods = config.Alarms.EvaluationPeriods,
                Topic = orchestration.Notifications, Emails = config.NotificationEmails,
            })
            : null;
        var triggers = role.StartsOnTriggers
            ? WorkflowTriggers.Create(program, new WorkflowTriggersProps
            {
                Naming = naming, Account = account, StateMachineArn = orchestration.Workflow.TriggerArn ?? throw new InvalidOperationException("the secondary has a trigger entry point"),
                TriggerAlarmArns = primary.TriggerAlarmArns ?? throw new InvalidOperationException("the triggers start on the primary's alarms"),
                ProbeRate = config.Triggers.ProbeRate, DrillSchedule = config.Triggers.DrillSchedule,
            })
            : null;

        // Watching the watcher.
        var topics = new[] { orchestration.Notifications, forwarding?.Relay }.OfType<Notifications>().ToList();
        var runEnded = ExecutionAlerts.Create(program, naming, account, orchestration.Workflow, orchestration.Notifications);
        var peerNotices = PeerNotices.Create(program, naming, account, peer.Region, peer.Prefix, orchestration.Notifications);
        // The other stack's metric gate is switched in this region: its moves are told here.
        var gateMoved = config.Dns.TrafficGate == TrafficGateKind.Metric
            ? GateWatch.Create(program, naming, account, peer.Prefix, orchestration.Notifications)
            : null;
        var changes = ChangeWatch.Create(program, new ChangeWatchProps
        {
            Naming = naming, Account = account, Providers = providers, Role = role, Health = health, Primary = primary,
            Table = orchestration.Table, Topic = orchestration.Notifications, Relay = forwarding?.Relay,
        });
        EventRule[] rules = [.. forwarding?.Rules ?? [], .. triggers is null ? [] : new[] { triggers.AlarmRule }, runEnded, peerNotices.ToPeer, peerNotices.FromPeer,
            .. gateMoved is null ? [] : new[] { gateMoved }, .. changes];
        var deadLetters = rules.Select(r => r.DeadLetters)
            .Concat(triggers?.ScheduleDeadLetters ?? [])
            .ToList();
        var watchers = WatcherAlarms.Create(program, new WatcherAlarmsProps
        {
            Naming = naming, Account = account, Functions = orchestration.Functions, Workflow = orchestration.Workflow,
            Topics = topics, DeadLetters = deadLetters,
            Rules = rules,
            Triggers = triggers, ProbeIntervalSeconds = triggers?.Probe is null ? null : config.Triggers.ProbeIntervalSeconds,
            Readiness = readiness?.Function, ReadinessIntervalSeconds = config.Readiness.IntervalSeconds,
        });
        foreach (var topic in topics) topic.DeclarePolicy(program);
        var dashboard = Watch.Dashboard.Create(program, DashboardView(config, role, account, loadBalancer, ecs, health, orchestration, deadLetters, watchers));

        StackExports.Export(program, config, role, loadBalancer, ecs, scaling, alarms, health, record, orchestration);
        StackExports.ExportWatch(program, forwarding, triggers, deadLetters, watchers, dashboard);
        return new RegionStack
        {
            Program = program, Role = role, Account = account, Providers = providers, LoadBalancer = loadBalancer, Ecs = ecs, Scaling = scaling,
            Alarms = alarms, Health = health, Record = record, Orchestration = orchestration, Forwarding = forwarding, Triggers = triggers,
            RunEnded = runEnded, Watchers = watchers, DeadLetters = deadLetters, Dashboard = dashboard, ReadinessPlan = readinessPlan, Readiness = readiness,
        };
    }

    // The deploying identity as IAM policies name it: an assumed role's role ARN, not its session's.
    private static Value Deployer(PulumiProgram program)
    {
        var caller = program.AddVariable("caller-arn", new Invoke("aws:index/getCallerIdentity:getCallerIdentity", Map.Of(), "arn"));
        return program.AddVariable("deployer-arn", new Invoke("aws:iam/getSessionContext:getSessionContext", Map.Of(("arn", caller)), "issuerArn"));
    }

    // This stack's side from its own resources; the peer's from the primary's view (in the secondary) or from the fixed names both
    // stacks share (in the primary, which deploys first and cannot know the secondary's generated ids).
    private static DashboardProps DashboardView(StackConfig config, RoleProfile role, AwsAccount account, LoadBalancer loadBalancer, EcsService ecs,
        RegionHealth health, Orchestration orchestration, IReadOnlyList<DeadLetterQueue> deadLetters, IReadOnlyList<WatcherAlarm> watchers)
    {
        var peer = role.Peer;
        var own = new RegionView
        {
            Label = role.Label,
            Region = config.Region,
            LoadBalancer = loadBalancer.Alb.Out("arnSuffix"),
            TargetGroup = loadBalancer.TargetGroup.Out("arnSuffix"),
            Cluster = ecs.Cluster.Out("name"),
            Service = ecs.Service.Out("name"),
            HealthChecks = [("endpoint", health.Endpoint.Out("id")), ("region", health.Calculated.Out("id")), ("gate", health.Gate.Check.Out("id"))],
            StateMachineArns = orchestration.Workflow.Arns,
            FunctionNames = [.. orchestration.Functions.All.Select(f => (Value)f.Function.Function.Out("name"))],
            ReadinessStack = config.Readiness.Rate is null ? null : config.NamePrefix,
        };
        // The scale-standby function runs in whichever stack scales the other back.
        var ownFunctions = orchestration.Functions.All.Select(f => f.Key).Where(f => f != Orchestration.ScaleStandby);
        var peerFunctions = role.ScalesPeerToStandby ? ownFunctions : ownFunctions.Append(Orchestration.ScaleStandby);
        var byName = new RegionView
        {
            Label = peer.Role.ToString(),
            Region = peer.Region,
            Cluster = peer.ClusterName,
            Service = peer.ServiceName,
            StateMachineArns = peer.StateMachineArns(account),
            FunctionNames = [.. peerFunctions.Select(f => (Value)peer.Named(f))],
            // Named by its prefix: shown when this stack runs its checks too (readinessRate is each stack's own).
            ReadinessStack = config.Readiness.Rate is null ? null : peer.Prefix,
        };
        // The secondary also sees the primary's generated ids, through the primary's view.
        var primary = orchestration.Primary;
        var other = role.ReadsPrimaryOutputs
            ? byName with
            {
                LoadBalancer = primary.AlbArnSuffix,
                TargetGroup = primary.TargetGroupArnSuffix,
                HealthChecks = [("endpoint", primary.Endpoint.Id), ("region", primary.CalculatedCheckId), ("gate", primary.Gate.HealthCheckId!)],
            }
            : byName;
        var (primarySide, secondarySide) = role.Role == Config.Role.Primary ? (own, other) : (other, own);
        return new DashboardProps
        {
            Naming = config.Naming,
            Primary = primarySide,
            Secondary = secondarySide,
            DeadLetters = [.. deadLetters.Select(d => (d.Region, d.Name))],
            Watchers = watchers,
            Note = role.ReadsPrimaryOutputs
                ? null
                : $"The secondary's load balancer and Route 53 checks have ids this stack cannot know: its dashboard ({peer.Named("failover")}, in {peer.Region}) shows them, and stays up when this region is down.",
        };
    }
}
