using Failover.Infra.Config;
using Failover.Infra.Yaml;
using YamlDotNet.RepresentationModel;

namespace Failover.Infra.Tests.Config;

/// Each setting is declared once, as a descriptor in infra/Model/Config; Pulumi.yaml's `config:` block and the settings table in
/// docs/configuration.md are written from the descriptors, and the parser reads exactly the settings they declare.
public sealed class SettingsCatalogTests
{
    public const string Regenerate = "UPDATE_SETTINGS=1 dotnet test tests/Infra.Tests --filter SettingsCatalogTests";
    private const string TableStart = "<!-- settings table: generated from infra/Model/Config (see SettingsCatalog) -->";
    private const string TableEnd = "<!-- end of settings table -->";

    private static bool Updating => Environment.GetEnvironmentVariable("UPDATE_SETTINGS") == "1";

    [Fact]
    public void Pulumi_yaml_declares_every_setting_as_the_descriptors_do()
    {
        var path = Repo.Path("Pulumi.yaml");
        var text = File.ReadAllText(path);
        var at = text.IndexOf("\nconfig:\n", StringComparison.Ordinal);
        at.Should().BePositive("Pulumi.yaml has a config: block");
        var expected = text[..(at + 1)] + SettingsCatalog.PulumiConfigBlock();
        if (Updating) File.WriteAllText(path, expected);
        text.Should().Be(expected, $"Pulumi.yaml's config: block is written from the descriptors ({Regenerate})");
    }

    [Fact]
    public void Each_declaration_carries_the_descriptors_type_description_and_default()
    {
        var config = (YamlMappingNode)Load(Repo.Path("Pulumi.yaml")).Children[new YamlScalarNode("config")];
        var declared = config.Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => (YamlMappingNode)e.Value);
        foreach (var setting in SettingsCatalog.All.Where(s => SettingsCatalog.NotDeclaredInPulumi(s) is null))
        {
            declared.Should().ContainKey(setting.Key);
            var entry = declared[setting.Key];
            Scalar(entry, "type").Should().Be(setting.PulumiType, setting.Key);
            Scalar(entry, "description").Should().StartWith(char.ToUpperInvariant(setting.Description[0]) + setting.Description[1..], setting.Key);
            if (setting.PulumiItemType is { } item) Scalar((YamlMappingNode)entry.Children[new YamlScalarNode("items")], "type").Should().Be(item);
            entry.Children.ContainsKey(new YamlScalarNode("default")).Should().Be(setting.Required is null,
                $"{setting.Key}: a required key has no default, so Pulumi asks every stack for it; an optional one has one, so Pulumi asks no stack");
        }
        declared.Keys.Should().BeEquivalentTo(SettingsCatalog.All.Where(s => SettingsCatalog.NotDeclaredInPulumi(s) is null).Select(s => s.Key));
    }

    [Fact]
    public void The_compiler_reads_each_Pulumi_yaml_default_as_the_value_the_descriptor_gives()
    {
        var dir = Directory.CreateTempSubdirectory("settings-").FullName;
        try
        {
            File.Copy(Repo.Path("Pulumi.yaml"), Path.Combine(dir, "Pulumi.yaml"));
            File.WriteAllText(Path.Combine(dir, "Pulumi.empty.yaml"), "config: {}\n");
            var values = StackInputs.FromFiles(dir, "empty").Values;
            foreach (var setting in SettingsCatalog.All.Where(s => SettingsCatalog.NotDeclaredInPulumi(s) is null && s.Required is null))
                values.Should().ContainKey($"failover:{setting.Key}").WhoseValue.Should().Be(setting.DefaultText ?? "", setting.Key);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// Pulumi passes a project default to the program as if the stack had set it: a key set to its default must compile as
    /// one left unset, in either role and with the settings that only some modes read (an empty text is "unset").
    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    [InlineData("primary", "trafficGate", "arc", "arcCreateCluster", "true")]
    [InlineData("secondary", "albAccessLogs", "false", "waf", "true")]
    public void A_setting_given_its_Pulumi_default_compiles_as_if_unset(string role, params string[] pairs)
    {
        var overrides = pairs.Chunk(2).Select(p => (p[0], (string?)p[1])).ToArray();
        var unset = TestStacks.Yaml(role, overrides);
        foreach (var setting in SettingsCatalog.All.Where(s => SettingsCatalog.NotDeclaredInPulumi(s) is null && s.Required is null
                     && !overrides.Any(o => o.Item1 == s.Key)))
        {
            var result = ConfigParser.Parse(TestStacks.Inputs(role, [.. overrides, (setting.Key, setting.DefaultText ?? "")]));
            result.Errors.Should().BeEmpty(setting.Key);
            YamlWriter.Write(RegionStack.Build(result.Config!)).Should().Be(unset, $"{setting.Key} set to its default changes nothing");
        }
    }

    [Fact]
    public void The_settings_Pulumi_cannot_type_are_left_out_each_with_its_reason()
    {
        SettingsCatalog.All.Where(s => SettingsCatalog.NotDeclaredInPulumi(s) is not null).Select(s => s.Key)
            .Should().BeEquivalentTo(["aws:region", "tags", "extraAlarms", "recoveryTasks", "autoscalingMin", "autoscalingMax"]);
        SettingsCatalog.NotDeclaredInPulumi(CapacitySection.AutoscalingMin).Should().Contain("derived (activeCount)");
        SettingsCatalog.NotDeclaredInPulumi(StackSection.Tags).Should().Contain("no objects");
    }

    [Fact]
    public void The_parser_reads_exactly_the_catalogued_settings_and_the_retired_keys()
    {
        var read = ConfigParser.Parse(TestStacks.Inputs()).KnownKeys;
        read.Should().BeEquivalentTo(SettingsCatalog.All.Select(s => s.Key.Contains(':') ? s.Key : $"failover:{s.Key}")
            .Concat(SettingsCatalog.Retired.Select(r => $"failover:{r.Key}")));
        SettingsCatalog.All.Select(s => s.Key).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void The_configuration_guide_holds_the_table_written_from_the_descriptors()
    {
        var path = Repo.Path("docs", "configuration.md");
        var text = File.ReadAllText(path);
        var (start, end) = (text.IndexOf(TableStart, StringComparison.Ordinal), text.IndexOf(TableEnd, StringComparison.Ordinal));
        start.Should().BeGreaterThanOrEqualTo(0);
        end.Should().BeGreaterThan(start);
        var expected = text[..(start + TableStart.Length)] + "\n" + SettingsCatalog.MarkdownTable() + "\n" + text[end..];
        if (Updating) File.WriteAllText(path, expected);
        text.Should().Be(expected, $"the table is written from the descriptors ({Regenerate})");
    }

    [Fact]
    public void The_guide_states_every_bound_and_rule_the_descriptors_declare()
    {
        var table = SettingsCatalog.MarkdownTable();
        foreach (var setting in SettingsCatalog.All)
        {
            var row = table.Split('\n').Single(l => l.StartsWith($"| `{setting.Key}` |", StringComparison.Ordinal));
            if (setting is IntSetting number) row.Should().Contain(number.Allowed, "the bounds the parser enforces");
            if (setting.Rule is { } rule) row.Should().Contain(rule.Replace("|", "\\|", StringComparison.Ordinal));
            if (setting.Required is not null) row.Should().Contain("| required |");
            if ((setting.DerivedDefault ?? setting.DefaultText) is { } value) row.Should().Contain(value.Replace("|", "\\|", StringComparison.Ordinal), $"{setting.Key}'s default");
        }
    }

    [Fact]
    public void The_guide_notes_only_settings_that_exist()
    {
        var text = File.ReadAllText(Repo.Path("docs", "configuration.md"));
        var notes = text[text.IndexOf("## Notes on particular settings", StringComparison.Ordinal)..];
        var keys = SettingsCatalog.All.Select(s => s.Key).ToHashSet();
        var noted = notes.Split('\n').Where(l => l.StartsWith("- `", StringComparison.Ordinal))
            .SelectMany(l => l[2..l.IndexOf(':', StringComparison.Ordinal)].Split(" + ")).Select(k => k.Trim('`'));
        noted.Should().NotBeEmpty().And.OnlyContain(k => keys.Contains(k));
    }

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;
}
