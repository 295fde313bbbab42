namespace Failover.Infra.Tests.Oracles;

/// Runs the schema oracle (TypeScript + the real @pulumi/aws and @pulumi/aws-native types) once over every program.
public sealed class SchemaOracle
{
    public IReadOnlyDictionary<string, string[]> Results { get; } = NodeOracle.Run("schema-check.mjs", CheckedPrograms.Compile(),
        new Dictionary<string, string> { ["broken"] = Repo.Path("tests", "Infra.Tests", "Oracles", "broken-program.yaml") });
}

public sealed class SchemaConformanceTests(SchemaOracle oracle) : IClassFixture<SchemaOracle>
{
    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    [InlineData("variant")]
    [InlineData("endpoint")]
    [InlineData("automatic")]
    [InlineData("pilot-light")]
    [InlineData("model")]
    [InlineData("arc-primary")]
    [InlineData("arc-secondary")]
    [InlineData("arc-created-primary")]
    public void Every_resource_type_checks_against_the_provider_sdk(string program) =>
        oracle.Results[program].Should().BeEmpty();

    [Theory]
    [InlineData("misspelled-property", "'\"containerInsightz\"' does not exist")]
    [InlineData("wrong-literal-type", "Type 'string' is not assignable to type 'Input<number")]
    [InlineData("missing-required-input", "is missing the following properties from type 'ListenerArgs': defaultActions, loadBalancerArn")]
    [InlineData("untagged", "Property 'tags' is missing")]
    [InlineData("dangling-reference", "Cannot find name 'undeclared_nowhere'")]
    [InlineData("unknown-output", "Property 'dnsName' does not exist on type 'Cluster'")]
    [InlineData("unknown-ignored-property", "'\"invertHealthCheck\"' is not assignable")]
    [InlineData("native-misspelled", "'\"healthCheckTagz\"' does not exist")]
    [InlineData("policy-misspelled-effect", "Type '\"Alow\"' is not assignable")]
    [InlineData("policy-wrong-version", "Type '\"2012-10-18\"' is not assignable")]
    [InlineData("container-misspelled-field", "'\"imag\"' does not exist in type 'ContainerDefinition'")]
    [InlineData("unpinned", "no plugin version pinned for aws (installed 7.48.0)")]
    [InlineData("pinned-to-another-version", "pins aws 6.0.0, but the types checked are aws 7.48.0")]
    public void The_oracle_catches_each_kind_of_mistake(string resource, string message) =>
        oracle.Results["broken"].Should().Contain(e => e.StartsWith(resource + ":", StringComparison.Ordinal) && e.Contains(message, StringComparison.Ordinal));

    [Fact]
    public void A_correct_aws_native_resource_passes_so_both_provider_sdks_are_wired() =>
        oracle.Results["broken"].Should().NotContain(e => e.StartsWith("native-valid:", StringComparison.Ordinal));
}
