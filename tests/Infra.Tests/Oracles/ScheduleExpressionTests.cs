using System.Globalization;
using System.Text.RegularExpressions;
using Failover.Infra.Tests.Golden;

namespace Failover.Infra.Tests.Oracles;

/// The probe's schedule expression against EventBridge Scheduler's documented rate grammar, read from botocore's service
/// model (installed with boto3): `rate(value unit)`, the value a positive integer, the unit one of the listed options.
public sealed class SchedulerRateGrammar
{
    public IReadOnlyList<string> Units { get; }
    public string Documentation { get; }

    public SchedulerRateGrammar()
    {
        Documentation = EventCheck.Str(EventCheck.SchedulerDoc()["documentation"]);
        var options = Regex.Match(Documentation, @"<code>rate</code> expression consists of a <i>value</i> as a positive integer, and a <i>unit</i> with the following options: (?<units>(<code>\w+</code>(\s*\|\s*)?)+)");
        Units = options.Success ? [.. Regex.Matches(options.Groups["units"].Value, @"<code>(\w+)</code>").Select(m => m.Groups[1].Value)] : [];
    }

    /// Why `expression` is not a valid Scheduler rate, or null. The singular unit for 1 and the plural otherwise is the
    /// Scheduler User Guide's rule (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#rate-based:
    /// "If the value is equal to 1, then the unit must be singular"); botocore lists the units but not that pairing.
    public string? Problem(string expression)
    {
        var match = Regex.Match(expression, $@"^rate\((?<value>\d+) (?<unit>{string.Join('|', Units)})\)$");
        if (!match.Success) return $"'{expression}' is not rate(value unit) with a unit of {string.Join(", ", Units)}";
        var value = long.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        if (value < 1) return $"'{expression}': the value must be a positive integer";
        var singular = !match.Groups["unit"].Value.EndsWith('s');
        return (value == 1) == singular ? null : $"'{expression}': the unit must be singular for 1 and plural otherwise";
    }
}

public sealed class ScheduleExpressionTests(SchedulerRateGrammar grammar) : IClassFixture<SchedulerRateGrammar>
{
    [Fact]
    public void Botocores_model_documents_the_rate_units()
    {
        grammar.Units.Should().NotBeEmpty($"the rate grammar is read from botocore's documentation, which now reads: {grammar.Documentation}");
        grammar.Units.Should().Contain("minutes");
    }

    [Fact]
    public void The_shipped_secondarys_probe_rate_is_a_valid_Scheduler_rate()
    {
        var secondary = CompiledProgram.Parse(GoldenProgramTests.CompileOffline("secondary"));
        var expression = CompiledProgram.Literal((string)secondary.Resource("probe-schedule").Properties["scheduleExpression"]!)!;
        grammar.Problem(expression).Should().BeNull();
    }

    [Theory]
    [InlineData("rate(1 minute)")]
    [InlineData("rate(2 minutes)")]
    [InlineData("rate(60 minutes)")]
    [InlineData("rate(1 hour)")]
    public void Every_rate_the_config_accepts_compiles_to_a_valid_Scheduler_rate(string rate)
    {
        var secondary = CompiledProgram.Parse(TestStacks.Yaml("secondary", ("probeRate", rate)));
        var expression = CompiledProgram.Literal((string)secondary.Resource("probe-schedule").Properties["scheduleExpression"]!)!;
        grammar.Problem(expression).Should().BeNull();
    }

    [Theory]
    [InlineData("rate(1 minutes)")]
    [InlineData("rate(5 minute)")]
    [InlineData("rate(0 minutes)")]
    [InlineData("rate(5 weeks)")]
    [InlineData("rate(5minutes)")]
    public void The_config_refuses_a_rate_Scheduler_would_refuse_and_names_the_key(string rate)
    {
        grammar.Problem(rate).Should().NotBeNull("the oracle refuses it too");
        TestStacks.Errors("secondary", ("probeRate", rate)).Should().ContainSingle()
            .Which.Should().StartWith("failover:probeRate must").And.Contain($"(got '{rate}')");
    }

    /// Valid for Scheduler, but too slow for the trigger that outlives a failed us-east-1 (and its silence alarm).
    [Theory]
    [InlineData("rate(61 minutes)")]
    [InlineData("rate(2 hours)")]
    [InlineData("rate(1 day)")]
    public void The_config_refuses_a_probe_slower_than_hourly(string rate)
    {
        grammar.Problem(rate).Should().BeNull("Scheduler would take it");
        TestStacks.Errors("secondary", ("probeRate", rate)).Should().ContainSingle()
            .Which.Should().StartWith("failover:probeRate must be at most 1 hour").And.Contain($"(got '{rate}')");
    }

    /// Scheduler takes cron expressions, but the probe is a steady heartbeat: only `off` or a rate.
    [Fact]
    public void The_config_refuses_a_cron_expression_for_the_probe() =>
        TestStacks.Errors("secondary", ("probeRate", "cron(0/5 * * * ? *)")).Should().ContainSingle()
            .Which.Should().StartWith("failover:probeRate must be 'off' or a rate like rate(5 minutes)");
}
