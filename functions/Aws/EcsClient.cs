using System.Text.Json.Nodes;

namespace Failover.Functions.Aws;

/// The ECS calls the workflow needs: read a service's counts and deployments, set its desired count; and what the readiness
/// checks compare: its task definition and the images its tasks run. In a given region (the function's own, or the one
/// SERVICE_REGION names).
public sealed class EcsClient(AwsHttpClient client, string region)
{
    private const string Prefix = "AmazonEC2ContainerServiceV20141113.";
    private readonly AwsService _service = new("ECS", "ecs",
        client.Environment.Endpoint("ECS", region, $"https://ecs.{region}.amazonaws.com"), region);

    /// `TaskDefinition`: the ARN of the task definition the service runs now (its primary deployment's), as ECS names it.
    public sealed record Service(int DesiredCount, int RunningCount, string? PrimaryRolloutState, string? TaskDefinition = null);

    /// What the readiness checks compare of a task definition: never an environment variable's value (only names are kept).
    public sealed record TaskDefinition(string Arn, string? Cpu, string? Memory, IReadOnlyList<ContainerDefinition> Containers);

    /// One container: its image as written (a tag or a digest), its container ports, and its environment and secrets by name; a
    /// secret's `ValueFrom` is where it is read from (a Secrets Manager ARN, an SSM parameter ARN or name), not its value.
    public sealed record ContainerDefinition(string Name, string Image, IReadOnlyList<int> Ports, IReadOnlyList<string> EnvironmentNames,
        IReadOnlyList<Secret> Secrets);

    public sealed record Secret(string Name, string ValueFrom);

    /// One container of a running task, with the digest of the image it pulled (absent until the image is pulled).
    public sealed record TaskContainer(string Name, string? Image, string? ImageDigest);

    public async Task<Service> DescribeServiceAsync(string cluster, string service, CancellationToken cancellationToken)
    {
        var response = await JsonRpc.CallAsync(client, _service, Prefix + "DescribeServices",
            new JsonObject { ["cluster"] = cluster, ["services"] = new JsonArray(service) }, cancellationToken);
        var found = (response["services"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
        if (found is null)
        {
            var reason = JsonRpc.OptionalString((response["failures"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault()?["reason"]) ?? "not found";
            throw new AwsServiceException("ECS", "ServiceNotFoundException", $"service {service} in {cluster}: {reason}", 400, null);
        }
        var deployments = (found["deployments"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var primary = deployments.FirstOrDefault(d => JsonRpc.OptionalString(d["status"]) == "PRIMARY");
        // No rollout state is a state of its own (check-service is then not ready); a missing count is not 0.
        return new Service(
            JsonRpc.Int(found["desiredCount"], _service, "DescribeServices", "desiredCount"),
            JsonRpc.Int(found["runningCount"], _service, "DescribeServices", "runningCount"),
            JsonRpc.OptionalString(primary?["rolloutState"]),
            JsonRpc.OptionalString(found["taskDefinition"]));
    }

    public async Task<TaskDefinition> DescribeTaskDefinitionAsync(string taskDefinition, CancellationToken cancellationToken)
    {
        var response = await JsonRpc.CallAsync(client, _service, Prefix + "DescribeTaskDefinition",
            new JsonObject { ["taskDefinition"] = taskDefinition }, cancellationToken);
        var found = response["taskDefinition"] as JsonObject ?? throw new AwsMalformedResponseException(_service.Name, "DescribeTaskDefinition", "taskDefinition");
        var containers = (found["containerDefinitions"] as JsonArray)?.OfType<JsonObject>().Select(c => new ContainerDefinition(
            Required(c["name"], "DescribeTaskDefinition", "containerDefinitions.name"),
            Required(c["image"], "DescribeTaskDefinition", "containerDefinitions.image"),
            [.. Objects(c["portMappings"]).Select(p => JsonRpc.Int(p["containerPort"], _service, "DescribeTaskDefinition", "portMappings.containerPort"))],
            [.. Objects(c["environment"]).Select(e => Required(e["name"], "DescribeTaskDefinition", "environment.name"))],
            [.. Objects(c["secrets"]).Select(e => new Secret(Required(e["name"], "DescribeTaskDefinition", "secrets.name"),
                Required(e["valueFrom"], "DescribeTaskDefinition", "secrets.valueFrom")))])).ToList()
            ?? throw new AwsMalformedResponseException(_service.Name, "DescribeTaskDefinition", "containerDefinitions");
        return new TaskDefinition(Required(found["taskDefinitionArn"], "DescribeTaskDefinition", "taskDefinitionArn"),
            JsonRpc.OptionalString(found["cpu"]), JsonRpc.OptionalString(found["memory"]), containers);
    }

    /// The ARNs of the service's tasks that ECS wants running (the first page, 100: more than a service of this product runs).
    public async Task<IReadOnlyList<string>> ListTasksAsync(string cluster, string service, CancellationToken cancellationToken)
    {
        var response = await JsonRpc.CallAsync(client, _service, Prefix + "ListTasks",
            new JsonObject { ["cluster"] = cluster, ["serviceName"] = service, ["desiredStatus"] = "RUNNING" }, cancellationToken);
        return [.. (response["taskArns"] as JsonArray ?? []).Select(JsonRpc.OptionalString).OfType<string>()];
    }

    /// The containers of the given tasks (at most 100 ARNs, DescribeTasks' limit).
    public async Task<IReadOnlyList<TaskContainer>> DescribeTasksAsync(string cluster, IReadOnlyList<string> tasks, CancellationToken cancellationToken)
    {
        var response = await JsonRpc.CallAsync(client, _service, Prefix + "DescribeTasks",
            new JsonObject { ["cluster"] = cluster, ["tasks"] = new JsonArray([.. tasks.Select(t => (JsonNode?)t)]) }, cancellationToken);
        return [.. Objects(response["tasks"]).SelectMany(t => Objects(t["containers"])).Select(c => new TaskContainer(
            Required(c["name"], "DescribeTasks", "containers.name"), JsonRpc.OptionalString(c["image"]), JsonRpc.OptionalString(c["imageDigest"])))];
    }

    private static IEnumerable<JsonObject> Objects(JsonNode? array) => (array as JsonArray)?.OfType<JsonObject>() ?? [];

    // A container without a name or an image cannot be compared: malformed, never an empty string that would match another.
    private string Required(JsonNode? node, string action, string field) =>
        JsonRpc.OptionalString(node) ?? throw new AwsMalformedResponseException(_service.Name, action, field);

    public async Task UpdateServiceAsync(string cluster, string service, int desiredCount, CancellationToken cancellationToken) =>
        await JsonRpc.CallAsync(client, _service, Prefix + "UpdateService",
            new JsonObject { ["cluster"] = cluster, ["service"] = service, ["desiredCount"] = desiredCount }, cancellationToken);
}
