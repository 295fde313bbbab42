using Failover.Infra.Config;

namespace Failover.Infra.Tests.Config;

/// albDeletionProtection, albAccessLogs, albAccessLogDays, waf, wafRateLimit: defaults, valid values, and errors that name the key.
public sealed class EdgeConfigTests
{
    [Fact]
    public void By_default_the_alb_is_protected_and_logged_and_there_is_no_waf()
    {
        var edge = TestStacks.Config().Edge;

        edge.DeletionProtection.Should().BeTrue();
        edge.AccessLogs.Should().BeTrue();
        edge.AccessLogDays.Should().Be(30);
        edge.Waf.Should().BeFalse();
        edge.WafRateLimit.Should().Be(2000);
    }

    [Fact]
    public void Each_setting_can_be_changed()
    {
        var edge = TestStacks.Config("primary", ("albDeletionProtection", "false"), ("albAccessLogDays", "365"), ("waf", "true"), ("wafRateLimit", "100")).Edge;

        edge.DeletionProtection.Should().BeFalse();
        edge.AccessLogDays.Should().Be(365);
        edge.Waf.Should().BeTrue();
        edge.WafRateLimit.Should().Be(100);
        TestStacks.Config("primary", ("albAccessLogs", "false")).Edge.AccessLogs.Should().BeFalse();
    }

    [Theory]
    [InlineData("albDeletionProtection", "yes", "failover:albDeletionProtection must be one of true, false (got 'yes')")]
    [InlineData("albAccessLogs", "on", "failover:albAccessLogs must be one of true, false (got 'on')")]
    [InlineData("albAccessLogDays", "0", "failover:albAccessLogDays must be >= 1 (got 0)")]
    [InlineData("albAccessLogDays", "3651", "failover:albAccessLogDays must be <= 3650 (got 3651)")]
    [InlineData("albAccessLogDays", "a month", "failover:albAccessLogDays must be a whole number (got 'a month')")]
    [InlineData("waf", "1", "failover:waf must be one of true, false (got '1')")]
    public void A_bad_value_is_refused_naming_the_key(string key, string value, string error) =>
        TestStacks.Errors("primary", (key, value)).Should().ContainSingle().Which.Should().StartWith(error);

    [Theory]
    [InlineData("9", "failover:wafRateLimit must be >= 10 (got 9)")]
    [InlineData("2000000001", "failover:wafRateLimit must be <= 2000000000 (got 2000000001)")]
    [InlineData("many", "failover:wafRateLimit must be a whole number (got 'many')")]
    public void A_rate_limit_outside_wafs_bounds_is_refused(string value, string error) =>
        TestStacks.Errors("primary", ("waf", "true"), ("wafRateLimit", value)).Should().ContainSingle().Which.Should().StartWith(error);

    [Fact]
    public void A_retention_without_access_logs_is_refused() =>
        TestStacks.Errors("primary", ("albAccessLogs", "false"), ("albAccessLogDays", "7")).Should().ContainSingle()
            .Which.Should().StartWith("failover:albAccessLogDays is used only with albAccessLogs: true");

    [Fact]
    public void A_rate_limit_without_the_waf_is_refused() =>
        TestStacks.Errors("primary", ("wafRateLimit", "500")).Should().ContainSingle()
            .Which.Should().StartWith("failover:wafRateLimit is used only with waf: true");
}
