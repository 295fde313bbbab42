using System.Text.Json.Nodes;
using Failover.Ops.Cli;
using Failover.Ops.Pulumi;
using Failover.Ops.Tests.Harness;

namespace Failover.Ops.Tests.Pulumi;

/// Waiting on `pulumi`: a slow answer says on stderr that it is still awaited, and one that never comes names what it was.
public sealed class PulumiWaitTests(MotoServer moto) : OpsWorld(moto)
{
    private void SlowOutputs(string stack, JsonObject outputs, double seconds) =>
        Pulumi.Answer("stack-output", stack, new JsonObject { ["exit"] = 0, ["stdout"] = outputs.ToJsonString(), ["sleep"] = seconds });

    [Fact]
    public async Task A_slow_pulumi_read_says_on_stderr_what_it_still_waits_for_and_the_json_stays_clean()
    {
        SlowOutputs("primary", Primary, 1.5);
        ProgressInterval = TimeSpan.FromMilliseconds(300);

        var run = await RunAsync("status", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        run.Stderr.Should().MatchRegex(@"(?m)^  still waiting for `pulumi stack output` of stack primary \(\d+\.\ds so far\)$");
        run.Json["servingStack"]!.GetValue<string>().Should().Be("primary", "progress never reaches the document on stdout");
    }

    [Fact]
    public async Task A_quick_pulumi_read_prints_no_progress()
    {
        ProgressInterval = TimeSpan.FromSeconds(5);

        var run = await RunAsync("status");

        run.Exit.Should().Be(0, run.ToString());
        run.Stderr.Should().NotContain("still waiting");
    }

    [Fact]
    public async Task A_pulumi_read_that_times_out_names_the_command_and_the_stack()
    {
        SlowOutputs("secondary", Secondary, 30);
        var context = Context(Environment(), TextWriter.Null, TextWriter.Null);
        var pulumi = new PulumiCli(new ProcessRunner(context), ProjectDir, readTimeout: TimeSpan.FromSeconds(0.5));

        var act = () => pulumi.StackOutputsAsync("secondary", CancellationToken.None);

        (await act.Should().ThrowAsync<OpsException>()).Which.Message.Should().Be(
            "`pulumi stack output` of stack secondary timed out after 0.5 s: the Pulumi state backend did not answer (`pulumi whoami -v` names it); retry, or check its network");
    }
}
