using Failover.Infra.Yaml;
using YamlDotNet.RepresentationModel;

namespace Failover.Infra.Tests.Yaml;

public sealed class YamlWriterTests
{
    private static PulumiProgram OneResource(Map properties)
    {
        var program = new PulumiProgram("p", "d", ProviderVersions.Pinned);
        program.Add(new Resource { Name = "thing", Type = "aws:s3/bucket:Bucket", Properties = properties });
        return program;
    }

    private static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string PropertyText(string yaml, string key) =>
        ((YamlScalarNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)Parse(yaml)["resources"])["thing"])["properties"])[key]).Value!;

    [Fact]
    public void A_literal_dollar_brace_is_escaped_so_pulumi_does_not_read_it_as_a_reference()
    {
        var yaml = YamlWriter.Write(OneResource(Map.Of(("command", "echo ${HOME} $PATH"))));

        yaml.Should().Contain("\"echo $${HOME} $$PATH\"");
        PropertyText(yaml, "command").Should().Be("echo $${HOME} $$PATH");
    }

    // pulumi-yaml reads `$$` as `$` in every string and key (ast/interpolation.go): an ASL context path written as is would
    // reach AWS as `$.Execution.Id`, a path into the state's input that does not exist.
    [Fact]
    public void Every_dollar_is_doubled_in_values_and_keys_so_pulumi_gives_back_the_text_written()
    {
        var yaml = YamlWriter.Write(OneResource(Map.Of(("definition", new ToJson(Map.Of(("executionId.$", "$$.Execution.Id")))))));

        yaml.Should().Contain("\"executionId.$$\": \"$$$$.Execution.Id\"");
        PulumiReads("$$$$.Execution.Id").Should().Be("$$.Execution.Id");
        PulumiReads("executionId.$$").Should().Be("executionId.$");
    }

    // pulumi-yaml's parseInterpolate for text without references: `$$` is one `$`.
    private static string PulumiReads(string written)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < written.Length; i++)
        {
            if (written[i] == '$' && i + 1 < written.Length && written[i + 1] == '$') i++;
            text.Append(written[i]);
        }
        return text.ToString();
    }

    [Fact]
    public void References_and_interpolations_are_written_as_pulumi_expressions()
    {
        var bucket = new Resource { Name = "bucket", Type = "t:m:T", Properties = Map.Of() };
        var yaml = YamlWriter.Write(OneResource(Map.Of(
            ("arn", bucket.Out("arn")),
            ("path", Value.Format($"s3://{bucket.Out("bucket")}/logs/${{literal}}")))));

        PropertyText(yaml, "arn").Should().Be("${bucket.arn}");
        PropertyText(yaml, "path").Should().Be("s3://${bucket.bucket}/logs/$${literal}");
    }

    [Theory]
    [InlineData("on")]
    [InlineData("yes")]
    [InlineData("1.0")]
    [InlineData("null")]
    [InlineData("line\nbreak \"quoted\" back\\slash")]
    public void Strings_yaml_could_misread_come_back_as_the_same_string(string text) =>
        PropertyText(YamlWriter.Write(OneResource(Map.Of(("value", text)))), "value").Should().Be(text);

    [Fact]
    public void Mapping_keys_are_sorted_so_the_output_is_stable()
    {
        var a = YamlWriter.Write(OneResource(Map.Of(("b", 1), ("a", 2))));
        var b = YamlWriter.Write(OneResource(Map.Of(("a", 2), ("b", 1))));

        a.Should().Be(b);
        a.IndexOf("a: 2", StringComparison.Ordinal).Should().BeLessThan(a.IndexOf("b: 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Numbers_and_booleans_stay_typed()
    {
        var yaml = YamlWriter.Write(OneResource(Map.Of(("count", 2), ("ratio", 0.5), ("on", true))));

        yaml.Should().Contain("count: 2\n").And.Contain("ratio: 0.5\n").And.Contain("\"on\": true\n");
    }

    [Fact]
    public void A_name_declared_twice_is_refused()
    {
        var program = OneResource(Map.Of());
        var twice = () => program.Add(new Resource { Name = "thing", Type = "aws:s3/bucket:Bucket", Properties = Map.Of() });
        twice.Should().Throw<InvalidOperationException>().WithMessage("*'thing' is declared twice*");
    }

    private static YamlMappingNode ResourceNode(string yaml, string name) =>
        (YamlMappingNode)((YamlMappingNode)Parse(yaml)["resources"])[name];

    [Fact]
    public void Every_resource_and_invoke_pins_its_provider_plugin_version()
    {
        var program = new PulumiProgram("p", "d", new Dictionary<string, string> { ["aws"] = "1.2.3" });
        program.AddVariable("zones", new Invoke("aws:index/getAvailabilityZones:getAvailabilityZones", Map.Of(), "names"));
        program.Add(new Resource { Name = "thing", Type = "aws:s3/bucket:Bucket", Properties = Map.Of() });
        var yaml = YamlWriter.Write(program);

        ((YamlScalarNode)((YamlMappingNode)ResourceNode(yaml, "thing")["options"])["version"]).Value.Should().Be("1.2.3");
        var invoke = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)Parse(yaml)["variables"])["zones"])["fn::invoke"];
        ((YamlScalarNode)((YamlMappingNode)invoke["options"])["version"]).Value.Should().Be("1.2.3");
    }

    [Fact]
    public void A_resource_of_a_package_without_a_pinned_version_cannot_be_written()
    {
        var program = new PulumiProgram("p", "d", new Dictionary<string, string>());
        program.Add(new Resource { Name = "thing", Type = "aws:s3/bucket:Bucket", Properties = Map.Of() });

        program.Invoking(p => YamlWriter.Write(p)).Should().Throw<InvalidOperationException>().WithMessage("No pinned plugin version for package 'aws'*");
    }

    [Fact]
    public void Builtin_resources_of_pulumi_itself_need_no_plugin_version()
    {
        var program = new PulumiProgram("p", "d", new Dictionary<string, string>());
        program.Add(new Resource { Name = "peer", Type = "pulumi:pulumi:StackReference", Properties = Map.Of(("name", "org/failover/primary")) });

        ResourceNode(YamlWriter.Write(program), "peer").Children.Should().NotContainKey(new YamlScalarNode("options"));
    }

    [Fact]
    public void Resource_options_are_written_under_the_keys_pulumi_yaml_reads()
    {
        var program = new PulumiProgram("p", "d", ProviderVersions.Pinned);
        var provider = new AwsProviders(program).For("us-east-1");
        var other = program.Add(new Resource { Name = "other", Type = "aws:s3/bucket:Bucket", Properties = Map.Of() });
        program.Add(new Resource
        {
            Name = "thing",
            Type = "aws:s3/bucket:Bucket",
            Properties = Map.Of(),
            Options = new ResourceOptions
            {
                Provider = provider, Protect = true, RetainOnDelete = true, DependsOn = [other], IgnoreChanges = ["tags"],
                Aliases = [new Alias { Name = "old-thing" }, new Alias { Urn = "urn:pulumi:s::p::aws:s3/bucket:Bucket::older" }],
            },
        });

        var options = (YamlMappingNode)ResourceNode(YamlWriter.Write(program), "thing")["options"];

        options.Children.Keys.Select(k => ((YamlScalarNode)k).Value).Should().Equal(
            "aliases", "dependsOn", "ignoreChanges", "protect", "provider", "retainOnDelete", "version");
        ((YamlScalarNode)options["provider"]).Value.Should().Be("${aws-us-east-1}");
        ((YamlScalarNode)options["protect"]).Value.Should().Be("true");
        ((YamlScalarNode)options["retainOnDelete"]).Value.Should().Be("true");
        var aliases = (YamlSequenceNode)options["aliases"];
        ((YamlScalarNode)((YamlMappingNode)aliases[0])["name"]).Value.Should().Be("old-thing");
        ((YamlScalarNode)aliases[1]).Value.Should().Be("urn:pulumi:s::p::aws:s3/bucket:Bucket::older");
    }

    [Fact]
    public void An_explicit_provider_is_declared_once_per_region_and_pinned()
    {
        var program = new PulumiProgram("p", "d", new Dictionary<string, string> { ["aws"] = "6.5.4" });
        var providers = new AwsProviders(program);

        providers.For("us-east-1").Should().BeSameAs(providers.For("us-east-1"));
        providers.For("eu-west-1");

        program.Resources.Select(r => (r.Name, r.Type)).Should().Equal(("aws-us-east-1", "pulumi:providers:aws"), ("aws-eu-west-1", "pulumi:providers:aws"));
        var node = ResourceNode(YamlWriter.Write(program), "aws-eu-west-1");
        ((YamlScalarNode)((YamlMappingNode)node["properties"])["region"]).Value.Should().Be("eu-west-1");
        ((YamlScalarNode)((YamlMappingNode)node["options"])["version"]).Value.Should().Be("6.5.4");
    }

    [Fact]
    public void Builtins_are_single_key_mappings()
    {
        var yaml = YamlWriter.Write(OneResource(Map.Of(
            ("code", new FileArchive("functions/dist/lambda.zip")),
            ("script", new FileAsset("scripts/run.sh")),
            ("password", new Secret("s3cr3t ${not-a-ref}")),
            ("policy", new ToJson(Map.Of(("Version", "2012-10-17")))))));
        var properties = (YamlMappingNode)ResourceNode(yaml, "thing")["properties"];

        Single(properties, "code").Should().Be(("fn::fileArchive", "functions/dist/lambda.zip"));
        Single(properties, "script").Should().Be(("fn::fileAsset", "scripts/run.sh"));
        Single(properties, "password").Should().Be(("fn::secret", "s3cr3t $${not-a-ref}"));
        ((YamlMappingNode)properties["policy"]).Children.Keys.Should().ContainSingle().Which.Should().Be(new YamlScalarNode("fn::toJSON"));
    }

    private static (string, string) Single(YamlMappingNode properties, string key)
    {
        var entry = ((YamlMappingNode)properties[key]).Children.Should().ContainSingle().Subject;
        return (((YamlScalarNode)entry.Key).Value!, ((YamlScalarNode)entry.Value).Value!);
    }

    [Fact]
    public void The_writer_handles_every_kind_of_value_because_each_kind_has_a_visitor_method()
    {
        // Value's constructor is private protected: only this assembly adds kinds, and each must dispatch to IValueVisitor.
        var kinds = typeof(Value).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Value)) && !t.IsAbstract).ToList();
        var visited = typeof(IValueVisitor<>).GetMethods().Select(m => m.GetParameters().Single().ParameterType).ToList();

        kinds.Should().BeEquivalentTo(visited);
        typeof(Value).GetConstructors(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public)
            .Where(c => c.GetParameters().Length == 0).Should().OnlyContain(c => c.IsFamilyAndAssembly);
    }
}
