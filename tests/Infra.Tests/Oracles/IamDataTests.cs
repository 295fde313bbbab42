namespace Failover.Infra.Tests.Oracles;

/// Runs the IAM oracle (AWS's IAM data: actions, resource types and their ARN formats, condition keys) over every program.
public sealed class IamOracle
{
    public IReadOnlyDictionary<string, string[]> Results { get; } = NodeOracle.Run("iam-check.mjs", CheckedPrograms.Compile(),
        new Dictionary<string, string> { ["broken"] = Repo.Path("tests", "Infra.Tests", "Oracles", "broken-policies.yaml") });
}

public sealed class IamDataTests(IamOracle oracle) : IClassFixture<IamOracle>
{
    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    [InlineData("variant")]
    [InlineData("model")]
    [InlineData("arc-primary")]
    [InlineData("arc-secondary")]
    [InlineData("arc-created-primary")]
    public void Every_statement_grants_real_actions_on_resources_of_a_type_they_accept(string program) =>
        oracle.Results[program].Should().BeEmpty();

    [Theory]
    [InlineData("MisspelledAction", "route53:UpdateHealthChek is not an IAM action")]
    [InlineData("ScopableOnStar", "ecs:UpdateService is granted on \"*\" but supports resource types service")]
    [InlineData("WrongResourceType", "route53:UpdateHealthCheck does not accept arn:aws:route53:::hostedzone/Z123")]
    [InlineData("UnscopableOnAnArn", "elasticloadbalancing:DescribeTargetHealth has no resource type")]
    [InlineData("WildcardAction", "ecs:* is not a single named action")]
    [InlineData("(no Sid)", "a statement without a Sid says nothing about why it exists")]
    [InlineData("WrongArnOfAReference", "ecs:UpdateService does not accept ${target.arn}")]
    [InlineData("UnknownConditionKey", "condition key ecs:clusterr (StringEquals) does not exist")]
    public void The_oracle_catches_each_kind_of_mistake(string sid, string message) =>
        oracle.Results["broken"].Should().Contain(e => e.StartsWith($"policy.policy {sid}:", StringComparison.Ordinal) && e.Contains(message, StringComparison.Ordinal));

    [Fact]
    public void The_oracle_checks_the_global_condition_keys_of_trust_policies_too() =>
        oracle.Results["broken"].Should().Contain(e => e.StartsWith("trust.assumeRolePolicy MisspelledGlobalKey:", StringComparison.Ordinal)
            && e.Contains("condition key aws:SourceAcount (StringEquals) does not exist", StringComparison.Ordinal));

    [Fact]
    public void A_correct_statement_passes_so_the_oracle_is_not_just_refusing_everything() =>
        oracle.Results["broken"].Should().NotContain(e => e.StartsWith("policy.policy Control:", StringComparison.Ordinal));
}
