using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Failover.Ops.Tests.Examples;

/// The example release pipeline (infra/Ops/examples/github-actions-release.yml): production credentials are reached only
/// by the event (a push to main, a manual run on main), never by an expression a pull request edits; --force has its own
/// approval; every action is pinned to a commit.
public sealed partial class ReleasePipelineTests
{
    private static readonly string Text = File.ReadAllText(Repo.Path("infra", "Ops", "examples", "github-actions-release.yml"));

    private static readonly YamlMappingNode Jobs = Load();

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Text));
        return (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode)["jobs"];
    }

    private static YamlMappingNode Job(string name) => (YamlMappingNode)Jobs[name];

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    private static IEnumerable<YamlMappingNode> Steps(string job) => ((YamlSequenceNode)Job(job)["steps"]).Cast<YamlMappingNode>();

    private static string Run(string job) => string.Join('\n', Steps(job).Where(s => s.Children.ContainsKey("run")).Select(s => Scalar(s, "run")));

    [Theory]
    [InlineData("preview", "preview")]
    [InlineData("release", "production")]
    [InlineData("release-force", "production-force")]
    public void Each_job_names_its_environment_as_a_literal(string job, string environment) =>
        Scalar(Job(job), "environment").Should().Be(environment).And.NotContain("${{");

    [Fact]
    public void Only_pull_requests_preview_and_only_main_deploys()
    {
        Jobs.Children.Keys.Select(k => ((YamlScalarNode)k).Value).Should().BeEquivalentTo(["preview", "release", "release-force"]);
        Scalar(Job("preview"), "if").Should().Be("github.event_name == 'pull_request'");
        foreach (var job in new[] { "release", "release-force" })
        {
            Scalar(Job(job), "if").Should().Contain("github.ref == 'refs/heads/main'").And.NotContain("pull_request");
            Run(job).Should().Contain("deploy --yes");
        }
        Run("preview").Should().Contain("deploy --preview-only").And.NotContain("--yes");
    }

    [Fact]
    public void Only_the_force_job_passes_force_and_only_when_the_manual_run_asks()
    {
        Scalar(Job("release-force"), "if").Should().Contain("github.event_name == 'workflow_dispatch'").And.Contain("inputs.force");
        Run("release-force").Should().Contain("--force");
        Scalar(Job("release"), "if").Should().Contain("!inputs.force");
        Run("release").Should().NotContain("--force");
        Run("preview").Should().NotContain("--force");
    }

    [Fact]
    public void Every_action_is_pinned_to_a_full_commit_with_its_tag_in_a_comment()
    {
        var uses = Uses().Matches(Text).ToList();
        uses.Should().NotBeEmpty();
        foreach (var use in uses)
            use.Groups["ref"].Value.Should().MatchRegex("^[0-9a-f]{40}$", $"{use.Value} is pinned by commit");
        uses.Should().OnlyContain(u => u.Groups["tag"].Success, "each pin names the tag it was published as");
    }

    [Fact]
    public void Only_the_deploying_jobs_may_ask_for_an_oidc_token_of_their_own_environment()
    {
        Text.Should().NotContain("vars.FAILOVER_ROLE_ARN ||", "the role comes from the job's environment alone");
        foreach (var job in new[] { "preview", "release", "release-force" })
            ((YamlScalarNode)((YamlMappingNode)Job(job)["permissions"])["id-token"]).Value.Should().Be("write");
    }

    [GeneratedRegex(@"uses: (?<action>[\w.-]+/[\w.-]+)@(?<ref>\S+)(?: # (?<tag>v\d[\w.]*))?")]
    private static partial Regex Uses();
}
