using Failover.Infra.Config;
using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra.Health;

/// One CloudWatch alarm that means "this region cannot serve", under the key its outputs use.
public sealed record HealthAlarm(string Key, Resource Alarm);

/// The region's health alarms: standard-resolution, single-metric, so Route 53 health checks can watch them.
public static class HealthAlarms
{
    public static IReadOnlyList<HealthAlarm> Create(PulumiProgram program, StackConfig config, LoadBalancer loadBalancer, EcsService ecs)
    {
        var a = config.Alarms;
        var targetDimensions = Map.Of(
            ("LoadBalancer", loadBalancer.Alb.Out("arnSuffix")),
            ("TargetGroup", loadBalancer.TargetGroup.Out("arnSuffix")));
        var alarms = new List<HealthAlarm>
        {
            Add(program, config, new AlarmSpec(
                Key: "healthy-hosts",
                Description: $"Fewer than {a.MinHealthyHosts} healthy targets behind the ALB: the region cannot serve.",
                Namespace: "AWS/ApplicationELB", Metric: "HealthyHostCount", Statistic: "Minimum",
                Dimensions: targetDimensions, Threshold: a.MinHealthyHosts, Comparison: "LessThanThreshold",
                // No data means no targets reported at all: as bad as zero.
                MissingData: "breaching", Period: a.PeriodSeconds, EvaluationPeriods: a.EvaluationPeriods, DatapointsToAlarm: a.DatapointsToAlarm)),
            Add(program, config, new AlarmSpec(
                Key: "target-5xx",
                Description: $"At least {a.Target5xxThreshold} 5XX responses from the targets per {a.PeriodSeconds} s.",
                Namespace: "AWS/ApplicationELB", Metric: "HTTPCode_Target_5XX_Count", Statistic: "Sum",
                Dimensions: targetDimensions, Threshold: a.Target5xxThreshold, Comparison: "GreaterThanOrEqualToThreshold",
                // CloudWatch publishes nothing when there are no errors.
                MissingData: "notBreaching", Period: a.PeriodSeconds, EvaluationPeriods: a.EvaluationPeriods, DatapointsToAlarm: a.DatapointsToAlarm)),
            Add(program, config, new AlarmSpec(
                Key: "running-tasks",
                Description: $"Fewer than {a.MinRunningTasks} running tasks in the service.",
                Namespace: "ECS/ContainerInsights", Metric: "RunningTaskCount", Statistic: "Minimum",
                Dimensions: Map.Of(("ClusterName", ecs.Cluster.Out("name")), ("ServiceName", ecs.Service.Out("name"))),
                Threshold: a.MinRunningTasks, Comparison: "LessThanThreshold",
                MissingData: "breaching", Period: a.PeriodSeconds, EvaluationPeriods: a.EvaluationPeriods, DatapointsToAlarm: a.DatapointsToAlarm)),
        };
        foreach (var extra in a.Extra)
        {
            alarms.Add(Add(program, config, new AlarmSpec(
                Key: extra.Name,
                Description: $"User-defined health signal {extra.Namespace}/{extra.MetricName}.",
                Namespace: extra.Namespace, Metric: extra.MetricName, Statistic: extra.Statistic,
                Dimensions: Map.Of(extra.Dimensions), Threshold: extra.Threshold, Comparison: extra.ComparisonOperator,
                MissingData: extra.TreatMissingData, Period: extra.PeriodSeconds, EvaluationPeriods: extra.EvaluationPeriods,
                DatapointsToAlarm: extra.EvaluationPeriods)));
        }
        return alarms;
    }

    private sealed record AlarmSpec(
        string Key, string Description, string Namespace, string Metric, string Statistic, Map Dimensions,
        double Threshold, string Comparison, string MissingData, int Period, int EvaluationPeriods, int DatapointsToAlarm);

    private static HealthAlarm Add(PulumiProgram program, StackConfig config, AlarmSpec spec)
    {
        var name = $"{config.NamePrefix}-{spec.Key}";
        var alarm = program.Add(new Resource
        {
            Name = $"alarm-{spec.Key}",
            Type = "aws:cloudwatch/metricAlarm:MetricAlarm",
            Properties = Map.Of(
                ("name", name),
                ("alarmDescription", spec.Description),
                ("namespace", spec.Namespace),
                ("metricName", spec.Metric),
                ("statistic", spec.Statistic),
                ("dimensions", spec.Dimensions),
                ("period", spec.Period),
                ("evaluationPeriods", spec.EvaluationPeriods),
                ("datapointsToAlarm", spec.DatapointsToAlarm),
                ("threshold", spec.Threshold),
                ("comparisonOperator", spec.Comparison),
                ("treatMissingData", spec.MissingData),
                ("tags", Map.Of(config.TagsNamed(name)))),
        });
        return new HealthAlarm(spec.Key, alarm);
    }
}
