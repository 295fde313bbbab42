using System.Text.RegularExpressions;
using Failover.Infra.Control;
using Failover.Infra.Health;
using Failover.Infra.Iam;
using Failover.Infra.Tests.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Control;

/// The primary's gate, endpoint check and alarms are the same objects in both stacks: the secondary's view, read from the
/// primary's outputs, grants exactly what the primary's own view grants, on the resources the primary exports under those names.
public sealed partial class PrimaryViewTests
{
    /// The gate kinds, each with the keys both stacks set for it.
    public static TheoryData<string> GateKinds => new(Gates.Keys);

    private static readonly Dictionary<string, (string Key, string? Value)[]> Gates = new()
    {
        ["metric"] = [],
        ["route53-api"] = [("trafficGate", "route53-api")],
        ["arc"] = TestStacks.ArcNamedCluster,
    };

    [Theory]
    [MemberData(nameof(GateKinds))]
    public void A_grant_to_move_the_primarys_gate_is_the_same_statement_owned_or_imported(string kind)
    {
        var pair = Pair.Of(kind);

        var imported = pair.Resolved(Granted(r => pair.Imported.Gate.GrantMove(r, GateMove.Close)));

        imported.Should().Equal(Granted(r => pair.Own.Gate.GrantMove(r, GateMove.Close)));
    }

    [Fact]
    public void A_grant_to_read_the_primarys_endpoint_check_is_the_same_statement_owned_or_imported()
    {
        var pair = Pair.Of("metric");

        var imported = pair.Resolved(Granted(pair.Imported.Endpoint.GrantReadStatus));

        imported.Should().Equal(Granted(pair.Own.Endpoint.GrantReadStatus));
    }

    [Fact]
    public void The_imported_alarm_grant_covers_every_alarm_the_primary_names_and_only_in_the_primarys_region()
    {
        var pair = Pair.Of("metric");
        var own = Statement.Parse(Granted(pair.Own.Alarms.GrantDescribe).Single());
        var imported = Statement.Parse(Granted(pair.Imported.Alarms.GrantDescribe).Single());

        (imported.Sid, imported.Actions).Should().Be((own.Sid, own.Actions));
        own.Resources.Should().OnlyContain(r => r.StartsWith("${alarm-", StringComparison.Ordinal), "the primary grants on exactly its own alarms");
        imported.Resources.Should().Equal("arn:${partition}:cloudwatch:us-east-1:${account-id}:alarm:failover-primary-*");
        pair.PrimaryProgram.OfType("aws:cloudwatch/metricAlarm:MetricAlarm")
            .Where(a => own.Resources.Contains($"${{{a.Name}.arn}}"))
            .Should().NotBeEmpty().And.OnlyContain(a => a.Text("name")!.StartsWith("failover-primary-", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(GateKinds))]
    public void The_evidence_decide_reads_is_the_primarys_own_whether_owned_or_imported(string kind)
    {
        var pair = Pair.Of(kind);
        static IReadOnlyList<string> Evidence(PrimaryView view) =>
        [
            .. new[] { view.Endpoint.Id, view.Endpoint.ProbeUrl, view.Alarms.NameList, view.CalculatedCheckId, view.Gate.HealthCheckId! }
                .Select(RoleGrants.Text),
            view.Gate.Namespace ?? "", view.Gate.SwitchRegion ?? "", view.Gate.RoutingControlArn is { } control ? RoleGrants.Text(control) : "",
        ];

        pair.Resolved(Evidence(pair.Imported)).Should().Equal(Evidence(pair.Own));
    }

    [Theory]
    [MemberData(nameof(GateKinds))]
    public void Every_output_the_secondary_reads_of_the_primary_is_one_the_primary_exports(string kind)
    {
        var pair = Pair.Of(kind);

        var read = pair.SecondaryProgram.Resources.SelectMany(r => References(r.Properties))
            .Where(r => r.Target == PrimaryStack.LogicalName).Select(r => OutputRead().Match(r.Interpolated).Groups[1].Value).Distinct().ToList();

        read.Should().NotBeEmpty().And.OnlyContain(name => pair.PrimaryProgram.Outputs.ContainsKey(name));
    }

    private static IEnumerable<Ref> References(Value value) => value switch
    {
        Ref r => [r],
        Interpolation i => i.Parts.OfType<Ref>(),
        Map m => m.Entries.Values.SelectMany(References),
        Seq s => s.Items.SelectMany(References),
        ToJson j => References(j.Body),
        Secret s => References(s.Inner),
        _ => [],
    };

    [Fact]
    public void The_primary_reads_no_stack_reference_and_the_secondary_declares_one_where_it_is_first_read()
    {
        var pair = Pair.Of("metric");
        var names = pair.SecondaryProgram.Resources.Select(r => r.Name).ToList();

        pair.PrimaryProgram.OfType("pulumi:pulumi:StackReference").Should().BeEmpty();
        pair.Own.TriggerAlarmArns.Should().BeNull("the primary's triggers are its own alarms, forwarded");
        names.Should().ContainSingle(n => n == PrimaryStack.LogicalName);
        names.IndexOf(PrimaryStack.LogicalName).Should().BeInRange(names.IndexOf("health-region") + 1, names.IndexOf("notifications-topic") - 1,
            "a metric gate's secondary first reads the primary when it views the primary's table and evidence, before the workflow's resources");
    }

    private static IReadOnlyList<string> Granted(Action<IamRole> grant)
    {
        var role = new IamRole("probe", "probe", "test", TrustPolicy.ForService("lambda.amazonaws.com", new Ref("account-id")));
        grant(role);
        return [.. role.Policy.Statements.Select(s => Statement.Describe(s.ToValue()))];
    }

    /// One statement as `Sid | actions | resources | conditions`, references as the program writes them.
    private sealed record Statement(string Sid, string Actions, IReadOnlyList<string> Resources)
    {
        public static string Describe(Map s) => string.Join(" | ",
            RoleGrants.Text(s.Entries["Sid"]),
            string.Join(",", RoleGrants.Actions(s)),
            string.Join(",", s.Entries["Resource"] is Seq seq ? seq.Items.Select(RoleGrants.Text) : [RoleGrants.Text(s.Entries["Resource"])]),
            string.Join("; ", RoleGrants.Conditions(s)));

        public static Statement Parse(string described)
        {
            var parts = described.Split(" | ");
            return new Statement(parts[0], parts[1], parts[2].Split(','));
        }
    }

    /// Both stacks of the pair with one gate kind, and their views of the primary.
    private sealed record Pair(PulumiProgram PrimaryProgram, PulumiProgram SecondaryProgram, PrimaryView Own, PrimaryView Imported)
    {
        public static Pair Of(string kind)
        {
            var primary = RegionStack.Create(TestStacks.Config("primary", Gates[kind]));
            var secondary = RegionStack.Create(TestStacks.Config("secondary", Gates[kind]));
            return new Pair(primary.Program, secondary.Program, primary.Orchestration.Primary, secondary.Orchestration.Primary);
        }

        /// The statements with every read of the primary's outputs replaced by what the primary exports under that name.
        public IReadOnlyList<string> Resolved(IReadOnlyList<string> statements) =>
            [.. statements.Select(s => OutputRead().Replace(s, m => RoleGrants.Text(PrimaryProgram.Outputs[m.Groups[1].Value])))];
    }

    [GeneratedRegex("""\$\{primary-stack\.outputs\["(\w+)"\]\}""")]
    private static partial Regex OutputRead();
}
