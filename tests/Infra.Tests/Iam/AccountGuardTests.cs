using System.Diagnostics;
using System.Text.RegularExpressions;
using Failover.Infra.Tests.Golden;

namespace Failover.Infra.Tests.Iam;

/// docs/account-guards.md's example SCP, checked by tests/oracles/scp-simulate.mjs against the compiled stacks: every function,
/// state machine, table, gate, schedule and rule refused to an outsider and left to the role that needs it.
public sealed class AccountGuardTests
{
    private static readonly string Doc = Repo.Path("docs", "account-guards.md");

    private static (int Exit, string Output) Check(string doc)
    {
        var dir = Directory.CreateTempSubdirectory("failover-scp-").FullName;
        try
        {
            var primary = Path.Combine(dir, "primary.yaml");
            var secondary = Path.Combine(dir, "secondary.yaml");
            File.WriteAllText(primary, GoldenProgramTests.CompileOffline("primary"));
            // With a drill schedule: its role must get through to the triggers' entry point too.
            File.WriteAllText(secondary, GoldenProgramTests.CompileVariant("secondary-scheduled-drill"));
            var start = new ProcessStartInfo("node", [Repo.Path("tests", "oracles", "scp-simulate.mjs"), doc, primary, secondary])
            {
                WorkingDirectory = Repo.Path("tests", "oracles"), RedirectStandardOutput = true, RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_example_scp_keeps_outsiders_away_and_lets_each_role_do_its_part()
    {
        var (exit, output) = Check(Doc);
        exit.Should().Be(0, output);
    }

    /// Each statement guards something no other does: without it an outsider gets through.
    [Fact]
    public void Removing_any_statement_of_the_scp_is_caught()
    {
        var text = File.ReadAllText(Doc);
        var sids = Regex.Matches(text, "\"Sid\": \"([A-Za-z]+)\"").Select(m => m.Groups[1].Value).ToList();
        sids.Should().HaveCountGreaterThan(5);
        var path = Path.Combine(Path.GetTempPath(), $"account-guards-{Guid.NewGuid():N}.md");
        try
        {
            foreach (var sid in sids)
            {
                var without = Regex.Replace(text, $"\\s*\\{{\"Sid\": \"{sid}\"[\\s\\S]*?\\}}\\}}\\}},?", "");
                if (!without.Contains(",\n  ]", StringComparison.Ordinal)) { } else without = without.Replace(",\n  ]", "\n  ]", StringComparison.Ordinal);
                File.WriteAllText(path, without);
                var (exit, output) = Check(path);
                exit.Should().Be(1, $"without {sid} an outsider must get through somewhere: {output}");
                output.Should().Contain("expected denied, simulated allowed", sid);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Email_unsubscribe_protection_is_documented_as_the_operators_step_not_the_programs()
    {
        var text = File.ReadAllText(Doc);
        text.Should().Contain("--authenticate-on-unsubscribe true").And.Contain("The program does not enforce it.");
        // The program subscribes by email and nothing in it could confirm: it must not pretend to.
        var program = GoldenProgramTests.CompileOffline("primary");
        program.Should().Contain("protocol: \"email\"").And.NotContain("authenticateOnUnsubscribe", because: "Pulumi has no such setting for email");
        File.ReadAllText(Repo.Path("README.md")).Should().Contain("docs/account-guards.md");
    }
}
