using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Failover.Infra.Tests;

/// What deploys is what was checked: the pinned plugin versions are exactly the provider SDKs the schema oracle uses.
public sealed class ProviderVersionTests
{
    [Theory]
    [InlineData("aws", "@pulumi/aws")]
    [InlineData("aws-native", "@pulumi/aws-native")]
    public void Each_pinned_version_is_the_one_the_schema_oracle_installs(string package, string npmPackage)
    {
        var manifest = JsonDocument.Parse(File.ReadAllText(Repo.Path("tests", "oracles", "package.json"))).RootElement;
        var lockfile = JsonDocument.Parse(File.ReadAllText(Repo.Path("tests", "oracles", "package-lock.json"))).RootElement;

        ProviderVersions.Pinned[package].Should().Be(manifest.GetProperty("dependencies").GetProperty(npmPackage).GetString());
        ProviderVersions.Pinned[package].Should().Be(lockfile.GetProperty("packages").GetProperty($"node_modules/{npmPackage}").GetProperty("version").GetString());
    }

    [Fact]
    public void The_oracle_covers_exactly_the_pinned_packages() =>
        ProviderVersions.Pinned.Keys.Should().BeEquivalentTo("aws", "aws-native");

    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    public void Every_resource_and_invoke_of_a_compiled_stack_pins_the_aws_version(string stack)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Golden.GoldenProgramTests.CompileOffline(stack)));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;

        // A StackReference is built into Pulumi: no plugin, no version.
        var resources = ((YamlMappingNode)root["resources"]).Children.Values.Cast<YamlMappingNode>()
            .Where(r => ((YamlScalarNode)r["type"]).Value != "pulumi:pulumi:StackReference").ToList();
        var invokes = ((YamlMappingNode)root["variables"]).Children.Values.Cast<YamlMappingNode>().Select(v => (YamlMappingNode)v["fn::invoke"]).ToList();

        resources.Should().HaveCountGreaterThan(20);
        resources.Concat(invokes).Should().OnlyContain(node => ((YamlScalarNode)((YamlMappingNode)node["options"])["version"]).Value == ProviderVersions.Aws);
    }
}
