using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Failover.Functions.Tests.Contract;

/// The files written from the contract (functions/Contract): tests/oracles/contract.json, which the JS and Python oracles read
/// instead of parsing C#, and the generated tables of docs/functions.md. Each is checked in, so a change to the contract shows
/// in review; this test fails when one is stale.
public sealed partial class ContractFilesTests
{
    public const string Regenerate = "UPDATE_CONTRACT=1 dotnet test tests/Functions.Tests --filter ContractFilesTests";

    [Fact]
    public void The_oracles_contract_json_is_the_contract() =>
        CheckFile(Repo.Path("tests", "oracles", "contract.json"), _ => ContractJson.Write());

    [Fact]
    public void The_functions_guide_tables_are_the_contracts() =>
        CheckFile(Repo.Path("docs", "functions.md"), FunctionsGuide.WithTables);

    [Fact]
    public void The_functions_guide_names_each_handlers_environment_and_results()
    {
        var rows = FunctionsGuide.HandlerRows(File.ReadAllText(Repo.Path("docs", "functions.md")));

        rows.Keys.Should().BeEquivalentTo(FunctionContract.All.Select(h => h.Name));
        foreach (var handler in FunctionContract.All)
        {
            var (output, settings) = rows[handler.Name];
            Variable().Matches(settings).Select(m => m.Value).Distinct()
                .Should().BeEquivalentTo([.. handler.Environment.Required, .. handler.Environment.Optional], $"{handler.Name}'s settings");
            foreach (var required in handler.Environment.Required)
                settings.Should().NotContain($"`{required}`?", $"{handler.Name} cannot run without {required}");
            foreach (var result in handler.Results)
                output.Should().MatchRegex($@"\b{result}\b", $"the workflow reads {handler.Name}'s {result}");
        }
    }

    [GeneratedRegex(@"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")]
    private static partial Regex Variable();

    private static void CheckFile(string path, Func<string, string> generate)
    {
        var current = File.ReadAllText(path);
        var expected = generate(current);
        if (Environment.GetEnvironmentVariable("UPDATE_CONTRACT") == "1" && expected != current) File.WriteAllText(path, current = expected);
        if (current != expected)
            throw new Xunit.Sdk.XunitException($"{Path.GetRelativePath(Repo.Root, path)} is not what the contract says. Regenerate it with `{Regenerate}` and review the diff.");
    }
}

/// The contract as JSON, for oracles in other languages.
internal static class ContractJson
{
    public static string Write()
    {
        var contract = new JsonObject
        {
            ["comment"] = $"Generated from functions/Contract by {ContractFilesTests.Regenerate}; do not edit.",
            ["handlers"] = new JsonArray([.. FunctionContract.All.Select(h => (JsonNode)new JsonObject
            {
                ["name"] = h.Name,
                ["description"] = h.Description,
                ["request"] = Strings(h.RequestType.Properties.Select(p => p.Name)),
                ["response"] = Strings(h.ResponseType.Properties.Select(p => p.Name)),
                ["results"] = Strings(h.Results),
                ["environment"] = new JsonObject { ["required"] = Strings(h.Environment.Required), ["optional"] = Strings(h.Environment.Optional) },
                ["memoryMb"] = h.Size.MemoryMb,
                ["timeoutSeconds"] = h.Size.TimeoutSeconds,
                ["reservedConcurrency"] = h.Size.ReservedConcurrency,
            })]),
            ["errorTypes"] = new JsonArray([.. ErrorTypes.All.Select(e => (JsonNode)new JsonObject
            {
                ["type"] = e.Key,
                ["category"] = JsonNamingPolicy.CamelCase.ConvertName(e.Value.Category.ToString()),
                ["retryable"] = ErrorTypes.Retryable.Contains(e.Key),
                ["meaning"] = e.Value.Meaning,
            })]),
            ["stackOutputs"] = Strings(typeof(StackOutputs).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)),
            ["controlTableItems"] = new JsonObject
            {
                ["partitionKey"] = ControlTableItems.PartitionKey, ["flag"] = ControlTableItems.Flag, ["state"] = ControlTableItems.State,
                ["decisionPrefix"] = ControlTableItems.DecisionPrefix, ["noticePrefix"] = ControlTableItems.NoticePrefix,
            },
        };
        return contract.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
            .ReplaceLineEndings("\n") + "\n";
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);
}
