using Failover.Contract.Readiness;

namespace Failover.Functions.Aws;

/// IAM's policy simulator (Query API 2010-05-08), for the role-permissions readiness check.
public sealed class IamClient(AwsHttpClient client)
{
    // IAM is global; its endpoint signs in us-east-1 (AWS General Reference, IAM endpoints).
    private readonly AwsService _service = new("IAM", "iam", client.Environment.Endpoint("IAM", "https://iam.amazonaws.com"), "us-east-1");

    /// One action on one resource as simulated: `allowed`, `explicitDeny` or `implicitDeny`, and the condition keys the policies
    /// read that the request context lacked (a statement whose condition could not be judged counts as not matching).
    public sealed record Evaluation(string Action, string Resource, string Decision, IReadOnlyList<string> MissingContext);

    /// Every action on every resource (IAM simulates the cross product), with the given request context, against the
    /// principal's identity-based policies. Pages through IsTruncated/Marker.
    public async Task<IReadOnlyList<Evaluation>> SimulatePrincipalPolicyAsync(string policySourceArn, IReadOnlyList<string> actions,
        IReadOnlyList<string> resources, IReadOnlyList<ContextEntry> context, CancellationToken cancellationToken)
    {
        var evaluations = new List<Evaluation>();
        string? marker = null;
        do
        {
            var parameters = new List<(string, string)> { ("Action", "SimulatePrincipalPolicy"), ("Version", "2010-05-08"), ("PolicySourceArn", policySourceArn) };
            parameters.AddRange(actions.Select((a, i) => ($"ActionNames.member.{i + 1}", a)));
            parameters.AddRange(resources.Select((r, i) => ($"ResourceArns.member.{i + 1}", r)));
            foreach (var (entry, i) in context.Select((e, i) => (e, i + 1)))
            {
                parameters.Add(($"ContextEntries.member.{i}.ContextKeyName", entry.Key));
                parameters.Add(($"ContextEntries.member.{i}.ContextKeyType", entry.Type));
                parameters.AddRange(entry.Values.Select((v, j) => ($"ContextEntries.member.{i}.ContextKeyValues.member.{j + 1}", v)));
            }
            if (marker is not null) parameters.Add(("Marker", marker));
            var xml = await QueryApi.CallAsync(client, _service, parameters, cancellationToken);
            evaluations.AddRange(Xml.All(xml, "EvaluationResults").SelectMany(r => r.Elements()).Select(e => new Evaluation(
                Required(e, "EvalActionName"), Required(e, "EvalResourceName"), Required(e, "EvalDecision"),
                [.. e.Elements().Where(m => m.Name.LocalName == "MissingContextValues").SelectMany(m => m.Elements()).Select(m => m.Value)])));
            marker = string.Equals(Xml.First(xml, "IsTruncated"), "true", StringComparison.OrdinalIgnoreCase)
                ? Xml.First(xml, "Marker") ?? throw new AwsMalformedResponseException(_service.Name, "SimulatePrincipalPolicy", "Marker")
                : null;
        }
        while (marker is not null);
        return evaluations;
    }

    // A result without its action, resource or decision cannot be matched to what was asked, and a guessed decision is a fiction.
    private string Required(System.Xml.Linq.XElement result, string field) =>
        Xml.Child(result, field) ?? throw new AwsMalformedResponseException(_service.Name, "SimulatePrincipalPolicy", field);
}
