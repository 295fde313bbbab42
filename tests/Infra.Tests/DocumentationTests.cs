using System.Text.RegularExpressions;

namespace Failover.Infra.Tests;

/// The README and the guides in docs/ point at files and at each other: a moved file or a renamed section must not leave
/// a reader at a dead end.
public sealed partial class DocumentationTests
{
    /// Build outputs the docs name but a clean checkout does not hold.
    private static readonly string[] BuildOutputs = ["functions/dist/"];

    public static TheoryData<string> Documents() => new(Repo.DocumentationFiles());

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_repository_path_a_document_names_exists(string document)
    {
        var missing = RepositoryPath().Matches(File.ReadAllText(Repo.Path(document)))
            .Select(m => m.Value.TrimEnd('.', ',', ':', ';', ')'))
            .Where(p => !BuildOutputs.Any(p.StartsWith))
            .Where(p => !File.Exists(Repo.Path(p)) && !Directory.Exists(Repo.Path(p)))
            .Distinct();
        missing.Should().BeEmpty($"{document} names only files and folders that exist");
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_link_to_another_document_reaches_it_and_its_section(string document)
    {
        var folder = Path.GetDirectoryName(Repo.Path(document))!;
        var broken = new List<string>();
        foreach (Match link in Link().Matches(File.ReadAllText(Repo.Path(document))))
        {
            var target = link.Groups["target"].Value;
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
            var (file, anchor) = target.Split('#', 2) is [var f, var a] ? (f, a) : (target, null);
            var path = file.Length == 0 ? Repo.Path(document) : Path.GetFullPath(Path.Combine(folder, file));
            if (!File.Exists(path) && !Directory.Exists(path)) broken.Add($"{target}: no such file");
            else if (anchor is not null && path.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(path)).Contains(anchor))
                broken.Add($"{target}: no such section");
        }
        broken.Should().BeEmpty($"every link in {document} leads somewhere");
    }

    /// GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens; headings inside code blocks are none.
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var inCode = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal)) inCode = !inCode;
            if (inCode || Heading().Match(line) is not { Success: true } heading) continue;
            var anchor = Punctuation().Replace(heading.Groups["text"].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-');
            var suffix = 0;
            while (!anchors.Add(suffix == 0 ? anchor : $"{anchor}-{suffix}")) suffix++;
        }
        return anchors;
    }

    [Fact]
    public void A_heading_anchor_is_the_one_github_makes()
    {
        Anchors("## 2. Why C# compiles to Pulumi YAML\n### Traffic gates (`failover:trafficGate`)\n```\n# not a heading\n```\n## Traffic gates (`failover:trafficGate`)\n")
            .Should().BeEquivalentTo("2-why-c-compiles-to-pulumi-yaml", "traffic-gates-failovertrafficgate", "traffic-gates-failovertrafficgate-1");
    }

    [GeneratedRegex(@"(?<![\w/.-])(?:infra|functions|tests)/[A-Za-z0-9_./-]+")]
    private static partial Regex RepositoryPath();

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6} (?<text>.+)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex Punctuation();
}
