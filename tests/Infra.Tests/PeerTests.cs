using Failover.Infra.Config;
using Failover.Infra.Tests.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Tests;

/// A stack addresses the other by fixed names (before it exists, or while its region is down): each must be the name the other
/// stack gives its own resource, or a grant or an environment variable points at nothing.
public sealed class PeerTests
{
    public static TheoryData<string, string> Pairs => new() { { "primary", "secondary" }, { "secondary", "primary" } };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void The_peer_is_the_other_stack_in_the_other_region(string stack, string other)
    {
        var peer = RoleProfile.For(TestStacks.Config(stack)).Peer;
        var config = TestStacks.Config(other);

        (peer.Role, peer.Region, peer.Prefix, peer.StackReference).Should().Be((config.Role, config.Region, config.Naming.Prefix, $"organization/failover/{other}"));
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void The_peers_service_functions_and_gate_are_named_as_it_names_them(string stack, string other)
    {
        var peer = RoleProfile.For(TestStacks.Config(stack)).Peer;
        var program = TestStacks.Program(other);

        ((string?)peer.ClusterName, (string?)peer.ServiceName).Should().Be((program.Resource("cluster").Text("name"), program.Resource("service").Text("name")));
        program.OfType("aws:lambda/function:Function").Select(f => f.Text("name"))
            .Should().OnlyContain(name => name!.StartsWith($"{peer.Prefix}-", StringComparison.Ordinal)).And
            .Contain(peer.Named(HandlerNames.Decide));
        var gate = program.Resource("traffic-gate-alarm");
        (gate.Text("name"), gate.Text("namespace")).Should().Be(((string?)peer.Named("traffic-gate"), (string?)peer.GateNamespace));
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void The_peers_entry_points_and_alarms_are_addressed_by_the_names_it_gives_them(string stack, string other)
    {
        var profile = RoleProfile.For(TestStacks.Config(stack));
        var peer = profile.Peer;
        var own = RegionStack.Create(TestStacks.Config(stack));
        var program = TestStacks.Program(other);

        var machines = program.OfType("aws:sfn/stateMachine:StateMachine").Select(m => $":{peer.Region}:${{account-id}}:stateMachine:{m.Text("name")}");
        peer.StateMachineArns(own.Account).Select(RoleGrants.Text).Should().HaveCount(machines.Count())
            .And.OnlyContain(arn => machines.Any(m => arn.EndsWith(m, StringComparison.Ordinal)));
        var alarms = RoleGrants.Text(peer.AlarmArns(own.Account));
        alarms.Should().EndWith($":cloudwatch:{peer.Region}:${{account-id}}:alarm:{peer.Prefix}-*");
        program.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").Select(a => a.Text("name"))
            .Should().OnlyContain(name => name!.StartsWith($"{peer.Prefix}-", StringComparison.Ordinal), "the pattern covers every alarm the peer names");
    }
}
