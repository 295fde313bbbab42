using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// Each workflow role can still do exactly what its step does: IAM's policy simulator (SimulatePrincipalPolicy) on the role,
/// with the step's actions, resources and the request context its statements' conditions read. A role edited by hand fails
/// here instead of in the middle of a failover.
///
/// What the simulation cannot see, so what `allowed` does not promise: service control policies and resource control policies
/// of AWS Organizations (either can deny what the role's policies allow); session policies (Lambda and Step Functions assume the
/// roles without one); and resource-based policies (a KMS key policy, a topic policy) unless passed as ResourcePolicy, which
/// this check does not do. A permissions boundary attached to the role is simulated with it (PermissionsBoundaryPolicyInputList
/// would only replace it, and is not passed). So `allowed` means the role's own identity-based policies, within its boundary if
/// it has one, allow the call.
public sealed class RolePermissionsCheck : IReadinessCheck
{
    /// How many simulations run at once.
    private const int ConcurrentCalls = 4;

    public string Name => CheckNames.RolePermissions;

    public async Task<CheckResult> RunAsync(ReadinessContext context, CancellationToken ct)
    {
        var roles = context.Plan.Roles;
        // Every plan names the workflow's roles: an empty list is a plan emptied by hand, which must not pass.
        if (roles.Count == 0)
            return this.Says(CheckStatus.Fail, "the plan names no role, but every stack's workflow has roles: the plan was emptied; deploy it again (failoverctl deploy)");
        var iam = new IamClient(context.Aws);
        // IAM simulates every action on every resource of one call: one call per role and distinct resource (with its request
        // context) asks exactly the pairs the step uses.
        var calls = roles.SelectMany(role => role.Permissions.GroupBy(p => (p.Resource, Context: ContextKey(p.Context)))
            .Select(group => (Role: role, Permissions: group.ToList()))).ToList();
        var answers = new IReadOnlyList<IamClient.Evaluation>[calls.Count];
        // About 40 calls must fit the check's time limit, too many one after another; IAM throttles the simulator per account,
        // so a few at a time, not all at once.
        await Parallel.ForEachAsync(Enumerable.Range(0, calls.Count), new ParallelOptions { MaxDegreeOfParallelism = ConcurrentCalls, CancellationToken = ct },
            async (i, token) =>
            {
                var (role, permissions) = calls[i];
                var actions = permissions.Select(p => p.Action).Distinct(StringComparer.Ordinal).ToList();
                answers[i] = await iam.SimulatePrincipalPolicyAsync(role.RoleArn, actions, [permissions[0].Resource], permissions[0].Context ?? [], token);
            });

        var denied = new List<string>();
        var unanswered = new List<string>();
        var count = 0;
        foreach (var ((role, permissions), results) in calls.Zip(answers))
        {
            foreach (var permission in permissions)
            {
                count++;
                var result = results.FirstOrDefault(r => string.Equals(r.Action, permission.Action, StringComparison.OrdinalIgnoreCase) && r.Resource == permission.Resource);
                var what = $"{role.Step}: {permission.Action} on {permission.Resource}";
                if (result is null) unanswered.Add(what);
                else if (result.Decision != "allowed")
                    denied.Add($"{what} ({result.Decision}{(result.MissingContext.Count > 0 ? $"; context lacked {string.Join(", ", result.MissingContext)}" : "")})");
            }
        }

        if (denied.Count > 0)
            return this.Says(CheckStatus.Fail, $"{denied.Count} of {count} permissions the workflow's steps use are not allowed: {string.Join("; ", denied)}");
        if (unanswered.Count > 0)
            return this.Says(CheckStatus.Unknown, $"IAM's simulator gave no result for {string.Join("; ", unanswered)}");
        return this.Says(CheckStatus.Pass, $"all {count} permissions of {roles.Count} roles ({string.Join(", ", roles.Select(r => r.Step))}) are allowed by the roles' own policies " +
              "(service and resource control policies, and resource-based policies, are not simulated)");
    }

    private static string ContextKey(IReadOnlyList<ContextEntry>? context) =>
        string.Join("\n", (context ?? []).Select(e => $"{e.Key}\t{e.Type}\t{string.Join("\t", e.Values)}"));
}
