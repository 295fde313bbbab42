using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Failover.Ops.Cli;
using Failover.Ops.Pulumi;

namespace Failover.Ops.Tests.Pulumi;

/// The stack outputs failoverctl reads: each one the compiler exports, typed, and every missing one named at once.
public sealed class DeployedStackTests
{
    /// The outputs a compiled stack exports, read from its golden program (tests/golden), which the compiler's tests keep current.
    private static IReadOnlyList<string> GoldenOutputs(string golden)
    {
        var text = File.ReadAllText(Repo.Path("tests", "golden", golden));
        var section = text[(text.IndexOf("\noutputs:\n", StringComparison.Ordinal) + 10)..];
        return [.. Regex.Matches(section, @"^  ([A-Za-z]+):", RegexOptions.Multiline).Select(m => m.Groups[1].Value)];
    }

    [Theory]
    [InlineData("primary.yaml")]
    [InlineData("secondary.yaml")]
    [InlineData("secondary-pilot-light.yaml")]
    public void Every_output_read_is_one_the_compiler_exports(string golden) =>
        GoldenOutputs(golden).Should().Contain(DeployedStack.OutputNames);

    [Fact]
    public void Every_missing_output_is_named_in_one_error()
    {
        var outputs = new JsonObject { ["role"] = "primary", ["region"] = "us-east-1" };

        var act = () => DeployedStack.From("primary", outputs);

        act.Should().Throw<OpsException>().Which.Message.Should()
            .StartWith("stack primary lacks the output(s) peerRegion, defaultFlag, dnsFailover, controlTableName")
            .And.EndWith("deploy it again (failoverctl deploy)");
    }

    [Fact]
    public void A_stack_without_outputs_has_not_been_deployed()
    {
        var act = () => DeployedStack.From("secondary", []);

        act.Should().Throw<OpsException>().WithMessage("stack secondary has no outputs: it has not been deployed yet (failoverctl deploy)");
    }

    [Fact]
    public void A_mistyped_output_is_named()
    {
        var outputs = Complete();
        outputs["workflowActions"] = "failback";
        outputs["clusterName"] = 3;

        var act = () => DeployedStack.From("primary", outputs);

        act.Should().Throw<OpsException>().WithMessage("stack primary lacks the output(s) workflowActions, clusterName*");
    }

    private static JsonObject Complete()
    {
        var outputs = new JsonObject();
        foreach (var name in DeployedStack.OutputNames) outputs[name] = "x";
        outputs["controlTableName"] = "failover-control";
        outputs["workflowActions"] = new JsonArray("failback");
        return outputs;
    }
}
