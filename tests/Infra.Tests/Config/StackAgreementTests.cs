using Failover.Infra.Config;

namespace Failover.Infra.Tests.Config;

/// The ARC keys are the pair's: the primary builds both routing controls on one cluster, and both workflows use its endpoints.
public sealed class StackAgreementTests
{
    [Fact]
    public void Arc_stacks_on_the_same_cluster_agree() =>
        StackAgreement.Problems(TestStacks.Config("secondary", TestStacks.ArcNamedCluster), "Pulumi.secondary.yaml",
            TestStacks.Config("primary", TestStacks.ArcNamedCluster), "Pulumi.primary.yaml").Should().BeEmpty();

    [Fact]
    public void A_secondary_naming_another_cluster_or_other_endpoints_than_the_primary_is_refused_by_key()
    {
        var secondary = TestStacks.Config("secondary", [.. TestStacks.ArcNamedCluster,
            ("arcClusterArn", "arn:aws:route53-recovery-control::123456789012:cluster/another"),
            ("arcClusterEndpoints", "us-west-2=https://host-other.us-west-2.example.aws/v1")]);

        var problems = StackAgreement.Problems(secondary, "Pulumi.secondary.yaml", TestStacks.Config("primary", TestStacks.ArcNamedCluster), "Pulumi.primary.yaml");

        problems.Should().HaveCount(2);
        problems.Should().Contain(p => p.StartsWith("failover:arcClusterArn is arn:aws:route53-recovery-control::123456789012:cluster/another in Pulumi.secondary.yaml", StringComparison.Ordinal));
        problems.Should().Contain(p => p.StartsWith("failover:arcClusterEndpoints is us-west-2=https://host-other.us-west-2.example.aws/v1 in Pulumi.secondary.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public void A_secondary_expecting_a_created_cluster_beside_a_named_one_is_refused() =>
        StackAgreement.Problems(TestStacks.Config("secondary", TestStacks.ArcCreatedCluster), "Pulumi.secondary.yaml",
                TestStacks.Config("primary", TestStacks.ArcNamedCluster), "Pulumi.primary.yaml")
            .Should().Contain(p => p.StartsWith("failover:arcCreateCluster is true in Pulumi.secondary.yaml but false in Pulumi.primary.yaml", StringComparison.Ordinal));
}
