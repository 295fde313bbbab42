using Failover.Infra.Control;
using Failover.Infra.Health;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Triggers;

/// What the primary's alarm forwarding needs.
public sealed record AlarmForwardingProps
{
    public required Naming Naming { get; init; }
    public required AwsAccount Account { get; init; }
    public required AwsProviders Providers { get; init; }
    /// The secondary's region: its default bus receives the forwarded alarms.
    public required string SecondaryRegion { get; init; }
    public required HealthAlarms Alarms { get; init; }
    public required RegionHealth Health { get; init; }
    public required int EvaluationPeriods { get; init; }
    public required Notifications Topic { get; init; }
    public required IReadOnlyList<string> Emails { get; init; }
}

/// The primary's half of the alarm triggers: its health alarms, and alarms in us-east-1 on Route 53's view of it, forwarded
/// (state ALARM only) to the secondary's default bus, where a rule starts the failover workflow. Route 53 publishes its
/// health-check metrics only in us-east-1, so that alarm still fires when the primary region's CloudWatch and EventBridge
/// are down (unless the primary is in us-east-1 itself: then the scheduled probe is the independent trigger).
public sealed record AlarmForwarding
{
    /// Route 53 publishes HealthCheckStatus in this region only.
    public const string Route53MetricsRegion = "us-east-1";

    /// Route 53 publishes HealthCheckStatus once a minute: the alarms on it use that period.
    public const int Route53AlarmPeriodSeconds = 60;

    /// The keys of the alarms on Route 53's view of the primary (named `PREFIX-KEY`, in us-east-1).
    public static readonly IReadOnlyList<string> Route53AlarmKeys = ["route53-endpoint", "route53-region"];

    /// Alarms whose ALARM state starts a failover: the health alarms, then the Route 53 status alarms.
    public required IReadOnlyList<Value> TriggerAlarmArns { get; init; }
    public required IReadOnlyList<(string Key, Resource Alarm)> Route53Alarms { get; init; }
    public required IReadOnlyList<EventRule> Rules { get; init; }
    /// A topic in us-east-1 for the watcher alarms there, when neither stack's region is us-east-1.
    public Notifications? Relay { get; init; }

    public static AlarmForwarding Create(PulumiProgram program, AlarmForwardingProps props)
    {
        var naming = props.Naming;
        var account = props.Account;
        var home = account.Region;
        var route53Provider = home == Route53MetricsRegion ? null : props.Providers.For(Route53MetricsRegion);

        // Healthy is 1, unhealthy 0, each minute; Minimum < 1 over the health alarms' periods is "Route 53 saw it down".
        var route53Alarms = new (string Key, string What, Value CheckId)[]
        {
            (Route53AlarmKeys[0], "the primary's endpoint check (Route 53's checkers cannot reach it)", props.Health.Endpoint.Out("id")),
            (Route53AlarmKeys[1], "the primary's region check (an alarm or the endpoint is unhealthy)", props.Health.Calculated.Out("id")),
        }.Select(a => (a.Key, program.Add(new Resource
        {
            Name = $"alarm-{a.Key}",
            Type = "aws:cloudwatch/metricAlarm:MetricAlarm",
            Properties = Map.Of(
                ("name", naming.Named(a.Key)),
                ("alarmDescription", $"Route 53 reports {a.What}: starts the secondary's failover workflow, which decides."),
                ("namespace", "AWS/Route53"),
                ("metricName", "HealthCheckStatus"),
                ("statistic", "Minimum"),
                ("dimensions", Map.Of(("HealthCheckId", a.CheckId))),
                ("period", Route53AlarmPeriodSeconds),
                ("evaluationPeriods", props.EvaluationPeriods),
                ("datapointsToAlarm", props.EvaluationPeriods),
                ("threshold", 1),
                ("comparisonOperator", "LessThanThreshold"),
                // Route 53 publishes every minute while the check exists: a gap is not evidence of an outage, and decide
                // reads the checks themselves anyway.
                ("treatMissingData", "notBreaching"),
                ("tags", naming.TagsNamed(a.Key))),
            Options = new ResourceOptions { Provider = route53Provider },
        }))).ToList();

        var alarmsByRegion = new Dictionary<string, List<Value>>(StringComparer.Ordinal)
        {
            [home] = [.. props.Alarms.All.Select(a => (Value)a.Alarm.Out("arn"))],
        };
        if (!alarmsByRegion.ContainsKey(Route53MetricsRegion)) alarmsByRegion[Route53MetricsRegion] = [];
        alarmsByRegion[Route53MetricsRegion].AddRange(route53Alarms.Select(a => (Value)a.Item2.Out("arn")));

        var bus = Value.Format($"arn:{account.Partition}:events:{props.SecondaryRegion}:{account.AccountId}:event-bus/default");
        Notifications? relay = null;
        var rules = new List<EventRule>();
        // Alarms in the secondary's own region reach its bus without forwarding.
        foreach (var (region, arns) in alarmsByRegion.Where(r => r.Key != props.SecondaryRegion))
        {
            var provider = region == home ? null : props.Providers.For(region);
            rules.Add(EventRule.Create(program, new EventRuleProps
            {
                Naming = naming,
                Account = account,
                // Short keys: a rule name is at most 64 characters, and the prefix may take 40.
                Key = region == home ? "forward-alarms" : "forward-route53",
                Description = $"Forwards the primary's trigger alarms in {region} (state ALARM) to the secondary's bus in {props.SecondaryRegion}",
                Pattern = AlarmPattern(arns),
                Region = region,
                Provider = provider,
                TargetArn = bus,
                TargetGrants = p => p.Allow("ForwardToSecondaryBus", Actions.Events.PutEvents, bus),
                RoleDescription = $"Lets the alarm forwarding rule in {region} put events on the secondary's default bus only",
                Retry = RetryPolicy.Trigger,
            }));
            if (region != home && relay is null)
                relay = Notifications.Create(program, new NotificationsProps
                {
                    Naming = naming, Account = account, Emails = props.Emails, Provider = provider, Region = region,
                });
        }

        return new AlarmForwarding
        {
            TriggerAlarmArns = [.. alarmsByRegion.Values.SelectMany(v => v)],
            Route53Alarms = route53Alarms,
            Rules = rules,
            Relay = relay,
        };
    }

    /// A metric alarm of the list entering ALARM; OK and INSUFFICIENT_DATA start nothing, and nor does any other alarm.
    public static Map AlarmPattern(Value alarmArns) => Map.Of(
        ("source", Value.List("aws.cloudwatch")),
        ("detail-type", Value.List("CloudWatch Alarm State Change")),
        ("resources", alarmArns),
        ("detail", Map.Of(("state", Map.Of(("value", Value.List("ALARM")))))));

    private static Map AlarmPattern(IReadOnlyList<Value> alarmArns) => AlarmPattern(Value.List(alarmArns));
}
