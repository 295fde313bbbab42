using Failover.Contract;
using Failover.Infra.Config;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Health;


/// What a region's traffic gate needs to know.
public sealed record TrafficGateProps
{
    public required Naming Naming { get; init; }
    public required AwsAccount Account { get; init; }
    public required TrafficGateKind Kind { get; init; }
    /// metric: the other stack's region, where this gate's switch (its alarm and metric) lives: closing the primary's gate must
    /// work while the primary's region is down, and closing the secondary's is the failback's way back while the secondary's is.
    public required string SwitchRegion { get; init; }
    public required AwsProviders Providers { get; init; }
    /// arc: which side builds the routing controls (the primary) and which reads them (the secondary, through PrimaryOutput).
    public Role Role { get; init; } = Role.Primary;
    public ArcSettings? Arc { get; init; }
    /// arc: the other stack's `project-stack` prefix, the name of its routing control.
    public string? PeerNamePrefix { get; init; }
    /// The secondary's: one of the primary's stack outputs (StackReference); null in the primary.
    public Func<string, Value>? PrimaryOutput { get; init; }
}

/// trafficGate arc, built by the primary: the control panel, a routing control per region (each stack's gate), and the safety
/// rule that keeps at least one of them On. All live on the cluster (named, or created here when arcCreateCluster is set).
public sealed record ArcControls
{
    /// ARC's control plane (clusters, panels, controls, rules) is served from us-west-2 only; its data plane (the states) from
    /// the cluster's five regional endpoints.
    public const string ControlPlaneRegion = "us-west-2";

    public Resource? Cluster { get; init; }
    public required Value ClusterArn { get; init; }
    public required Resource ControlPanel { get; init; }
    public required Resource Primary { get; init; }
    public required Resource Secondary { get; init; }
    public required Resource SafetyRule { get; init; }
}

/// The region's traffic gate: the health check that guards its failover record. The workflow closes the primary's gate to move
/// traffic to the secondary and opens it to move it back, without ever rewriting the records Pulumi owns.
/// - metric (default): a CLOUDWATCH_METRIC check on an alarm over this gate's own metric in the switch region. The workflow flips
///   it with PutMetricData there (a regional data plane); with no data the check keeps its last status (LastKnownStatus), so the
///   gate is a latch that holds its position when nobody publishes, and a new check starts healthy (open).
/// - arc: a RECOVERY_CONTROL check on this region's ARC routing control, healthy while the control is On. The workflow sets the
///   state through the cluster's data plane (five regional endpoints, any one will do); the primary builds both controls and
///   the safety rule, the secondary reads its own control from the primary's outputs.
/// - route53-api: a calculated check with no children and threshold 0, always healthy; inverted, always unhealthy. Flipping the
///   inversion is a call to Route 53's control plane in us-east-1.
public sealed record TrafficGate
{
    public required TrafficGateKind Kind { get; init; }
    public required Resource Check { get; init; }
    public required Value Arn { get; init; }
    /// metric: the alarm Route 53 reads the gate from, in SwitchRegion.
    public Resource? Alarm { get; init; }
    public string? SwitchRegion { get; init; }
    /// metric: the namespace the workflow publishes this gate's position to.
    public string? Namespace { get; init; }
    /// arc: this region's routing control, and the cluster endpoints its state is read and set through (ARC_CLUSTER_ENDPOINTS:
    /// `REGION=URL,...` for a named cluster, the created cluster's `clusterEndpoints` as JSON).
    public Value? RoutingControlArn { get; init; }
    public Value? ClusterEndpoints { get; init; }
    /// arc, the primary's: everything it built on the cluster.
    public ArcControls? Controls { get; init; }

    /// Period and evaluations of the gate's alarm: one standard-resolution period (the finest Route 53 accepts), so one data point
    /// moves the gate.
    public const int AlarmPeriodSeconds = 60;

    /// A metric gate's alarm, by its stack's prefix: the other stack names it without reading outputs (the readiness plan).
    public static string AlarmName(string stackPrefix) => $"{stackPrefix}-traffic-gate";

    /// What a stack output says of the gate, so tools read its position the way Route 53 does.
    public Map Describe() => Map.Of(
        ("kind", Mode(Kind)),
        ("healthCheckId", Check.Out("id")),
        ("routingControlArn", RoutingControlArn),
        ("clusterEndpoints", ClusterEndpoints),
        ("alarmName", Alarm?.Out("name")),
        ("switchRegion", SwitchRegion is { } region ? new Str(region) : null),
        ("namespace", Namespace is { } name ? new Str(name) : null));

    /// The kind as config, outputs and the functions spell it.
    public static string Mode(TrafficGateKind kind) => kind switch
    {
        TrafficGateKind.Metric => TrafficGateModes.Metric,
        TrafficGateKind.Arc => TrafficGateModes.Arc,
        _ => TrafficGateModes.Route53Api,
    };

    public static TrafficGate Create(PulumiProgram program, TrafficGateProps props) => props.Kind switch
    {
        TrafficGateKind.Metric => Metric(program, props),
        TrafficGateKind.Arc => Arc(program, props),
        _ => Route53Api(program, props),
    };

    private static TrafficGate Arc(PulumiProgram program, TrafficGateProps props)
    {
        var arc = props.Arc ?? throw new InvalidOperationException("trafficGate arc needs its cluster (ArcSettings)");
        var naming = props.Naming;
        ArcControls? controls = null;
        Value routingControl;
        Value? endpoints = arc.CreateCluster ? null : new Str(arc.EndpointsText);
        if (props.Role == Role.Primary)
        {
            controls = BuildControls(program, props, arc);
            routingControl = controls.Primary.Out("arn");
            endpoints ??= new ToJson(controls.Cluster!.Out("clusterEndpoints"));
        }
        else
        {
            var primary = props.PrimaryOutput ?? throw new InvalidOperationException("the secondary's arc gate reads the primary's outputs");
            routingControl = primary(StackOutputs.ArcSecondaryRoutingControlArn);
            endpoints ??= primary(StackOutputs.ArcClusterEndpoints);
        }
        var check = program.Add(new Resource
        {
            Name = "traffic-gate",
            Type = "aws:route53/healthCheck:HealthCheck",
            Properties = Map.Of(
                // Healthy while the routing control is On, unhealthy while Off; Route 53 reads nothing else.
                ("type", "RECOVERY_CONTROL"),
                ("routingControlArn", routingControl),
                ("tags", naming.TagsNamed("traffic-gate"))),
        });
        return new TrafficGate
        {
            Kind = TrafficGateKind.Arc, Check = check, Arn = props.Account.HealthCheckArn(check.Out("id")),
            RoutingControlArn = routingControl, ClusterEndpoints = endpoints, Controls = controls,
        };
    }

    // In ARC's control-plane region: through the shared provider for us-west-2, or the stack's own when it deploys there.
    private static ArcControls BuildControls(PulumiProgram program, TrafficGateProps props, ArcSettings arc)
    {
        var naming = props.Naming;
        var provider = props.Account.Region == ArcControls.ControlPlaneRegion ? null : props.Providers.For(ArcControls.ControlPlaneRegion);
        Resource Add(string name, string type, Map properties, bool protect = false) => program.Add(new Resource
        {
            Name = name, Type = type, Properties = properties,
            Options = new ResourceOptions { Provider = provider, Protect = protect },
        });

        var cluster = arc.CreateCluster
            ? Add("arc-cluster", "aws:route53recoverycontrol/cluster:Cluster", Map.Of(("name", naming.Named("gates")), ("tags", naming.TagsNamed("gates"))))
            : null;
        Value clusterArn = cluster?.Out("arn") ?? (Value)arc.ClusterArn!;
        var panel = Add("arc-control-panel", "aws:route53recoverycontrol/controlPanel:ControlPanel",
            Map.Of(("clusterArn", clusterArn), ("name", naming.Named("gates")), ("tags", naming.TagsNamed("gates"))));
        // A control is created Off and holds its state only as long as it exists: a replacement would close an open gate, so
        // Pulumi must refuse one (unprotect on purpose, with traffic where the new Off state puts it).
        Resource Control(string name, string stackPrefix) => Add(name, "aws:route53recoverycontrol/routingControl:RoutingControl",
            Map.Of(("clusterArn", clusterArn), ("controlPanelArn", panel.Out("arn")), ("name", stackPrefix)), protect: true);
        var primary = Control("primary-routing-control", naming.Prefix);
        var secondary = Control("secondary-routing-control", props.PeerNamePrefix ?? throw new InvalidOperationException("the primary's arc gate names the secondary's control"));
        // An update that would leave both controls Off (both records unhealthy: Route 53 answers PRIMARY, wherever it is down) is
        // refused by the cluster itself, whoever asks, unless they override the rule by name.
        var rule = Add("arc-safety-rule", "aws:route53recoverycontrol/safetyRule:SafetyRule", Map.Of(
            ("name", naming.Named("one-region-on")),
            ("controlPanelArn", panel.Out("arn")),
            ("assertedControls", Value.List(primary.Out("arn"), secondary.Out("arn"))),
            ("ruleConfig", Map.Of(("type", "ATLEAST"), ("threshold", 1), ("inverted", false))),
            ("waitPeriodMs", ArcSettings.SafetyRuleWaitMs),
            ("tags", naming.TagsNamed("one-region-on"))));
        return new ArcControls { Cluster = cluster, ClusterArn = clusterArn, ControlPanel = panel, Primary = primary, Secondary = secondary, SafetyRule = rule };
    }

    private static TrafficGate Metric(PulumiProgram program, TrafficGateProps props)
    {
        var naming = props.Naming;
        var metricNamespace = TrafficGateMetric.Namespace(naming.Prefix);
        var alarm = program.Add(new Resource
        {
            Name = "traffic-gate-alarm",
            Type = "aws:cloudwatch/metricAlarm:MetricAlarm",
            Properties = Map.Of(
                ("name", AlarmName(naming.Prefix)),
                ("alarmDescription", $"The traffic gate of {naming.Prefix}: ALARM while the failover workflow holds it closed (its record gets no traffic). " +
                    "Route 53 reads the metric, not this state; the state only shows the gate's position."),
                ("namespace", metricNamespace),
                ("metricName", TrafficGateMetric.Name),
                ("statistic", "Maximum"),
                ("period", AlarmPeriodSeconds),
                ("evaluationPeriods", 1),
                ("datapointsToAlarm", 1),
                ("threshold", TrafficGateMetric.Closed),
                ("comparisonOperator", "GreaterThanOrEqualToThreshold"),
                // The alarm keeps its state without data, so the console shows the gate where it was last put.
                ("treatMissingData", "ignore"),
                ("tags", naming.TagsNamed("traffic-gate"))),
            Options = new ResourceOptions { Provider = props.Providers.For(props.SwitchRegion) },
        });
        var check = program.Add(new Resource
        {
            Name = "traffic-gate",
            Type = "aws:route53/healthCheck:HealthCheck",
            Properties = Map.Of(
                ("type", "CLOUDWATCH_METRIC"),
                ("cloudwatchAlarmName", alarm.Out("name")),
                ("cloudwatchAlarmRegion", props.SwitchRegion),
                // The latch: without data Route 53 keeps the last status it determined; a new check with none is healthy (Route 53 API
                // reference, HealthCheckConfig InsufficientDataHealthStatus).
                ("insufficientDataHealthStatus", "LastKnownStatus"),
                ("tags", naming.TagsNamed("traffic-gate"))),
            // A replacement would start healthy, opening a gate the workflow closed: Pulumi must refuse it (unprotect on purpose).
            Options = new ResourceOptions { Protect = true },
        });
        return new TrafficGate
        {
            Kind = TrafficGateKind.Metric, Check = check, Arn = props.Account.HealthCheckArn(check.Out("id")), Alarm = alarm,
            SwitchRegion = props.SwitchRegion, Namespace = metricNamespace,
        };
    }

    private static TrafficGate Route53Api(PulumiProgram program, TrafficGateProps props)
    {
        var check = program.Add(new Resource
        {
            Name = "traffic-gate",
            Type = "aws:route53/healthCheck:HealthCheck",
            Properties = Map.Of(
                ("type", "CALCULATED"),
                ("childHealthThreshold", 0),
                ("invertHealthcheck", false),
                ("tags", props.Naming.TagsNamed("traffic-gate"))),
            // The workflow flips the inversion at runtime; `pulumi up` must not flip it back.
            Options = new ResourceOptions { IgnoreChanges = ["invertHealthcheck"] },
        });
        return new TrafficGate { Kind = TrafficGateKind.Route53Api, Check = check, Arn = props.Account.HealthCheckArn(check.Out("id")) };
    }
}
