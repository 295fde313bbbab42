namespace Failover.Infra.Tests.Config;

/// Route 53 limits on the alarms behind CLOUDWATCH_METRIC health checks (docs/design.md §4).
public sealed class ExtraAlarmRulesTests
{
    private const string Valid = """{"name":"queue-age","namespace":"AWS/SQS","metricName":"ApproximateAgeOfOldestMessage","statistic":"Maximum","dimensions":{"QueueName":"jobs"},"threshold":300,"comparisonOperator":"GreaterThanThreshold"}""";

    private static IReadOnlyList<string> ErrorsFor(string alarmJson) => TestStacks.Errors(overrides: ("extraAlarms", $"[{alarmJson}]"));

    [Fact]
    public void A_single_metric_standard_resolution_alarm_is_accepted()
    {
        var alarm = TestStacks.Config(overrides: ("extraAlarms", $"[{Valid}]")).Alarms.Extra.Should().ContainSingle().Subject;
        alarm.Statistic.Should().Be("Maximum");
        alarm.PeriodSeconds.Should().Be(60);
        alarm.Dimensions.Should().ContainKey("QueueName");
    }

    [Fact]
    public void Metric_math_is_refused() =>
        ErrorsFor(Valid.Replace("\"threshold\"", "\"metrics\":[],\"threshold\"", StringComparison.Ordinal))
            .Should().Contain(e => e.Contains("uses metric math; a Route 53 health check needs an alarm on a single metric"));

    [Fact]
    public void Percentile_statistics_are_refused() =>
        ErrorsFor(Valid.Replace("\"Maximum\"", "\"p99\"", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Should().Contain("statistic must be one of Average, Minimum, Maximum, Sum, SampleCount");

    [Fact]
    public void Extended_statistics_are_refused() =>
        ErrorsFor(Valid.Replace("\"statistic\":\"Maximum\"", "\"statistic\":\"Maximum\",\"extendedStatistic\":\"p99\"", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Should().Contain("uses an extended statistic");

    [Fact]
    public void High_resolution_periods_are_refused() =>
        ErrorsFor(Valid.Replace("\"threshold\"", "\"period\":10,\"threshold\"", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Should().Contain("period must be a multiple of 60 s: Route 53 health checks accept only standard-resolution alarms (got 10)");

    [Fact]
    public void Metrics_of_another_account_are_refused() =>
        ErrorsFor(Valid.Replace("\"threshold\"", "\"accountId\":\"210987654321\",\"threshold\"", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Should().Contain("Route 53 needs the alarm's metric in this stack's own account");

    [Fact]
    public void Every_problem_of_an_alarm_is_named() =>
        ErrorsFor("""{"name":"Bad Name","statistic":"p90","comparisonOperator":"Bigger","period":30,"colour":"red"}""")
            .Should().HaveCount(8);

    [Theory]
    [InlineData("breaching", "Unhealthy")]
    [InlineData("notBreaching", "Healthy")]
    [InlineData("ignore", "LastKnownStatus")]
    [InlineData("missing", "LastKnownStatus")]
    public void The_check_says_of_missing_data_what_the_alarm_says(string treatMissingData, string expected) =>
        TestStacks.Config(overrides: ("extraAlarms", $"[{Valid.Replace("\"threshold\"", $"\"treatMissingData\":\"{treatMissingData}\",\"threshold\"", StringComparison.Ordinal)}]"))
            .Alarms.Extra.Single().InsufficientDataHealthStatus.Should().Be(expected);

    [Fact]
    public void An_alarm_may_set_its_own_insufficient_data_status() =>
        TestStacks.Config(overrides: ("extraAlarms", $"[{Valid.Replace("\"threshold\"", "\"insufficientDataHealthStatus\":\"Unhealthy\",\"threshold\"", StringComparison.Ordinal)}]"))
            .Alarms.Extra.Single().InsufficientDataHealthStatus.Should().Be("Unhealthy");

    [Fact]
    public void An_unknown_insufficient_data_status_is_refused() =>
        ErrorsFor(Valid.Replace("\"threshold\"", "\"insufficientDataHealthStatus\":\"Maybe\",\"threshold\"", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Should().Contain("insufficientDataHealthStatus must be one of Healthy, Unhealthy, LastKnownStatus (got 'Maybe')");
}
