namespace Failover.Infra.Tests.Config;

/// failover:drillSchedule: unset (no drills) by default; a Scheduler cron expression, firing at one minute of the hour, in the
/// secondary only; every mistake named with the key, what was given and how to write it.
public sealed class DrillScheduleConfigTests
{
    [Fact]
    public void Unset_means_no_scheduled_drill() =>
        TestStacks.Config("secondary").Triggers.DrillSchedule.Should().BeNull();

    [Theory]
    [InlineData("cron(0 3 ? * MON *)")]
    [InlineData("cron(30 2 1 * ? *)")]
    [InlineData("cron(15 4 ? * 2-6 *)")]
    [InlineData("cron(0 10 ? JAN,APR,JUL,OCT 3#1 2026-2030)")]
    [InlineData("cron(0 22 L * ? *)")]
    [InlineData("cron(0 8 15W * ? *)")]
    [InlineData("cron(0 8 ? * 6L *)")]
    [InlineData("cron(5 */6 ? * SAT *)")]
    public void A_Scheduler_cron_expression_at_one_minute_of_the_hour_is_taken_as_given(string schedule) =>
        TestStacks.Config("secondary", ("drillSchedule", schedule)).Triggers.DrillSchedule.Should().Be(schedule);

    [Theory]
    [InlineData("rate(7 days)", "must be cron(minutes hours day-of-month month day-of-week year)")]
    [InlineData("cron(0 3 * * MON)", "must have 6 fields")]
    [InlineData("cron(0 3 * * * *)", "must have ? in exactly one of day-of-month and day-of-week")]
    [InlineData("cron(0 3 ? * ? *)", "must have ? in exactly one of day-of-month and day-of-week")]
    [InlineData("cron(0 24 ? * MON *)", "has a bad hours field '24': '24' is not 0-23")]
    [InlineData("cron(0 3 ? * MONDAY *)", "has a bad day-of-week field 'MONDAY': 'MONDAY' is not 1-7 or SUN-SAT")]
    [InlineData("cron(0 3 ? 13 MON *)", "has a bad month field '13': '13' is not 1-12 or JAN-DEC")]
    [InlineData("cron(0 3 ? * MON 1969)", "has a bad year field '1969': '1969' is not 1970-2199")]
    [InlineData("cron(0 ? ? * MON *)", "uses ? in the hours field")]
    [InlineData("cron(0 3 ? * 3#6 *)", "has a bad day-of-week field '3#6': '3#6': the week after # must be 1-5")]
    [InlineData("cron(0 3 ? * MON/0 *)", "has a bad day-of-week field 'MON/0': 'MON/0': the increment after / must be a whole number of at least 1")]
    [InlineData("cron(* 3 ? * MON *)", "must name one minute (got minutes field '*')")]
    [InlineData("cron(0/15 3 ? * MON *)", "must name one minute")]
    public void A_schedule_Scheduler_would_refuse_or_that_drills_more_than_hourly_is_refused_naming_the_key_and_the_fix(string schedule, string problem) =>
        TestStacks.Errors("secondary", ("drillSchedule", schedule)).Should().ContainSingle()
            .Which.Should().StartWith($"failover:drillSchedule {problem}").And.Contain($"(got '{schedule}') in Pulumi.secondary.yaml");

    /// Drills run in the secondary's workflow: set in the primary's stack it would look scheduled and never run.
    [Fact]
    public void A_drill_schedule_in_the_primarys_stack_is_refused_saying_where_it_belongs() =>
        TestStacks.Errors("primary", ("drillSchedule", "cron(0 3 ? * MON *)")).Should().ContainSingle()
            .Which.Should().Be("failover:drillSchedule is the secondary's: drills run in the secondary's workflow (the primary's runs failback only); " +
                               "set it in the secondary's stack and remove it here in Pulumi.primary.yaml");

    /// A drill holds the lock: without the probe, a failover an alarm starts during a drill is refused and never started again.
    [Fact]
    public void A_drill_schedule_with_the_probe_off_is_refused_naming_both_keys() =>
        TestStacks.Errors("secondary", ("probeRate", "off"), ("drillSchedule", "cron(0 3 ? * MON *)")).Should().ContainSingle()
            .Which.Should().StartWith("failover:drillSchedule needs the probe, but failover:probeRate is off: ")
            .And.Contain("Set probeRate to a rate (the default is rate(1 minute)) or remove drillSchedule in Pulumi.secondary.yaml");
}
