using System.Globalization;
using Failover.Infra.Config;
using Failover.Infra.Iam;
using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra.Health;

/// What an alarm and its Route 53 check make of a period without data, and why. Route 53 reads the metric's data
/// stream, not the alarm state, so the check needs its own status that says what the alarm's treatMissingData says.
public sealed record MissingData(string TreatMissingData, string HealthStatus, string Reason)
{
    /// A serving region's capacity metric without data: nothing is there to report, which is as bad as zero.
    public static MissingData Breaching(string reason) => new("breaching", "Unhealthy", reason);

    /// No data is good news (a count published only when non-zero), or idleness by design.
    public static MissingData NotBreaching(string reason) => new("notBreaching", "Healthy", reason);
}

/// One CloudWatch alarm that means "this region cannot serve", under the key its outputs use.
public sealed record HealthAlarm
{
    public required string Key { get; init; }
    public required Resource Alarm { get; init; }
    public required MissingData MissingData { get; init; }
    /// The alarm settings Route 53 copied when it created the check: a change must reach the check too.
    public required Map Triggers { get; init; }
}

/// What the health alarms need to know.
public sealed record HealthAlarmsProps
{
    public required Naming Naming { get; init; }
    public required AlarmSettings Settings { get; init; }
    /// A pilot-light standby: capacity metrics are absent until a failover, by design.
    public required bool IdleStandby { get; init; }
    public required LoadBalancer LoadBalancer { get; init; }
    public required EcsService Ecs { get; init; }
}

/// The region's health alarms: standard-resolution, single-metric, so Route 53 health checks can watch them.
public sealed record HealthAlarms
{
    public required IReadOnlyList<HealthAlarm> All { get; init; }

    /// The alarms' names, comma-separated: what decide reads as the primary's alarms (PRIMARY_ALARM_NAMES).
    public Value NameList => new Interpolation([.. All.SelectMany((a, i) => i == 0
        ? new IInterpolationPart[] { a.Alarm.Out("name") }
        : [new Str(","), a.Alarm.Out("name")])]);

    public static HealthAlarms Create(PulumiProgram program, HealthAlarmsProps props)
    {
        var a = props.Settings;
        var targetDimensions = Map.Of(
            ("LoadBalancer", props.LoadBalancer.Alb.Out("arnSuffix")),
            ("TargetGroup", props.LoadBalancer.TargetGroup.Out("arnSuffix")));
        // Once it serves, a pilot light has data and the same thresholds protect it; while idle, no data is not an outage.
        var capacity = (string serving) => props.IdleStandby
            ? MissingData.NotBreaching("a pilot-light standby runs no task until a failover: no data is idle, not broken")
            : MissingData.Breaching(serving);
        var alarms = new List<HealthAlarm>
        {
            Add(program, props.Naming, new AlarmSpec(
                Key: "healthy-hosts",
                Description: $"Fewer than {a.MinHealthyHosts} healthy targets behind the ALB: the region cannot serve.",
                Namespace: "AWS/ApplicationELB", Metric: "HealthyHostCount", Statistic: "Minimum",
                Dimensions: targetDimensions, Threshold: a.MinHealthyHosts, Comparison: "LessThanThreshold",
                MissingData: capacity("the ALB reports no host counts when no target is registered: as bad as none healthy"),
                Period: a.PeriodSeconds, EvaluationPeriods: a.EvaluationPeriods)),
            Add(program, props.Naming, new AlarmSpec(
                Key: "target-5xx",
                Description: $"At least {a.Target5xxThreshold} 5XX responses from the targets per {a.PeriodSeconds} s.",
                Namespace: "AWS/ApplicationELB", Metric: "HTTPCode_Target_5XX_Count", Statistic: "Sum",
                Dimensions: targetDimensions, Threshold: a.Target5xxThreshold, Comparison: "GreaterThanOrEqualToThreshold",
                MissingData: MissingData.NotBreaching(
                    "published only when non-zero: no data means no errors, and a region traffic has left must not stay unhealthy on its last status"),
                Period: a.PeriodSeconds, EvaluationPeriods: a.EvaluationPeriods)),
            Add(program, props.Naming, new AlarmSpec(
                Key: "running-tasks",
                Description: $"Fewer than {a.MinRunningTasks} running tasks in the service.",
                Namespace: "ECS/ContainerInsights", Metric: "RunningTaskCount", Statistic: "Minimum",
                Dimensions: Map.Of(("ClusterName", props.Ecs.Cluster.Out("name")), ("ServiceName", props.Ecs.Service.Out("name"))),
                Threshold: a.MinRunningTasks, Comparison: "LessThanThreshold",
                MissingData: capacity("Container Insights publishes nothing for a service without running tasks: as bad as zero"),
                Period: a.PeriodSeconds, EvaluationPeriods: a.EvaluationPeriods)),
        };
        foreach (var extra in a.Extra)
        {
            alarms.Add(Add(program, props.Naming, new AlarmSpec(
                Key: extra.Name,
                Description: $"User-defined health signal {extra.Namespace}/{extra.MetricName}.",
                Namespace: extra.Namespace, Metric: extra.MetricName, Statistic: extra.Statistic,
                Dimensions: Map.Of(extra.Dimensions), Threshold: extra.Threshold, Comparison: extra.ComparisonOperator,
                MissingData: new MissingData(extra.TreatMissingData, extra.InsufficientDataHealthStatus, "as configured in extraAlarms"),
                Period: extra.PeriodSeconds, EvaluationPeriods: extra.EvaluationPeriods)));
        }
        return new HealthAlarms { All = alarms };
    }

    private sealed record AlarmSpec(
        string Key, string Description, string Namespace, string Metric, string Statistic, Map Dimensions,
        double Threshold, string Comparison, MissingData MissingData, int Period, int EvaluationPeriods);

    private static HealthAlarm Add(PulumiProgram program, Naming naming, AlarmSpec spec)
    {
        var alarm = program.Add(new Resource
        {
            Name = $"alarm-{spec.Key}",
            Type = "aws:cloudwatch/metricAlarm:MetricAlarm",
            Properties = Map.Of(
                // Named on purpose: only a name change replaces an alarm, and runbooks and consoles find alarms by name.
                ("name", naming.Named(spec.Key)),
                ("alarmDescription", spec.Description),
                ("namespace", spec.Namespace),
                ("metricName", spec.Metric),
                ("statistic", spec.Statistic),
                ("dimensions", spec.Dimensions),
                ("period", spec.Period),
                ("evaluationPeriods", spec.EvaluationPeriods),
                // N of N: Route 53 copies no datapoints-to-alarm into its check (CloudWatchAlarmConfiguration), so an M-of-N
                // alarm would fire while its check still reads healthy.
                ("datapointsToAlarm", spec.EvaluationPeriods),
                ("threshold", spec.Threshold),
                ("comparisonOperator", spec.Comparison),
                ("treatMissingData", spec.MissingData.TreatMissingData),
                ("tags", naming.TagsNamed(spec.Key))),
        });
        string Text(double n) => n.ToString(CultureInfo.InvariantCulture);
        return new HealthAlarm
        {
            Key = spec.Key,
            Alarm = alarm,
            MissingData = spec.MissingData,
            // Dimensions too: a replaced target group or service gives the alarm new ones, and a check left on the old
            // ones would watch a metric that no longer exists.
            Triggers = new Map(spec.Dimensions.Entries.ToDictionary(d => $"dimension:{d.Key}", d => d.Value, StringComparer.Ordinal)
                .Concat(Map.Of(
                ("comparisonOperator", spec.Comparison),
                ("evaluationPeriods", Text(spec.EvaluationPeriods)),
                ("metric", $"{spec.Namespace}/{spec.Metric}"),
                ("period", Text(spec.Period)),
                ("statistic", spec.Statistic),
                ("threshold", Text(spec.Threshold))).Entries)
                .ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal)),
        };
    }
}
