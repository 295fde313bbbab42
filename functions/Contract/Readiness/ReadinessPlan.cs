namespace Failover.Contract.Readiness;

// What a stack's readiness checks compare, written by the compiler from the stack's config and model into the control table
// (item `readiness#STACK`, attribute `plan`, by Pulumi at deploy) and read by the stack's readiness function and by
// `failoverctl readiness`. It is the deployed intent: the checks hold the live account against it.

/// One stack's readiness plan: what its workflow's move needs, by exact name.
public sealed record ReadinessPlan
{
    /// The stack's prefix (`failover-secondary`): the item key, the metric dimension.
    public required string Stack { get; init; }
    /// `primary` or `secondary`.
    public required string Role { get; init; }
    /// The region this stack's workflow moves traffic into (its own): the recovery region of its move.
    public required string Region { get; init; }
    public required string PeerStack { get; init; }
    public required string PeerRegion { get; init; }
    /// The settings both stacks must share (gate kind, DNS mode, consistency mode, capacity keys), by config key, as deployed.
    public required IReadOnlyDictionary<string, string> Agreement { get; init; }
    /// This stack's service and the peer's: the same image and task definition must run in both.
    public required ServiceRef Service { get; init; }
    public required ServiceRef PeerService { get; init; }
    /// How many tasks this stack's move scales its service to, and each task's vCPU (Fargate quota arithmetic).
    public required int ActiveCount { get; init; }
    public required double TaskVcpu { get; init; }
    /// Every alarm the decision and the gate depend on.
    public required IReadOnlyList<AlarmRef> Alarms { get; init; }
    /// The primary's traffic gate: its position must agree with the control table's recorded active region.
    public required GateRef PrimaryGate { get; init; }
    public required string ControlTableName { get; init; }
    /// Where the run records live (the decision log); the control table itself when consistency is eventual.
    public required string DecisionTableName { get; init; }
    /// The state machines whose executions may hold the lock (this stack's entry points).
    public required IReadOnlyList<string> StateMachineArns { get; init; }
    /// Each workflow step's role and the exact actions and resources the step uses.
    public required IReadOnlyList<RoleSimulation> Roles { get; init; }
    public required int DrillMaxAgeDays { get; init; }
    /// The recovery-time model of this stack's move, for the report and the drill's recovery-time check.
    public required RecoveryModel Model { get; init; }
}

/// An ECS service by region, cluster and name.
public sealed record ServiceRef
{
    public required string Region { get; init; }
    public required string Cluster { get; init; }
    public required string Service { get; init; }
}

/// An alarm by region and name; `MayLackData` when the design expects INSUFFICIENT_DATA (a gate never moved), with why.
public sealed record AlarmRef
{
    public required string Region { get; init; }
    public required string Name { get; init; }
    public bool MayLackData { get; init; }
    public string? Why { get; init; }
}

/// A traffic gate as the readers need it: kind (`metric`, `arc`, `route53-api`) and the identifiers of that kind.
public sealed record GateRef
{
    public required string Kind { get; init; }
    public required string HealthCheckId { get; init; }
    public string? AlarmName { get; init; }
    public string? SwitchRegion { get; init; }
    public string? RoutingControlArn { get; init; }
    public IReadOnlyList<GateClusterEndpoint>? ClusterEndpoints { get; init; }
}

/// One ARC cluster endpoint.
public sealed record GateClusterEndpoint
{
    public required string Region { get; init; }
    public required string Endpoint { get; init; }
}

/// One workflow step's role and what the step does with it.
public sealed record RoleSimulation
{
    /// The step (function or state machine) the role serves: `decide`, `shift-traffic`, `workflow`.
    public required string Step { get; init; }
    public required string RoleArn { get; init; }
    public required IReadOnlyList<Permission> Permissions { get; init; }
}

/// One action on one exact resource, with the request context its statement's conditions read (dynamodb:LeadingKeys, …).
public sealed record Permission
{
    public required string Action { get; init; }
    public required string Resource { get; init; }
    public IReadOnlyList<ContextEntry>? Context { get; init; }
}

/// One condition key's value for the simulation (IAM's ContextEntry: key, type such as `string` or `stringList`, values).
public sealed record ContextEntry
{
    public required string Key { get; init; }
    public required string Type { get; init; }
    public required IReadOnlyList<string> Values { get; init; }
}

/// The recovery-time model of one move: the objective and each phase's typical figure and bound, in seconds.
public sealed record RecoveryModel
{
    public required int ObjectiveSeconds { get; init; }
    public required IReadOnlyList<PhaseModel> Phases { get; init; }
}

/// One phase of the model, named as RecoveryPhases names it.
public sealed record PhaseModel
{
    public required string Phase { get; init; }
    public required int TypicalSeconds { get; init; }
    public required int BoundSeconds { get; init; }
}
