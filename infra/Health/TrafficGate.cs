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
}

/// The region's traffic gate: the health check that guards its failover record. The workflow closes the primary's gate to move
/// traffic to the secondary and opens it to move it back, without ever rewriting the records Pulumi owns.
/// - metric (default): a CLOUDWATCH_METRIC check on an alarm over this gate's own metric in the switch region. The workflow flips
///   it with PutMetricData there (a regional data plane); with no data the check keeps its last status (LastKnownStatus), so the
///   gate is a latch that holds its position when nobody publishes, and a new check starts healthy (open).
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

    /// Period and evaluations of the gate's alarm: one standard-resolution period (the finest Route 53 accepts), so one data point
    /// moves the gate.
    public const int AlarmPeriodSeconds = 60;

    /// What a stack output says of the gate, so tools read its position the way Route 53 does.
    public Map Describe() => Map.Of(
        ("kind", Kind == TrafficGateKind.Metric ? TrafficGateModes.Metric : TrafficGateModes.Route53Api),
        ("healthCheckId", Check.Out("id")),
        ("alarmName", Alarm?.Out("name")),
        ("switchRegion", SwitchRegion is { } region ? new Str(region) : null),
        ("namespace", Namespace is { } name ? new Str(name) : null));

    /// route53-api: shift-traffic reads the gate's version and flips its inversion, on this one health check only.
    public void GrantUpdate(IamRole role) =>
        role.Grant(p => p.Allow("FlipTrafficGate", Actions.Route53.UpdateHealthCheck, Arn));

    /// metric: publish a gate's position. PutMetricData has no resource type, so the grant is held to the gate's own namespace
    /// (cloudwatch:namespace) and to the region that holds its switch (aws:RequestedRegion).
    public static void GrantPublish(IamRole role, string sid, string metricNamespace, string region) =>
        role.Grant(p => p.AllowUnscoped(sid, Actions.CloudWatch.PutMetricData,
            Condition.StringEquals("cloudwatch:namespace", metricNamespace),
            Condition.StringEquals("aws:RequestedRegion", region)));

    public static TrafficGate Create(PulumiProgram program, TrafficGateProps props) =>
        props.Kind == TrafficGateKind.Metric ? Metric(program, props) : Route53Api(program, props);

    private static TrafficGate Metric(PulumiProgram program, TrafficGateProps props)
    {
        var naming = props.Naming;
        var metricNamespace = TrafficGateMetric.Namespace(naming.Prefix);
        var alarm = program.Add(new Resource
        {
            Name = "traffic-gate-alarm",
            Type = "aws:cloudwatch/metricAlarm:MetricAlarm",
            Properties = Map.Of(
                ("name", naming.Named("traffic-gate")),
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
