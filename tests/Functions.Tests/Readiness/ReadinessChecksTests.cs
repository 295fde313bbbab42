using Failover.Contract.Readiness;
using Failover.Functions.Aws.Readiness;

namespace Failover.Functions.Tests.Readiness;

/// The runner's list of checks is the contract's list of names: every name has its check, in the order the table shows.
public sealed class ReadinessChecksTests
{
    [Fact]
    public void Every_check_name_has_exactly_one_check_in_the_same_order() =>
        ReadinessChecks.All.Select(c => c.Name).Should().Equal(CheckNames.All);
}
