using Failover.Infra.Config;
using Failover.Infra.Estimates;

namespace Failover.Infra.Tests.Estimates;

/// The breakdown people read (the compiler's stderr, failoverctl) and the one line a refused compile ends with.
public sealed class RecoveryTimeReportTests
{
    private static RecoveryTimeBudget Secondary(params (string Key, string? Value)[] overrides) =>
        RecoveryTimeBudget.For(TestStacks.Config("secondary", overrides));

    [Fact]
    public void The_breakdown_lists_each_phase_with_both_figures_the_totals_and_the_objective()
    {
        var lines = RecoveryTimeReport.Text(Secondary()).Split('\n');

        lines[0].Should().Be("Recovery time budget of stack 'secondary' (failover into us-west-2), a model:");
        lines.Should().Contain(l => l.StartsWith("  detection                          60 s    300 s  typical: probe; bound: health alarms", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("  scale-up and readiness             85 s    600 s  1 task to start (activeCount 2 - standbyCount 1, warm standby)", StringComparison.Ordinal));
        lines.Should().Contain("  total                             335 s   1290 s  5 min 35 s typical, 21 min 30 s at worst");
        lines.Should().Contain("  objective                                 1800 s  failover:rtoObjectiveMinutes 30: the bound fits, 8 min 30 s to spare");
        lines.Should().Contain(l => l.StartsWith("    probe                            60 s    100 s  endpoint check 10 s × 3 failures", StringComparison.Ordinal)
            && l.EndsWith("; outlives the primary region", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("  note: detection reads the primary's alarms", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bound_over_the_objective_says_by_how_much() =>
        RecoveryTimeReport.Text(Secondary(("rtoObjectiveMinutes", "15"))).Should().Contain(
            "  objective                                  900 s  failover:rtoObjectiveMinutes 15: the bound exceeds it by 6 min 30 s\n");

    [Fact]
    public void The_refusal_names_the_key_the_figures_the_heaviest_phases_and_what_moves_them() =>
        RecoveryTimeReport.Refusal(Secondary(("rtoObjectiveMinutes", "15")), "Pulumi.secondary.yaml").Should().Be(
            "failover:rtoObjectiveMinutes is 15 min (900 s), but the modelled worst-case failover of stack 'secondary' takes 1290 s (21 min 30 s) " +
            "in Pulumi.secondary.yaml: the most is scale-up and readiness 600 s (standbyCount, readinessTimeoutSeconds, readinessPollSeconds), " +
            "detection 300 s (alarmPeriodSeconds, alarmEvaluationPeriods, endpointCheckIntervalSeconds, endpointFailureThreshold, probeRate), " +
            "gate flip and propagation 210 s (trafficGate); lower those or raise failover:rtoObjectiveMinutes (docs/operating.md, Recovery time (RTO) budget)");

    /// The documentation pastes what the compiler prints for the shipped stacks, and the line that refuses its recovery task example.
    [Fact]
    public void The_readme_shows_what_the_shipped_stacks_print_and_what_a_refusal_says()
    {
        var readme = Repo.Documentation();
        RecoveryTimeBudget Shipped(string stack, string extra = "")
        {
            var dir = Directory.CreateTempSubdirectory("failover-budget-").FullName;
            try
            {
                File.Copy(Repo.Path("Pulumi.yaml"), Path.Combine(dir, "Pulumi.yaml"));
                File.WriteAllText(Path.Combine(dir, $"Pulumi.{stack}.yaml"), File.ReadAllText(Repo.Path($"Pulumi.{stack}.yaml")).TrimEnd() + "\n" + extra);
                var result = ConfigParser.Parse(StackInputs.FromFiles(dir, stack));
                result.Errors.Should().BeEmpty();
                return RecoveryTimeBudget.For(result.Config!);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        var start = readme.IndexOf("```yaml\nconfig:\n  failover:recoveryTasks:", StringComparison.Ordinal);
        var example = readme[(start + "```yaml\nconfig:\n".Length)..readme.IndexOf("```", start + 7, StringComparison.Ordinal)];

        readme.Should().Contain("```\n" + RecoveryTimeReport.Text(Shipped("secondary")) + RecoveryTimeReport.Text(Shipped("primary")) + "```\n");
        readme.Should().Contain("```\nerror: " + RecoveryTimeReport.Refusal(Shipped("secondary", example), "Pulumi.secondary.yaml") + "\n```\n");
    }

    [Theory]
    [InlineData(45, "45 s")]
    [InlineData(60, "1 min")]
    [InlineData(1210, "20 min 10 s")]
    public void Durations_read_in_minutes_and_seconds(int seconds, string expected) =>
        RecoveryTimeReport.Duration(seconds).Should().Be(expected);
}
