using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Iam;

/// Least privilege is built in: the policy model refuses what an auditor would refuse.
public sealed class PolicyTests
{
    private static readonly Value Gate = new Str("arn:aws:route53:::healthcheck/abc");

    [Fact]
    public void A_grant_names_its_reason_its_actions_and_its_exact_resources()
    {
        var statement = (Map)((Seq)((Map)((ToJson)new PolicyDocument()
            .Allow("FlipTrafficGate", Actions.Route53.UpdateHealthCheck, Gate).ToValue()).Body).Entries["Statement"]).Items.Single();

        statement.Entries["Sid"].Should().Be(new Str("FlipTrafficGate"));
        statement.Entries["Effect"].Should().Be(new Str("Allow"));
        statement.Entries["Action"].Should().BeEquivalentTo(Value.List("route53:GetHealthCheck", "route53:UpdateHealthCheck"), o => o.RespectingRuntimeTypes());
        statement.Entries["Resource"].Should().Be(Gate);
    }

    [Fact]
    public void Star_is_refused_for_a_scoped_grant() =>
        new PolicyDocument().Invoking(p => p.Allow("Scale", Actions.Ecs.ScaleService, "*"))
            .Should().Throw<ArgumentException>().WithMessage("Scale: use AllowUnscoped*");

    [Fact]
    public void Star_is_allowed_only_for_actions_on_the_written_allowlist() =>
        new PolicyDocument().Invoking(p => p.AllowUnscoped("Scale", Actions.Ecs.ScaleService))
            .Should().Throw<ArgumentException>().WithMessage("Scale: ecs:DescribeServices on \"*\" is not on the unscoped-action allowlist*");

    [Fact]
    public void Every_allowlisted_action_has_its_reason() =>
        UnscopedActions.Allowlist.Should().OnlyContain(e => e.Value.Length > 20);

    [Theory]
    [InlineData("ecs:*")]
    [InlineData("*")]
    public void Wildcard_actions_are_refused(string action) =>
        new PolicyDocument().Invoking(p => p.Allow("Everything", [action], Gate))
            .Should().Throw<ArgumentException>().WithMessage("Everything: wildcard actions are not allowed*");

    [Theory]
    [InlineData("Flip gate")]
    [InlineData("flip-gate")]
    [InlineData("")]
    public void A_sid_is_letters_and_digits_as_iam_requires(string sid) =>
        new PolicyDocument().Invoking(p => p.Allow(sid, Actions.Route53.UpdateHealthCheck, Gate)).Should().Throw<ArgumentException>();

    [Fact]
    public void A_sid_is_used_once_per_policy() =>
        new PolicyDocument().Allow("Gate", Actions.Route53.UpdateHealthCheck, Gate)
            .Invoking(p => p.Allow("Gate", Actions.Route53.ReadHealthCheckStatus, Gate))
            .Should().Throw<ArgumentException>().WithMessage("Sid 'Gate' is used twice*");

    [Fact]
    public void Deny_statements_with_conditions_are_written_as_iam_reads_them()
    {
        var statement = new PolicyDocument()
            .Deny("OnlyFromThisAccount", Actions.Route53.UpdateHealthCheck, [Gate], Condition.StringEquals("aws:SourceAccount", "123456789012"))
            .Statements.Single().ToValue();

        statement.Entries["Effect"].Should().Be(new Str("Deny"));
        statement.Entries["Condition"].Should().BeEquivalentTo(Map.Of(("StringEquals", Map.Of(("aws:SourceAccount", "123456789012")))),
            o => o.RespectingRuntimeTypes());
    }

    [Fact]
    public void A_trust_policy_lets_one_service_in_for_this_account_and_the_named_source_only()
    {
        var statement = TrustPolicy.ForService("lambda.amazonaws.com", new Ref("account-id"), "arn:aws:lambda:us-east-1:123456789012:function:x")
            .Statements.Single();

        statement.Principal.Should().Be(Principal.Service("lambda.amazonaws.com"));
        statement.Actions.Should().Equal("sts:AssumeRole");
        statement.Conditions.Select(c => (c.Operator, c.Key)).Should().Equal(("StringEquals", "aws:SourceAccount"), ("ArnLike", "aws:SourceArn"));
    }

    [Fact]
    public void A_role_takes_no_grant_after_it_is_declared()
    {
        var program = new PulumiProgram("p", "d", ProviderVersions.Pinned);
        var role = new IamRole("probe", "probe", "test", TrustPolicy.ForService("lambda.amazonaws.com", new Ref("account-id")));
        role.Grant(p => p.Allow("FlipTrafficGate", Actions.Route53.UpdateHealthCheck, Gate));
        role.Declare(program, new Naming("failover-primary", new Dictionary<string, string>()));

        role.Invoking(r => r.Grant(p => p.Allow("Late", Actions.Route53.ReadHealthCheckStatus, Gate)))
            .Should().Throw<InvalidOperationException>().WithMessage("*declared*");
        program.Resources.Select(r => r.Name).Should().Equal("probe-role", "probe-policy");
    }

    [Fact]
    public void A_role_without_grants_is_not_declared() =>
        new IamRole("probe", "probe", "test", TrustPolicy.ForService("lambda.amazonaws.com", new Ref("account-id")))
            .Invoking(r => r.Declare(new PulumiProgram("p", "d", ProviderVersions.Pinned), new Naming("x", new Dictionary<string, string>())))
            .Should().Throw<InvalidOperationException>().WithMessage("*no grants*");
}

/// Grant helpers live on the components that own the resources and name exactly those resources.
public sealed class GrantTests
{
    private static (RegionStack Stack, IamRole Role) Granted(Action<RegionStack, IamRole> grant, string stackRole = "secondary",
        params (string Key, string? Value)[] overrides)
    {
        var stack = RegionStack.Create(TestStacks.Config(stackRole, overrides));
        var role = new IamRole("probe", "probe", "test", TrustPolicy.ForService("lambda.amazonaws.com", stack.Account.AccountId));
        grant(stack, role);
        return (stack, role);
    }

    [Fact]
    public void The_gate_grant_covers_that_one_health_check()
    {
        var (_, role) = Granted((s, r) => s.Orchestration.Primary.Gate.GrantMove(r, Failover.Infra.Health.GateMove.Open), "primary",
            ("trafficGate", "route53-api"));

        var statement = role.Policy.Statements.Single();
        statement.Actions.Should().Equal("route53:GetHealthCheck", "route53:UpdateHealthCheck");
        statement.Resources.Single().Should().BeEquivalentTo(
            new Interpolation([new Str("arn:"), new Ref("partition"), new Str(":route53:::healthcheck/"), new Ref("traffic-gate", "id")]),
            o => o.RespectingRuntimeTypes());
    }

    [Fact]
    public void The_scale_grant_covers_that_one_service_and_the_floor_grant_that_one_scalable_target()
    {
        var (_, role) = Granted((s, r) => { s.Ecs.GrantScale(r); s.Scaling.GrantSetFloor(r); });

        var bySid = role.Policy.Statements.ToDictionary(s => s.Sid);
        bySid["ScaleService"].Resources.Should().Equal(new Ref("service", "arn"));
        bySid["SetScalingFloor"].Resources.Should().Equal(new Ref("scalable-target", "arn"));
        bySid["ReadScalingBounds"].IsUnscoped.Should().BeTrue();
    }

    [Fact]
    public void The_alarm_grant_covers_exactly_the_health_alarms()
    {
        var (stack, role) = Granted((s, r) => s.Orchestration.Primary.Alarms.GrantDescribe(r), "primary");

        role.Policy.Statements.Single().Resources.Should().Equal(stack.Alarms.All.Select(a => (Value)a.Alarm.Out("arn")));
    }
}
