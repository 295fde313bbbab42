using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Failover.Infra.Tests.Oracles;

namespace Failover.Infra.Tests.Iam;

/// docs/deploy-permissions.json lists what the deploying identity calls per resource type: it must follow the compiled
/// programs (every type they contain, none they do not) and name only real IAM actions, or a deploy fails on AccessDenied
/// halfway through, or the role grants what nothing uses.
public sealed partial class DeployPermissionsTests
{
    private static readonly JsonElement Permissions = JsonDocument.Parse(File.ReadAllText(Repo.Path("docs", "deploy-permissions.json"))).RootElement;

    private static IReadOnlyDictionary<string, string[]> ByType =>
        Permissions.GetProperty("resourceTypes").EnumerateObject().ToDictionary(t => t.Name, t => t.Value.EnumerateArray().Select(a => a.GetString()!).ToArray());

    /// Resource types and provider functions of every program a user can deploy: both stacks, every DNS mode, both gate
    /// kinds, the WAF, HTTPS and an existing VPC (the oracles' set, without the model program, which no stack deploys).
    private static readonly Lazy<SortedSet<string>> CompiledTypes = new(() => new SortedSet<string>(
        CheckedPrograms.Compile().Where(p => p.Key != "model")
            .SelectMany(p => TypeOrFunction().Matches(p.Value).Select(m => m.Groups["type"].Value)),
        StringComparer.Ordinal));

    [Fact]
    public void Every_type_in_a_compiled_program_has_its_deploy_actions() =>
        CompiledTypes.Value.Where(t => !ByType.ContainsKey(t))
            .ShouldBeNone("a type in a compiled program without an entry in docs/deploy-permissions.json: list what creating, reading, updating and deleting it calls");

    [Fact]
    public void No_entry_is_for_a_type_no_program_contains() =>
        ByType.Keys.Where(t => !CompiledTypes.Value.Contains(t))
            .ShouldBeNone("an entry in docs/deploy-permissions.json for a type no compiled program contains: remove it");

    [Fact]
    public void Every_managed_type_can_be_created_and_deleted()
    {
        // A resource (not a provider function, nor Pulumi's own) needs at least a write to create it and one to delete it.
        var managed = ByType.Where(t => t.Key.StartsWith("aws:", StringComparison.Ordinal) && !Function().IsMatch(t.Key));
        managed.Where(t => !t.Value.Any(a => CreateLike().IsMatch(a)) || !t.Value.Any(a => DeleteLike().IsMatch(a)))
            .Select(t => t.Key).ShouldBeNone("a managed type whose entry cannot both create and delete it");
    }

    [Fact]
    public void Every_action_is_one_in_AWSs_IAM_data()
    {
        var actions = ByType.Values.SelectMany(a => a)
            .Concat(Permissions.GetProperty("besides").EnumerateObject().SelectMany(b => b.Value.GetProperty("actions").EnumerateArray().Select(a => a.GetString()!)))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        UnknownActions(actions).ShouldBeNone("docs/deploy-permissions.json names only IAM actions as AWS spells them");
    }

    [Fact]
    public void The_action_check_catches_a_misspelled_or_wildcard_action() =>
        UnknownActions(["ecs:CreateService", "ecs:CreateServic", "ecs:createservice", "ecs:*"])
            .Should().Equal("ecs:CreateServic", "ecs:createservice", "ecs:*");

    private static IReadOnlyList<string> UnknownActions(IReadOnlyList<string> actions)
    {
        var oracles = Repo.Path("tests", "oracles");
        if (!Directory.Exists(Path.Combine(oracles, "node_modules", "@cloud-copilot")))
            throw new InvalidOperationException("The oracles are not installed: run `npm ci --prefix tests/oracles` (tests/run.sh does it).");
        var start = new ProcessStartInfo("node", ["iam-actions.mjs", .. actions]) { WorkingDirectory = oracles, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"iam-actions.mjs failed: {stderr}");
        return [.. JsonDocument.Parse(stdout.Result).RootElement.GetProperty("unknown").EnumerateArray().Select(a => a.GetString()!)];
    }

    [GeneratedRegex(@"^\s+(?:type|function): ""(?<type>[a-z0-9-]+:[^""]+)""$", RegexOptions.Multiline)]
    private static partial Regex TypeOrFunction();

    [GeneratedRegex(@"^aws:[^:]+:get[A-Z]")]
    private static partial Regex Function();

    [GeneratedRegex(@":(ChangeResourceRecordSets|Create|Put|Set|Register|Associate|Authorize|Subscribe|Attach)")]
    private static partial Regex CreateLike();

    [GeneratedRegex(@":(ChangeResourceRecordSets|Delete|Deregister|Disassociate|Revoke|Unsubscribe|Remove|ScheduleKeyDeletion|Put|Set)")]
    private static partial Regex DeleteLike();
}
