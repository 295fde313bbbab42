using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Failover.Infra.Tests.Yaml;

/// Every `${…}` in a compiled program must name a declared resource or variable; read back with a YAML parser, not our writer.
public sealed partial class ReferenceTests
{
    public static TheoryData<string, string[]> Stacks => new()
    {
        { "primary", [] },
        { "secondary", [] },
        { "primary", ["certificateArn=arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-0123456789ab"] },
        { "secondary", ["vpcId=vpc-0123456789abcdef0", "publicSubnetIds=subnet-0123456789abcdef0,subnet-0123456789abcdef1",
            "privateSubnetIds=subnet-0123456789abcdef2,subnet-0123456789abcdef3", "healthCheckCommand=test -n ${HOME} || exit 1"] },
        { "primary", ["dnsFailover=endpoint"] },
    };

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Every_reference_resolves_to_a_declared_resource_or_variable(string role, string[] settings)
    {
        var root = Parse(TestStacks.Yaml(role, settings.Select(s => (s.Split('=', 2)[0], (string?)s.Split('=', 2)[1])).ToArray()));
        var declared = Names(root, "resources").Concat(Names(root, "variables")).ToHashSet();

        var references = Scalars(root).SelectMany(s => ReferencePattern().Matches(s).Select(m => m.Groups["root"].Value)).ToList();

        references.Should().NotBeEmpty();
        references.Where(r => !declared.Contains(r)).Should().BeEmpty("every reference must resolve");
    }

    [Fact]
    public void A_dollar_brace_from_config_reaches_the_container_as_typed()
    {
        var yaml = TestStacks.Yaml("primary", ("healthCheckCommand", "test -n ${HOME} || exit 1"));

        yaml.Should().Contain("test -n $${HOME} || exit 1");
        Scalars(Parse(yaml)).SelectMany(s => ReferencePattern().Matches(s)).Select(m => m.Groups["root"].Value).Should().NotContain("HOME");
    }

    private static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static IEnumerable<string> Names(YamlMappingNode root, string section) =>
        root.Children.TryGetValue(new YamlScalarNode(section), out var node) ? ((YamlMappingNode)node).Children.Keys.Select(k => ((YamlScalarNode)k).Value!) : [];

    private static IEnumerable<string> Scalars(YamlNode node) => node switch
    {
        YamlScalarNode s => [s.Value ?? ""],
        YamlSequenceNode seq => seq.Children.SelectMany(Scalars),
        YamlMappingNode map => map.Children.Values.SelectMany(Scalars),
        _ => [],
    };

    // `${name...}` not preceded by `$` (which would make it the `$${` escape).
    [GeneratedRegex(@"(?<!\$)\$\{(?<root>[A-Za-z0-9_-]+)[^}]*\}")]
    private static partial Regex ReferencePattern();
}
