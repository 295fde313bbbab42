using Failover.Infra.Yaml;
using YamlDotNet.RepresentationModel;

namespace Failover.Infra.Tests.Yaml;

public sealed class YamlWriterTests
{
    private static PulumiProgram OneResource(Map properties)
    {
        var program = new PulumiProgram("p", "d");
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

        yaml.Should().Contain("\"echo $${HOME} $PATH\"");
        PropertyText(yaml, "command").Should().Be("echo $${HOME} $PATH");
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
}
