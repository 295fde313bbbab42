using Failover.Infra.Config;
using Failover.Infra.Control;
using Failover.Infra.Health;
using Failover.Infra.Iam;
using Failover.Infra.Triggers;
using Failover.Infra.Yaml;

namespace Failover.Infra.Watch;

/// What a change watch needs: which stack's resources, and where the topics are.
public sealed record ChangeWatchProps
{
    public required Naming Naming { get; init; }
    public required AwsAccount Account { get; init; }
    public required AwsProviders Providers { get; init; }
    public required RoleProfile Role { get; init; }
    public required RegionHealth Health { get; init; }
    /// The primary's checks and gate: this stack's own in the primary, its outputs in the secondary.
    public required PrimaryView Primary { get; init; }
    public required ControlTable Table { get; init; }
    public required Notifications Topic { get; init; }
    /// The primary's topic in us-east-1 when neither stack is there (AlarmForwarding's relay): the global watch tells it.
    public Notifications? Relay { get; init; }
}

/// Changes made outside the workflow to what moves or blocks traffic (the gate and the alarms decide reads, the functions,
/// the state machines, the schedule, the rules, the control table's settings, the roles' policies), told to the topic in a
/// sentence that names who made them. CloudTrail delivers these management events to the default bus of the region where the
/// call was made, and those of global services (IAM, Route 53) to us-east-1 only (docs/account-guards.md: detecting changes). A deploy is
/// such a change too and is told on purpose: nobody is excluded but the workflow's own roles, for the calls they make.
public static class ChangeWatch
{
    public const string DetailType = "AWS API Call via CloudTrail";

    /// IAM's and Route 53's events reach EventBridge in this region only.
    public const string GlobalEventsRegion = "us-east-1";

    /// The object form: a CloudTrail request holds names other people chose (an alarm name may hold a quote), and EventBridge
    /// escapes a JSON value inserted as a field, never inside a string. The sentence holds only AWS's own values.
    public static readonly InputTransformer Notice = new(
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["who"] = "$.detail.userIdentity.arn",
            ["eventName"] = "$.detail.eventName",
            ["eventSource"] = "$.detail.eventSource",
            ["sourceIp"] = "$.detail.sourceIPAddress",
            ["time"] = "$.detail.eventTime",
            ["region"] = "$.region",
            ["request"] = "$.detail.requestParameters",
        },
        "{\"notice\": \"<who> called <eventName> (<eventSource>) from <sourceIp> at <time> in <region>, changing a resource of the " +
        "failover stacks (named in request below). The failover workflow never makes this call; a deploy (pulumi up) does. " +
        "If nobody deployed, find out who this is and put the resource back (docs/account-guards.md: detecting changes).\", \"request\": <request>}");

    /// The calls watched, per service; Lambda's event names carry API versions (`UpdateFunctionConfiguration20150331v2`),
    /// so they are matched by prefix.
    public static readonly IReadOnlyList<string> LambdaCalls =
    [
        "UpdateFunctionCode", "UpdateFunctionConfiguration", "PutFunctionConcurrency", "DeleteFunctionConcurrency", "AddPermission",
        "RemovePermission", "DeleteFunction", "CreateAlias", "UpdateAlias", "DeleteAlias", "PublishVersion", "PutFunctionEventInvokeConfig",
    ];
    public static readonly IReadOnlyList<string> StateMachineCalls =
    [
        "UpdateStateMachine", "DeleteStateMachine", "PublishStateMachineVersion", "DeleteStateMachineVersion", "CreateStateMachineAlias",
        "UpdateStateMachineAlias", "DeleteStateMachineAlias",
    ];
    public static readonly IReadOnlyList<string> ScheduleCalls = ["UpdateSchedule", "DeleteSchedule", "DeleteScheduleGroup"];
    public static readonly IReadOnlyList<string> RuleCalls = ["PutRule", "PutTargets", "RemoveTargets", "DisableRule", "DeleteRule"];
    public static readonly IReadOnlyList<string> AlarmCalls = ["PutMetricAlarm", "DeleteAlarms", "DisableAlarmActions", "SetAlarmState"];
    public static readonly IReadOnlyList<string> TableCalls = ["UpdateTable", "DeleteTable", "UpdateTimeToLive", "PutResourcePolicy", "DeleteResourcePolicy"];
    public static readonly IReadOnlyList<string> RoleCalls =
    [
        "PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy", "DetachRolePolicy", "UpdateAssumeRolePolicy", "PutRolePermissionsBoundary",
        "DeleteRolePermissionsBoundary", "DeleteRole",
    ];
    public static readonly IReadOnlyList<string> HealthCheckCalls = ["UpdateHealthCheck", "DeleteHealthCheck"];
    public static readonly IReadOnlyList<string> ArcConfigCalls =
        ["UpdateControlPanel", "DeleteControlPanel", "UpdateRoutingControl", "DeleteRoutingControl", "UpdateSafetyRule", "DeleteSafetyRule", "DeleteCluster"];
    public static readonly IReadOnlyList<string> ArcStateCalls = ["UpdateRoutingControlState", "UpdateRoutingControlStates"];

    /// One family of calls on resources named by `Fields` (paths under `detail`), each matched by one of `Matches`.
    private sealed record Watched(string Service, string EventSource, IReadOnlyList<string> Calls, bool CallPrefixes,
        IReadOnlyList<string> Fields, IReadOnlyList<Value> Matches, IReadOnlyList<Value>? ExceptCallers = null);

    /// The rules: `PREFIX-changes` in the stack's region, and `PREFIX-global-changes` in us-east-1 in the stack that watches the
    /// global services for both: the one deployed there, or the primary when neither is (through the program's us-east-1
    /// provider, telling the relay topic there). Two rules, not one: a pattern is at most 4096 characters.
    public static IReadOnlyList<EventRule> Create(PulumiProgram program, ChangeWatchProps props)
    {
        var account = props.Account;
        var home = account.Region;
        var watchesGlobal = home == GlobalEventsRegion || (props.Role.Peer.Region != GlobalEventsRegion && props.Role.Role == Config.Role.Primary);
        var regional = Regional(props, home).ToList();
        var global = watchesGlobal ? Global(props, home == GlobalEventsRegion).ToList() : [];
        var rules = new List<EventRule>();
        rules.Add(Rule(program, props, "changes", home, null, props.Topic, regional,
            $"Tells the topic of changes made outside the workflow to what moves or blocks traffic in {home}"));
        if (watchesGlobal)
        {
            var inHome = home == GlobalEventsRegion;
            var topic = inHome ? props.Topic
                : props.Relay ?? throw new InvalidOperationException("The global change watch outside us-east-1 needs the relay topic there.");
            rules.Add(Rule(program, props, "global-changes", GlobalEventsRegion, inHome ? null : props.Providers.For(GlobalEventsRegion), topic, global,
                "Tells the us-east-1 topic of changes to the failover roles, health checks, alarms and rules there (IAM and Route 53 events arrive only there)"));
        }
        return rules;
    }

    private static EventRule Rule(PulumiProgram program, ChangeWatchProps props, string key, string region, Resource? provider,
        Notifications topic, IReadOnlyList<Watched> watched, string description)
    {
        var rule = EventRule.Create(program, new EventRuleProps
        {
            Naming = props.Naming,
            Account = props.Account,
            Key = key,
            Description = description,
            Pattern = Pattern(watched),
            Region = region,
            Provider = provider,
            TargetArn = topic.Arn,
            Input = Notice,
            Retry = RetryPolicy.Notification,
        });
        topic.AllowRule(rule.Arn);
        return rule;
    }

    private static Map Pattern(IReadOnlyList<Watched> watched) => Map.Of(
        ("detail-type", Value.List(DetailType)),
        ("$or", Value.List(watched.SelectMany(Branches))));

    // One branch per family; its fields as an $or inside it, so the event names are written once (a pattern is at most 4096
    // characters, EventBridge's PutRule quota). The source names the service; eventSource would repeat it.
    private static IEnumerable<Value> Branches(Watched watched)
    {
        var calls = watched.CallPrefixes ? Value.List(watched.Calls.Select(c => (Value)Map.Of(("prefix", c)))) : Value.Strings(watched.Calls);
        var detail = new List<(string, Value?)> { ("eventName", calls) };
        var fields = watched.Fields.Select(field =>
        {
            var dot = field.IndexOf('.');
            return Map.Of((field[..dot], Map.Of((field[(dot + 1)..], Value.List(watched.Matches)))));
        }).ToList();
        if (fields.Count == 1) detail.AddRange(fields[0].Entries.Select(e => (e.Key, (Value?)e.Value)));
        else if (fields.Count > 1) detail.Add(("$or", Value.List(fields.Cast<Value>())));
        // The workflow's own calls, and only those: an anything-but on the caller's assumed-role ARN (present for every
        // IAM caller; AWS services calling on their own behalf carry none and are then not excluded either).
        if (watched.ExceptCallers is { Count: > 0 } except)
            detail.Add(("userIdentity", Map.Of(("arn", Value.List(Map.Of(("anything-but", Map.Of(("wildcard", Value.List(except))))))))));
        yield return Map.Of(("source", Value.List(watched.Service)), ("detail", Map.Of([.. detail])));
    }

    private static Value Prefix(Value text) => Map.Of(("prefix", text));

    /// The caller ARN of a role of the shift-traffic function in either stack: `assumed-role/ROLE-NAME-PREFIX*/SESSION`.
    private static IReadOnlyList<Value> ShiftTrafficCallers(ChangeWatchProps props) =>
    [
        .. new[] { props.Naming, props.Naming with { Prefix = props.Role.Peer.Prefix } }.Select(n =>
            Value.Format($"arn:{props.Account.Partition}:sts::{props.Account.AccountId}:assumed-role/{n.NamePrefix(Contract.HandlerNames.ShiftTraffic, 38)}*")),
    ];

    private static IEnumerable<Watched> Regional(ChangeWatchProps props, string region)
    {
        var account = props.Account;
        var prefix = props.Naming.Prefix;
        Value Arn(string service, string resource) => Value.Format($"arn:{account.Partition}:{service}:{region}:{account.AccountId}:{resource}");

        yield return new("aws.lambda", "lambda.amazonaws.com", LambdaCalls, true, ["requestParameters.functionName"],
            [Prefix($"{prefix}-"), Prefix(Arn("lambda", $"function:{prefix}-"))]);
        yield return new("aws.states", "states.amazonaws.com", StateMachineCalls, false,
            ["requestParameters.stateMachineArn", "requestParameters.stateMachineAliasArn", "requestParameters.stateMachineVersionArn", "responseElements.stateMachineAliasArn"],
            [Prefix(Arn("states", $"stateMachine:{prefix}-"))]);
        yield return new("aws.scheduler", "scheduler.amazonaws.com", ScheduleCalls, false, ["requestParameters.name", "requestParameters.groupName"],
            [Prefix(prefix)]);
        foreach (var w in Rules(prefix)) yield return w;
        foreach (var w in Alarms(props)) yield return w;
        var tables = new[] { props.Table.Name, props.Table.DecisionTableName }.OfType<Value>().ToList();
        yield return new("aws.dynamodb", "dynamodb.amazonaws.com", TableCalls, false, ["requestParameters.tableName", "requestParameters.resourceArn"],
            [.. tables, .. tables.Select(t => Prefix(t switch
            {
                Ref r => Value.Format($"arn:{account.Partition}:dynamodb:{region}:{account.AccountId}:table/{r}"),
                _ => throw new InvalidOperationException("A table name is a reference."),
            }))]);
        // ARC's control plane lives in us-west-2 only; the cluster's data plane records a state change in the region of the
        // endpoint called, so only changes made through the us-west-2 endpoint reach this rule (docs/account-guards.md: detecting changes).
        if (props.Health.Gate.Kind == TrafficGateKind.Arc && region == ArcControls.ControlPlaneRegion)
        {
            yield return new("aws.route53-recovery-control-config", "route53-recovery-control-config.amazonaws.com", ArcConfigCalls, false, [], []);
            yield return new("aws.route53-recovery-cluster", "route53-recovery-cluster.amazonaws.com", ArcStateCalls, false, [], [],
                ShiftTrafficCallers(props));
        }
    }

    private static IEnumerable<Watched> Rules(string prefix) =>
        [new("aws.events", "events.amazonaws.com", RuleCalls, false, ["requestParameters.name", "requestParameters.rule"], [Prefix($"{prefix}-")])];

    // The alarms decide reads and the watcher alarms carry the stack's prefix; with the metric gate the other stack's gate alarm
    // lives here too (the switch of its gate), and its definition moves that gate as surely as a data point.
    private static IEnumerable<Watched> Alarms(ChangeWatchProps props)
    {
        Value[] matches = props.Health.Gate.Kind == TrafficGateKind.Metric
            ? [Prefix($"{props.Naming.Prefix}-"), props.Role.Peer.Named("traffic-gate")]
            : [Prefix($"{props.Naming.Prefix}-")];
        return [new("aws.cloudwatch", "monitoring.amazonaws.com", AlarmCalls, false, ["requestParameters.alarmName", "requestParameters.alarmNames"], matches)];
    }

    /// IAM and Route 53, for both stacks: their roles by name prefix, the health checks by the ids this stack knows.
    private static IEnumerable<Watched> Global(ChangeWatchProps props, bool homeIsGlobalRegion)
    {
        var (primary, primaryPrefix) = (props.Primary, props.Primary.Prefix);
        yield return new("aws.iam", "iam.amazonaws.com", RoleCalls, false, ["requestParameters.roleName"],
            [Prefix($"{props.Naming.Prefix}-"), Prefix($"{props.Role.Peer.Prefix}-")]);
        var health = props.Health;
        var checks = new List<Value> { health.Endpoint.Out("id"), health.Calculated.Out("id") };
        checks.AddRange(health.AlarmChecks.Select(c => (Value)c.Check.Out("id")));
        var primaryGate = primary.Gate.HealthCheckId ?? throw new InvalidOperationException("every gate is a health check");
        // Every check this stack knows, once: its own, and the primary's where they are not its own (the secondary's view). The
        // primary's gate last.
        checks.AddRange(new[] { health.Gate.Check.Out("id"), primary.Endpoint.Id, primary.CalculatedCheckId }
            .Where(id => id != primaryGate && !checks.Contains(id)).ToList());
        // Only the route53-api gate is moved through Route 53's API, by either stack's shift-traffic, and only the primary's.
        if (health.Gate.Kind == TrafficGateKind.Route53Api)
            yield return new("aws.route53", "route53.amazonaws.com", HealthCheckCalls, false, ["requestParameters.healthCheckId"], [primaryGate],
                ShiftTrafficCallers(props));
        else checks.Add(primaryGate);
        yield return new("aws.route53", "route53.amazonaws.com", HealthCheckCalls, false, ["requestParameters.healthCheckId"], checks);
        if (!homeIsGlobalRegion)
        {
            // The primary's Route 53 status alarms and their forwarder live in us-east-1 too.
            foreach (var w in Rules(primaryPrefix)) yield return w;
            yield return new("aws.cloudwatch", "monitoring.amazonaws.com", AlarmCalls, false, ["requestParameters.alarmName", "requestParameters.alarmNames"],
                [Prefix($"{primaryPrefix}-")]);
        }
    }
}
