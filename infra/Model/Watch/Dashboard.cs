using Failover.Contract.Readiness;
using Failover.Infra.Yaml;

namespace Failover.Infra.Watch;

/// One region's side of the dashboard: what its service, Route 53 checks and pipeline are called.
public sealed record RegionView
{
    public required string Label { get; init; }
    public required string Region { get; init; }
    /// Null where this stack cannot know them (the secondary's generated ids, seen from the primary).
    public Value? LoadBalancer { get; init; }
    public Value? TargetGroup { get; init; }
    public required Value Cluster { get; init; }
    public required Value Service { get; init; }
    /// Route 53 checks by what they show (endpoint, region, gate).
    public IReadOnlyList<(string Label, Value Id)> HealthChecks { get; init; } = [];
    /// Its workflow's entry points (operators', then triggers').
    public required IReadOnlyList<Value> StateMachineArns { get; init; }
    public required IReadOnlyList<Value> FunctionNames { get; init; }
    /// Its stack's prefix when it runs scheduled readiness checks (the metrics' Stack dimension); null when they are off.
    public string? ReadinessStack { get; init; }
}

/// What the dashboard shows.
public sealed record DashboardProps
{
    public required Naming Naming { get; init; }
    public required RegionView Primary { get; init; }
    public required RegionView Secondary { get; init; }
    /// This stack's dead-letter queues, by region.
    public required IReadOnlyList<(string Region, string QueueName)> DeadLetters { get; init; }
    public required IReadOnlyList<WatcherAlarm> Watchers { get; init; }
    /// Why a side is partial, shown at the top (the primary cannot see the secondary's ids).
    public string? Note { get; init; }
}

/// A CloudWatch dashboard with both regions side by side (primary left, secondary right): the application, Route 53's
/// checks including the traffic gates, and the failover pipeline. Each widget names its own region.
public static class Dashboard
{
    private const int Half = 12, Full = 24, Height = 6;

    public static Resource Create(PulumiProgram program, DashboardProps props)
    {
        var widgets = new List<Value>();
        var y = 0;
        void Row(params Value[] row) { widgets.AddRange(row); y += Height; }
        Value Metric(int x, int width, string title, string region, string stat, int period, IEnumerable<Value> metrics) => Map.Of(
            ("type", "metric"), ("x", x), ("y", y), ("width", width), ("height", Height),
            ("properties", Map.Of(
                ("title", title), ("region", region), ("stat", stat), ("period", period), ("view", "timeSeries"),
                ("metrics", Value.List(metrics)))));
        Value Text(int x, int width, string markdown, int height = 2) => Map.Of(
            ("type", "text"), ("x", x), ("y", y), ("width", width), ("height", height), ("properties", Map.Of(("markdown", markdown))));
        Value Line(string ns, string metric, params (string Name, Value Value)[] dims) =>
            Value.List([ns, metric, .. dims.SelectMany(d => new[] { (Value)d.Name, d.Value })]);
        Value Side(int x, RegionView side, string what, Func<RegionView, IEnumerable<Value>?> metrics, string stat, string? region = null)
        {
            var lines = metrics(side)?.ToList();
            return lines is null or { Count: 0 }
                ? Text(x, Half, $"**{side.Label} ({side.Region}): {what}** — not known to this stack; see the other stack's dashboard.", Height)
                : Metric(x, Half, $"{side.Label} ({side.Region}): {what}", region ?? side.Region, stat, 60, lines);
        }
        void Pair(string what, Func<RegionView, IEnumerable<Value>?> metrics, string stat, string? region = null) =>
            Row(Side(0, props.Primary, what, metrics, stat, region), Side(Half, props.Secondary, what, metrics, stat, region));

        widgets.Add(Text(0, Full, $"# {props.Naming.Prefix}: failover\nPrimary left, secondary right. {props.Note ?? ""}".TrimEnd()));
        y += 2;
        Pair("healthy hosts", s => s.LoadBalancer is null || s.TargetGroup is null ? null
            : [Line("AWS/ApplicationELB", "HealthyHostCount", ("TargetGroup", s.TargetGroup), ("LoadBalancer", s.LoadBalancer))], "Minimum");
        Pair("target 5XX", s => s.LoadBalancer is null || s.TargetGroup is null ? null
            : [Line("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ("TargetGroup", s.TargetGroup), ("LoadBalancer", s.LoadBalancer))], "Sum");
        Pair("running tasks", s => [Line("ECS/ContainerInsights", "RunningTaskCount", ("ClusterName", s.Cluster), ("ServiceName", s.Service))], "Minimum");
        // Route 53 publishes health-check status in us-east-1 only; 1 healthy, 0 unhealthy (a closed gate reads 0).
        Pair("Route 53 checks (1 healthy)", s => s.HealthChecks.Count == 0 ? null
            : s.HealthChecks.Select(c => Line("AWS/Route53", "HealthCheckStatus", ("HealthCheckId", c.Id))), "Minimum", "us-east-1");
        Pair("workflow runs", s => new[] { "ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted" }
            .SelectMany(m => s.StateMachineArns.Select(arn => Line("AWS/States", m, ("StateMachineArn", arn)))), "Sum");
        Pair("function errors", s => s.FunctionNames.Select(f => Line("AWS/Lambda", "Errors", ("FunctionName", f))), "Sum");
        if (props.Primary.ReadinessStack is not null || props.Secondary.ReadinessStack is not null)
            // A check that could not judge publishes no CheckFailed: its CheckUnknown beside it says so, or it would be invisible.
            Pair("readiness checks (CheckFailed 1: failing; CheckUnknown 1: could not tell)", s => s.ReadinessStack is not { } stack ? null
                : CheckNames.All.SelectMany(c => new[] { ReadinessMetrics.CheckFailed, ReadinessMetrics.CheckUnknown }.Select(m => Line(ReadinessMetrics.Namespace, m,
                    (ReadinessMetrics.StackDimension, stack), (ReadinessMetrics.CheckDimension, c)))), "Maximum");
        Pair("function duration (ms)", s => s.FunctionNames.Select(f => Line("AWS/Lambda", "Duration", ("FunctionName", f))), "Maximum");

        var regions = props.DeadLetters.Select(d => d.Region).Concat(props.Watchers.Select(w => w.Region)).Distinct().ToList();
        foreach (var region in regions)
        {
            var queues = props.DeadLetters.Where(d => d.Region == region).ToList();
            var row = new List<Value>();
            if (queues.Count > 0)
                row.Add(Metric(0, Half, $"Dead-letter queues in {region} (undelivered triggers and notices)", region, "Maximum", 300,
                    queues.Select(q => Line("AWS/SQS", "ApproximateNumberOfMessagesVisible", ("QueueName", q.QueueName)))));
            var watchers = props.Watchers.Where(w => w.Region == region).ToList();
            if (watchers.Count > 0)
                row.Add(Map.Of(
                    ("type", "alarm"), ("x", queues.Count > 0 ? Half : 0), ("y", y), ("width", Half), ("height", Height),
                    ("properties", Map.Of(("title", $"Watcher alarms in {region}"), ("alarms", Value.List(watchers.Select(w => w.Arn)))))));
            Row([.. row]);
        }

        return program.Add(new Resource
        {
            Name = "dashboard",
            Type = "aws:cloudwatch/dashboard:Dashboard",
            Properties = Map.Of(
                ("dashboardName", props.Naming.Named("failover")),
                ("dashboardBody", new ToJson(Map.Of(("widgets", Value.List(widgets)))))),
        });
    }
}
