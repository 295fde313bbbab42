using System.Globalization;
using System.Text.RegularExpressions;
using Failover.Infra.Config;

namespace Failover.Infra.Tests.Config;

/// The README's configuration table is checked against the one place each default lives (StackConfig.cs) and against
/// the settings the parser actually reads, so documentation and behaviour cannot drift apart.
public sealed partial class ReadmeConfigTableTests
{
    private static readonly Dictionary<string, string> Rows = ReadRows();

    private static Dictionary<string, string> ReadRows()
    {
        var readme = File.ReadAllText(Repo.Path("README.md"));
        var table = readme[readme.IndexOf("## Configuration", StringComparison.Ordinal)..];
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match row in TableRow().Matches(table))
            foreach (Match key in Backticked().Matches(row.Groups["keys"].Value))
                rows[key.Groups[1].Value] = row.Groups["default"].Value.Trim();
        return rows;
    }

    private static string Text(object value) => value switch
    {
        int n => n.ToString(CultureInfo.InvariantCulture),
        Enum e => e.ToString().ToLowerInvariant(),
        _ => value.ToString()!,
    };

    private static string Bool(bool value) => value ? "true" : "false";

    public static TheoryData<string, string> Defaults => new()
    {
        { "containerPort", $"`{Text(ContainerSettings.PortDefault)}`" },
        { "healthCheckPath", $"`{ContainerSettings.HealthCheckPathDefault}`" },
        { "cpu", $"`{Text(ContainerSettings.CpuDefault)}` / `{Text(ContainerSettings.MemoryDefault)}`" },
        { "activeCount", $"`{Text(CapacitySettings.ActiveCountDefault)}`" },
        { "standbyCount", $"`{Text(CapacitySettings.StandbyCountDefault)}`" },
        { "cpuTargetPercent", $"`{Text(CapacitySettings.CpuTargetPercentDefault)}`" },
        { "alarmPeriodSeconds", $"`{Text(AlarmSettings.PeriodSecondsDefault)}`" },
        { "alarmEvaluationPeriods", $"`{Text(AlarmSettings.EvaluationPeriodsDefault)}`" },
        { "minHealthyHosts", $"`{Text(AlarmSettings.MinHealthyHostsDefault)}`" },
        { "target5xxThreshold", $"`{Text(AlarmSettings.Target5xxThresholdDefault)}`" },
        { "minRunningTasks", $"`{Text(AlarmSettings.MinRunningTasksDefault)}`" },
        { "endpointCheckIntervalSeconds", $"`{Text(DnsSettings.EndpointCheckIntervalSecondsDefault)}`" },
        { "endpointFailureThreshold", $"`{Text(DnsSettings.EndpointFailureThresholdDefault)}`" },
        { "dnsFailover", $"`{Text(DnsSettings.FailoverDefault)}`" },
        { "defaultFlag", $"`{Wire.Of(StackConfig.DefaultFlagDefault)}`" },
        { "vpcCidr", $"`{NetworkSettings.VpcCidrDefault}`" },
        { "logRetentionDays", $"`{Text(StackConfig.LogRetentionDaysDefault)}`" },
        { "rtoObjectiveMinutes", $"`{Text(StackConfig.RtoObjectiveMinutesDefault)}`" },
        { "trafficGate", $"`{Failover.Infra.Health.TrafficGate.Mode(DnsSettings.TrafficGateDefault)}`" },
        { "arcCreateCluster", $"`{(ArcSettings.CreateClusterDefault ? "true" : "false")}`" },
        { "noticeRepeatMinutes", $"`{Text(StackConfig.NoticeRepeatMinutesDefault)}`" },
        { "albDeletionProtection", $"`{Bool(EdgeSettings.DeletionProtectionDefault)}`" },
        { "albAccessLogs", $"`{Bool(EdgeSettings.AccessLogsDefault)}`" },
        { "albAccessLogDays", $"`{Text(EdgeSettings.AccessLogDaysDefault)}`" },
        { "waf", $"`{Bool(EdgeSettings.WafDefault)}`" },
        { "taskEgressPorts", $"`[{string.Join(", ", NetworkSettings.TaskEgressPortsDefault)}]`" },
        { "wafRateLimit", $"`{Text(EdgeSettings.WafRateLimitDefault)}`" },
    };

    [Theory]
    [MemberData(nameof(Defaults))]
    public void The_readme_states_each_default_as_the_code_has_it(string key, string expected) =>
        Rows.Should().ContainKey(key).WhoseValue.Should().Be(expected);

    [Fact]
    public void The_readme_documents_every_setting_the_compiler_reads()
    {
        var readme = File.ReadAllText(Repo.Path("README.md"));
        var retired = readme[readme.IndexOf("Retired keys:", StringComparison.Ordinal)..];
        retired = retired[..retired.IndexOf("\n\n", StringComparison.Ordinal)];
        var keys = ConfigParser.Parse(TestStacks.Inputs()).KnownKeys.Select(k => k.StartsWith("failover:", StringComparison.Ordinal) ? k["failover:".Length..] : k);

        keys.Should().NotBeEmpty().And.OnlyContain(k => Rows.ContainsKey(k) || retired.Contains($"`{k}`"),
            "every setting has a row in the configuration table (or is listed as retired)");
    }

    [GeneratedRegex(@"^\| (?<keys>[^|]+) \| (?<default>(?:\\\||[^|])+) \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex("`([A-Za-z:0-9]+)`")]
    private static partial Regex Backticked();
}
