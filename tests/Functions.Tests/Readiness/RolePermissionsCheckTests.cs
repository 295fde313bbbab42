using Failover.Contract.Readiness;
using Failover.Functions.Aws.Readiness;

namespace Failover.Functions.Tests.Readiness;

/// moto implements no SimulatePrincipalPolicy: IAM calls go to the IAM policy simulator stand-in (Readiness/control_world.py),
/// which evaluates the role's policies as moto holds them.
[Collection("moto")]
public sealed class RolePermissionsCheckTests(MotoServer moto)
{
    private readonly ControlPlans _plans = new(moto);

    private const string Gate = "arn:aws:route53:::healthcheck/gate-1";
    private const string Table = "arn:aws:dynamodb:us-west-2:123456789012:table/failover-control";

    private const string GateStatement = $$"""{"Effect": "Allow", "Action": ["route53:GetHealthCheck", "route53:UpdateHealthCheck"], "Resource": "{{Gate}}"}""";

    /// shift-traffic's policy: the gate's calls (unless left out) and the state item's, under the condition the compiler writes.
    private static string Policy(bool withGate = true, string leadingKey = "state", string? first = null)
    {
        var table = $$"""{"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:UpdateItem"], "Resource": "{{Table}}", """ +
                    """ "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [" """.TrimEnd() + leadingKey + "\"]}}}";
        var statements = new[] { first, withGate ? GateStatement : null, table }.Where(s => s is not null);
        return $$"""{"Version": "2012-10-17", "Statement": [{{string.Join(", ", statements)}}]}""";
    }

    private static readonly IReadOnlyList<ContextEntry> StateItem = [new() { Key = "dynamodb:LeadingKeys", Type = "stringList", Values = ["state"] }];

    /// shift-traffic's role as the plan describes it: the gate's two calls and the state item's two.
    private static ReadinessPlan WithRole(string roleArn) => ControlPlans.Secondary() with
    {
        Roles =
        [
            new RoleSimulation
            {
                Step = "shift-traffic", RoleArn = roleArn,
                Permissions =
                [
                    new Permission { Action = "route53:GetHealthCheck", Resource = Gate },
                    new Permission { Action = "route53:UpdateHealthCheck", Resource = Gate },
                    new Permission { Action = "dynamodb:GetItem", Resource = Table, Context = StateItem },
                    new Permission { Action = "dynamodb:UpdateItem", Resource = Table, Context = StateItem },
                ],
            },
        ],
    };

    private async Task<(ReadinessPlan Plan, string Simulator)> ArrangeAsync(string policy)
    {
        await _plans.ArrangeAsync();
        var role = (await _plans.Ask("role", "failover-secondary-shift-traffic", policy))!["arn"]!.GetValue<string>();
        var simulator = (await _plans.Ask("iam-simulator"))!["url"]!.GetValue<string>();
        return (WithRole(role), simulator);
    }

    [Fact]
    public async Task A_plan_that_names_no_role_was_emptied_and_fails()
    {
        await _plans.ArrangeAsync();

        var result = await new RolePermissionsCheck().RunAsync(_plans.Context(ControlPlans.Secondary() with { Roles = [] }), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().StartWith("the plan names no role");
    }

    [Fact]
    public async Task Simulations_run_a_few_at_a_time()
    {
        using var simulator = new SlowSimulatorStandIn(TimeSpan.FromMilliseconds(300));
        var plan = ControlPlans.Secondary() with
        {
            Roles =
            [
                new RoleSimulation
                {
                    Step = "shift-traffic", RoleArn = "arn:aws:iam::123456789012:role/failover-secondary-shift-traffic",
                    Permissions = [.. Enumerable.Range(1, 8).Select(i => new Permission { Action = "route53:GetHealthCheck", Resource = $"{Gate}{i}" })],
                },
            ],
        };

        var result = await new RolePermissionsCheck().RunAsync(_plans.Context(plan, iamUrl: simulator.Url), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Pass, result.Why);
        simulator.MostAtOnce.Should().Be(4);
    }

    [Fact]
    public async Task A_role_whose_policies_allow_every_step_call_passes()
    {
        var (plan, simulator) = await ArrangeAsync(Policy());

        var result = await new RolePermissionsCheck().RunAsync(_plans.Context(plan, iamUrl: simulator), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Pass);
        result.Why.Should().Be("all 4 permissions of 1 roles (shift-traffic) are allowed by the roles' own policies " +
                               "(service and resource control policies, and resource-based policies, are not simulated)");
    }

    [Fact]
    public async Task A_permission_removed_by_hand_fails_naming_the_step_action_and_resource()
    {
        var (plan, simulator) = await ArrangeAsync(Policy());
        await _plans.Ask("put-role-policy", "failover-secondary-shift-traffic", Policy(withGate: false));

        var result = await new RolePermissionsCheck().RunAsync(_plans.Context(plan, iamUrl: simulator), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().Be("2 of 4 permissions the workflow's steps use are not allowed: " +
                               $"shift-traffic: route53:GetHealthCheck on {Gate} (implicitDeny); shift-traffic: route53:UpdateHealthCheck on {Gate} (implicitDeny)");
    }

    [Fact]
    public async Task The_request_context_of_a_permission_reaches_the_simulation()
    {
        var (plan, simulator) = await ArrangeAsync(Policy(leadingKey: "flag"));

        var result = await new RolePermissionsCheck().RunAsync(_plans.Context(plan, iamUrl: simulator), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().Be("2 of 4 permissions the workflow's steps use are not allowed: " +
                               $"shift-traffic: dynamodb:GetItem on {Table} (implicitDeny); shift-traffic: dynamodb:UpdateItem on {Table} (implicitDeny)");
    }

    [Fact]
    public async Task An_explicit_deny_added_to_the_role_fails_as_explicit()
    {
        var (plan, simulator) = await ArrangeAsync(Policy());
        await _plans.Ask("put-role-policy", "failover-secondary-shift-traffic",
            Policy(first: """{"Effect": "Deny", "Action": "route53:Update*", "Resource": "*"}"""));

        var result = await new RolePermissionsCheck().RunAsync(_plans.Context(plan, iamUrl: simulator), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail);
        result.Why.Should().Be($"1 of 4 permissions the workflow's steps use are not allowed: shift-traffic: route53:UpdateHealthCheck on {Gate} (explicitDeny)");
    }
}
