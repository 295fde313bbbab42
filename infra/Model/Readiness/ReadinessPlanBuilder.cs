using System.Text.Json;
using Failover.Contract;
using Failover.Contract.Readiness;
using Failover.Infra.Config;
using Failover.Infra.Control;
using Failover.Infra.Estimates;
using Failover.Infra.Health;
using Failover.Infra.Iam;
using Failover.Infra.Triggers;
using Failover.Infra.Yaml;

namespace Failover.Infra.Readiness;

/// What a stack's readiness plan is built from: its config and the model's pieces the checks hold the account against.
public sealed record ReadinessPlanProps
{
    public required StackConfig Config { get; init; }
    public required RoleProfile Role { get; init; }
    public required AwsAccount Account { get; init; }
    public required HealthAlarms Alarms { get; init; }
    public required Orchestration Orchestration { get; init; }
}

/// The readiness plan (functions/Contract/Readiness/ReadinessPlan.cs) of one stack as a program value: the same JSON the
/// functions read, with what is known only at deploy (ARNs, the account, the primary's ids) left to Pulumi's interpolation.
/// Keys come from the record's property names, so a renamed member cannot leave the plan writing the old one.
public static class ReadinessPlanBuilder
{
    /// The step name of the state machine's role in Roles.
    public const string WorkflowStep = "workflow";

    public static Map Build(ReadinessPlanProps props)
    {
        var (config, role, account, orchestration) = (props.Config, props.Role, props.Account, props.Orchestration);
        var (peer, primary, table) = (role.Peer, orchestration.Primary, orchestration.Table);
        var budget = RecoveryTimeBudget.For(config);
        return Plan(
            (nameof(ReadinessPlan.Stack), config.NamePrefix),
            (nameof(ReadinessPlan.Role), role.Name),
            (nameof(ReadinessPlan.Region), config.Region),
            (nameof(ReadinessPlan.PeerStack), peer.Prefix),
            (nameof(ReadinessPlan.PeerRegion), peer.Region),
            (nameof(ReadinessPlan.Agreement), Map.Of(StackAgreement.Values(config))),
            // Each service is named after its stack (EcsService): both are known by name, before either exists.
            (nameof(ReadinessPlan.Service), Service(config.Region, config.NamePrefix)),
            (nameof(ReadinessPlan.PeerService), Service(peer.Region, peer.ServiceName)),
            (nameof(ReadinessPlan.ActiveCount), config.Capacity.ActiveCount),
            // Fargate counts vCPU; a task's size is in CPU units, 1024 to the vCPU.
            (nameof(ReadinessPlan.TaskVcpu), config.Container.Cpu / 1024.0),
            (nameof(ReadinessPlan.Alarms), Value.List(AlarmsOf(props).Select(a => (Value)Alarm(a.Region, a.Name, a.MayLackDataWhy)))),
            (nameof(ReadinessPlan.PrimaryGate), Gate(primary, config)),
            (nameof(ReadinessPlan.ControlTableName), table.Name),
            (nameof(ReadinessPlan.DecisionTableName), table.DecisionTableName ?? table.Name),
            (nameof(ReadinessPlan.StateMachineArns), Value.List(Workflow.Names(config.NamePrefix, role.Role).Select(n => Workflow.ArnOf(account, account.Region, n)))),
            (nameof(ReadinessPlan.Roles), Value.List(Roles(orchestration))),
            (nameof(ReadinessPlan.DrillMaxAgeDays), config.Readiness.DrillMaxAgeDays),
            (nameof(ReadinessPlan.Model), Model(budget)));
    }

    private static Map Plan(params (string Member, Value? Value)[] members) =>
        Map.Of([.. members.Select(m => (Key(m.Member), m.Value))]);

    /// The member's name on the wire (ReadinessJson writes camelCase).
    private static string Key(string member) => JsonNamingPolicy.CamelCase.ConvertName(member);

    private static Map Service(string region, string name) =>
        Plan((nameof(ServiceRef.Region), region), (nameof(ServiceRef.Cluster), name), (nameof(ServiceRef.Service), name));

    private static Map Alarm(string region, string name, string? mayLackDataWhy = null) =>
        Plan((nameof(AlarmRef.Region), region), (nameof(AlarmRef.Name), name),
            (nameof(AlarmRef.MayLackData), mayLackDataWhy is null ? null : new Bool(true)), (nameof(AlarmRef.Why), mayLackDataWhy is null ? null : new Str(mayLackDataWhy)));

    /// The alarms the plan lists, which the readiness function may describe: the primary's health alarms, which decide reads (named
    /// PREFIX-KEY in the primary's region, with the same keys in both stacks); the gate's alarm; and in the secondary the Route 53
    /// alarms in us-east-1 that start its failover. Route 53 publishes their metric every minute (AlarmForwarding), so only the
    /// gate's alarm is expected without data.
    public static IReadOnlyList<(string Region, string Name, string? MayLackDataWhy)> AlarmsOf(ReadinessPlanProps props)
    {
        var primary = props.Orchestration.Primary;
        var alarms = props.Alarms.All.Select(a => (primary.Region, $"{primary.Prefix}-{a.Key}", (string?)null)).ToList();
        if (primary.Gate.Kind == TrafficGateKind.Metric)
            alarms.Add((primary.Gate.SwitchRegion!, TrafficGate.AlarmName(primary.Prefix),
                "a metric gate nobody has moved has never had data: its alarm stays INSUFFICIENT_DATA (treatMissingData ignore) and its check reads healthy"));
        if (props.Role.StartsOnTriggers)
            alarms.AddRange(AlarmForwarding.Route53AlarmKeys.Select(key => (AlarmForwarding.Route53MetricsRegion, $"{primary.Prefix}-{key}", (string?)null)));
        return alarms;
    }

    // As the gate's readers take it (infra/Ops/Pulumi/DeployedGate.cs): the kind and the identifiers of that kind. An arc gate's
    // endpoints are listed when this stack knows them as a list: a named cluster's from config, a created one's in the primary.
    // The secondary knows a created cluster's only as the primary's JSON output, and Pulumi YAML has no built-in that parses JSON
    // back into a list (pulumi-std's jsondecode would add a provider), so its plan leaves them out: the primary's plan lists them,
    // and a check in the secondary must read them there (ReadinessContext.Peer).
    private static Map Gate(PrimaryView primary, StackConfig config)
    {
        var gate = primary.Gate;
        Value? endpoints = gate.Kind != TrafficGateKind.Arc ? null
            : config.Dns.Arc is { CreateCluster: false } arc ? Value.List(arc.Endpoints.Select(e => (Value)Plan(
                (nameof(GateClusterEndpoint.Region), e.Region), (nameof(GateClusterEndpoint.Endpoint), e.Url))))
            : gate.ClusterEndpoints is ToJson { Body: var list } ? list
            : null;
        return Plan(
            (nameof(GateRef.Kind), TrafficGate.Mode(gate.Kind)),
            (nameof(GateRef.HealthCheckId), gate.HealthCheckId),
            (nameof(GateRef.AlarmName), gate.Kind == TrafficGateKind.Metric ? new Str(TrafficGate.AlarmName(primary.Prefix)) : null),
            (nameof(GateRef.SwitchRegion), gate.SwitchRegion is { } region ? new Str(region) : null),
            (nameof(GateRef.RoutingControlArn), gate.RoutingControlArn),
            (nameof(GateRef.ClusterEndpoints), endpoints));
    }

    // Each workflow step's role and every (action, resource) its policy allows, with the request context its conditions read,
    // taken from the compiled statements themselves: the simulation asks exactly what the deploy granted. An unscoped grant is
    // asked on "*" with its conditions' values, which are what the step sends (shift-traffic's PutMetricData: the gate's
    // namespace and switch region, the permission that moves a metric gate).
    private static IEnumerable<Value> Roles(Orchestration orchestration)
    {
        var steps = orchestration.Functions.All.Select(f => (f.Key, f.Function.Role)).Append((WorkflowStep, orchestration.Workflow.Role));
        foreach (var (step, iamRole) in steps)
            yield return Plan(
                (nameof(RoleSimulation.Step), step),
                (nameof(RoleSimulation.RoleArn), iamRole.Resource.Out("arn")),
                (nameof(RoleSimulation.Permissions), Value.List(Permissions(iamRole.Policy))));
    }

    private static IEnumerable<Value> Permissions(PolicyDocument policy) =>
        from statement in policy.Statements
        where statement.Effect == Effect.Allow
        from action in statement.Actions
        from resource in statement.Resources
        select (Value)Plan(
            (nameof(Permission.Action), action),
            (nameof(Permission.Resource), resource),
            (nameof(Permission.Context), statement.Conditions.Count == 0 ? null : Value.List(statement.Conditions.Select(Context))));

    // IAM's ContextEntry: a multivalued key (ForAllValues:, ForAnyValue:, as dynamodb:LeadingKeys) as a stringList of the values
    // the statement allows, a single-valued one as a string.
    private static Value Context(Condition condition)
    {
        var multivalued = condition.Operator.StartsWith("ForAllValues:", StringComparison.Ordinal) || condition.Operator.StartsWith("ForAnyValue:", StringComparison.Ordinal);
        return Plan(
            (nameof(ContextEntry.Key), condition.Key),
            (nameof(ContextEntry.Type), multivalued ? "stringList" : "string"),
            (nameof(ContextEntry.Values), Value.List(multivalued ? condition.Values : condition.Values.Take(1))));
    }

    /// RecoveryTimeBudget's phases under the names the run records measure (RecoveryPhases).
    public static readonly IReadOnlyDictionary<string, string> PhaseNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [RecoveryTimeBudget.Detection] = RecoveryPhases.Detection,
        [RecoveryTimeBudget.Trigger] = RecoveryPhases.Trigger,
        [RecoveryTimeBudget.Decision] = RecoveryPhases.Decision,
        [RecoveryTimeBudget.ScaleUp] = RecoveryPhases.ScaleUpAndReadiness,
        [RecoveryTimeBudget.RecoveryTasks] = RecoveryPhases.RecoveryTasks,
        [RecoveryTimeBudget.TrafficShift] = RecoveryPhases.GateFlip,
        [RecoveryTimeBudget.DnsTtl] = RecoveryPhases.DnsTtl,
    };

    private static Map Model(RecoveryTimeBudget budget) => Plan(
        (nameof(RecoveryModel.ObjectiveSeconds), budget.ObjectiveSeconds),
        (nameof(RecoveryModel.Phases), Value.List(budget.Phases.Select(p => (Value)Plan(
            (nameof(PhaseModel.Phase), PhaseNames[p.Name]),
            (nameof(PhaseModel.TypicalSeconds), p.TypicalSeconds),
            (nameof(PhaseModel.BoundSeconds), p.BoundSeconds))))));
}
