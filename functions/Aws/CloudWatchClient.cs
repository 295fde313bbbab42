using System.Xml.Linq;

namespace Failover.Functions.Aws;

/// CloudWatch alarm states, read in a given region (the primary's, from the secondary); the gate metric's data point; a metric's
/// recent statistics (the readiness checks' usage figures).
public sealed class CloudWatchClient(AwsHttpClient client, string region)
{
    private readonly AwsService _service = new("CloudWatch", "monitoring",
        client.Environment.Endpoint("CloudWatch", region, $"https://monitoring.{region}.amazonaws.com"), region);

    /// `StateUpdated`: when the alarm entered its state (absent if CloudWatch does not say).
    public sealed record Alarm(string Name, string State, DateTimeOffset? StateUpdated = null);

    public async Task<IReadOnlyList<Alarm>> DescribeAlarmsAsync(IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var parameters = new List<(string, string)> { ("Action", "DescribeAlarms"), ("Version", "2010-08-01") };
        parameters.AddRange(names.Select((n, i) => ($"AlarmNames.member.{i + 1}", n)));
        var xml = await QueryApi.CallAsync(client, _service, parameters, cancellationToken);
        return Xml.All(xml, "MetricAlarms").SelectMany(m => m.Elements())
            .Select(a => new Alarm(Required(a, "AlarmName"), Required(a, "StateValue"), Time(Xml.Child(a, "StateUpdatedTimestamp")))).ToList();
    }

    /// One data point of one metric, now, in this client's region: the gate metric's data plane call (no resource, no read back).
    public Task PutMetricDataAsync(string metricNamespace, string metricName, double value, CancellationToken cancellationToken) =>
        PutMetricDataAsync(metricNamespace, [new Datum(metricName, value, [])], cancellationToken);

    /// One data point with its dimensions, for a publish of several at once.
    public sealed record Datum(string Name, double Value, IReadOnlyList<(string Name, string Value)> Dimensions);

    /// Several data points in one call (at most 1000, CloudWatch's limit per PutMetricData), now, in this client's region.
    public async Task PutMetricDataAsync(string metricNamespace, IReadOnlyList<Datum> data, CancellationToken cancellationToken)
    {
        var parameters = new List<(string, string)> { ("Action", "PutMetricData"), ("Version", "2010-08-01"), ("Namespace", metricNamespace) };
        foreach (var (datum, i) in data.Select((d, i) => (d, i + 1)))
        {
            parameters.Add(($"MetricData.member.{i}.MetricName", datum.Name));
            parameters.Add(($"MetricData.member.{i}.Value", datum.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            parameters.Add(($"MetricData.member.{i}.Unit", "None"));
            foreach (var (dimension, j) in datum.Dimensions.Select((d, j) => (d, j + 1)))
            {
                parameters.Add(($"MetricData.member.{i}.Dimensions.member.{j}.Name", dimension.Name));
                parameters.Add(($"MetricData.member.{i}.Dimensions.member.{j}.Value", dimension.Value));
            }
        }
        await QueryApi.CallAsync(client, _service, parameters, cancellationToken);
    }

    /// The `statistic` (`Maximum`, `Average`...) of one metric per `period` between `start` and `end`, oldest first; none when
    /// nothing was published in that window.
    public async Task<IReadOnlyList<(DateTimeOffset At, double Value)>> GetMetricStatisticsAsync(string metricNamespace, string metricName,
        IReadOnlyList<(string Name, string Value)> dimensions, DateTimeOffset start, DateTimeOffset end, TimeSpan period, string statistic,
        CancellationToken cancellationToken)
    {
        var parameters = new List<(string, string)>
        {
            ("Action", "GetMetricStatistics"), ("Version", "2010-08-01"), ("Namespace", metricNamespace), ("MetricName", metricName),
            ("StartTime", start.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)),
            ("EndTime", end.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)),
            ("Period", ((int)period.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Statistics.member.1", statistic),
        };
        for (var i = 0; i < dimensions.Count; i++)
        {
            parameters.Add(($"Dimensions.member.{i + 1}.Name", dimensions[i].Name));
            parameters.Add(($"Dimensions.member.{i + 1}.Value", dimensions[i].Value));
        }
        var xml = await QueryApi.CallAsync(client, _service, parameters, cancellationToken);
        return [.. Xml.All(xml, "Datapoints").SelectMany(d => d.Elements()).Select(p => (
                Time(Xml.Child(p, "Timestamp")) ?? throw new AwsMalformedResponseException("CloudWatch", "GetMetricStatistics", "Timestamp"),
                double.TryParse(Xml.Child(p, statistic), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
                    ? v : throw new AwsMalformedResponseException("CloudWatch", "GetMetricStatistics", statistic)))
            .OrderBy(p => p.Item1)];
    }

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at : null;

    // An alarm without a name cannot be matched to the ones asked for, and one without a state has no state to guess.
    private static string Required(XElement alarm, string field) =>
        Xml.Child(alarm, field) ?? throw new AwsMalformedResponseException("CloudWatch", "DescribeAlarms", field);
}
