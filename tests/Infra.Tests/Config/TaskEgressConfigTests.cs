namespace Failover.Infra.Tests.Config;

/// taskEgressPorts: the TCP ports the tasks may connect out on; HTTPS always among them.
public sealed class TaskEgressConfigTests
{
    [Fact]
    public void By_default_the_tasks_go_out_on_https_only() =>
        TestStacks.Config().Network.TaskEgressPorts.Should().Equal(443);

    [Fact]
    public void An_application_that_opens_a_database_lists_its_port() =>
        TestStacks.Config("primary", ("taskEgressPorts", "[\"5432\", \"443\"]")).Network.TaskEgressPorts.Should().Equal(443, 5432);

    [Theory]
    [InlineData("443,0", "failover:taskEgressPorts has '0', which is not a TCP port (1-65535)")]
    [InlineData("443,postgres", "failover:taskEgressPorts has 'postgres', which is not a TCP port (1-65535)")]
    [InlineData("443,65536", "failover:taskEgressPorts has '65536', which is not a TCP port (1-65535)")]
    [InlineData("5432", "failover:taskEgressPorts must include 443")]
    public void A_bad_port_list_is_refused_naming_the_key(string value, string error) =>
        TestStacks.Errors("primary", ("taskEgressPorts", value)).Should().ContainSingle().Which.Should().StartWith(error);
}
