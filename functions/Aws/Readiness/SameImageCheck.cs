using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// The standby runs the same image as the peer, by digest: a tag (`latest`, `1.4`) pushed again in one region only names two
/// images. Each side's digest comes from its running tasks; a side that runs none (a pilot light) resolves its task
/// definition's tag in its private ECR registry; a public image with no running task cannot be resolved without pulling it.
public sealed class SameImageCheck : IReadinessCheck
{
    public string Name => CheckNames.SameImage;

    /// A container's digests (more than one while a deployment replaces tasks) and where they were read, or why they were not.
    private sealed record Resolved(ImageReference Image, IReadOnlyList<string> Digests, string Source);

    public async Task<CheckResult> RunAsync(ReadinessContext context, CancellationToken ct)
    {
        var plan = context.Plan;
        var standbyRead = ResolveAsync(context.Aws, plan.Service, ct);
        var peerRead = ResolveAsync(context.Aws, plan.PeerService, ct);
        var (standby, peer) = (await standbyRead, await peerRead);

        var common = standby.Keys.Where(peer.ContainsKey).Order(StringComparer.Ordinal).ToList();
        if (common.Count == 0)
            return Result(CheckStatus.Unknown, $"{plan.Service.Region} and {plan.PeerService.Region} run no container of the same name (see {CheckNames.TaskDefinition})");

        var differ = new List<string>();
        var unknown = new List<string>();
        var same = new List<string>();
        foreach (var name in common)
        {
            var (mine, theirs) = (standby[name], peer[name]);
            if (mine.Digests.Count == 0 || theirs.Digests.Count == 0)
            {
                unknown.AddRange(new[] { (plan.Service.Region, mine), (plan.PeerService.Region, theirs) }
                    .Where(side => side.Item2.Digests.Count == 0).Select(side => $"container {name} in {side.Region}: {side.Item2.Source}"));
            }
            else if (!mine.Digests.Order().SequenceEqual(theirs.Digests.Order()))
            {
                differ.Add($"{plan.Service.Region} runs {Digests(mine)} but {plan.PeerService.Region} runs {Digests(theirs)} " +
                    $"(container {name}, repository {mine.Image.Repository}{(theirs.Image.Repository == mine.Image.Repository ? "" : " vs " + theirs.Image.Repository)})");
            }
            else
            {
                same.Add($"{Digests(mine)} (container {name}; {plan.Service.Region} {mine.Source}, {plan.PeerService.Region} {theirs.Source})");
            }
        }
        // A difference seen is a difference, whatever could not be read beside it.
        if (differ.Count > 0) return Result(CheckStatus.Fail, string.Join("; ", differ.Concat(unknown.Select(u => "unknown: " + u))));
        if (unknown.Count > 0) return Result(CheckStatus.Unknown, "no digest for " + string.Join("; ", unknown));
        return Result(CheckStatus.Pass, $"{plan.Service.Region} and {plan.PeerService.Region} both run {string.Join("; ", same)}");
    }

    /// Each container of the service's current task definition, with its digest.
    private static async Task<IReadOnlyDictionary<string, Resolved>> ResolveAsync(AwsHttpClient aws, ServiceRef service, CancellationToken ct)
    {
        var definition = await CurrentTaskDefinition.ReadAsync(aws, service, ct);
        var ecs = new EcsClient(aws, service.Region);
        var tasks = await ecs.ListTasksAsync(service.Cluster, service.Service, ct);
        var running = tasks.Count == 0 ? [] : await ecs.DescribeTasksAsync(service.Cluster, tasks.Take(100).ToList(), ct);

        var resolved = new Dictionary<string, Resolved>(StringComparer.Ordinal);
        foreach (var container in definition.Containers)
        {
            var image = ImageReference.Parse(container.Image);
            // What the tasks pulled is what runs; the task definition's tag says only what the next task would pull.
            var pulled = running.Where(c => c.Name == container.Name).Select(c => c.ImageDigest).OfType<string>().Distinct().ToList();
            resolved[container.Name] = pulled.Count > 0 ? new Resolved(image, pulled, "from its running tasks")
                : await FromTaskDefinitionAsync(aws, image, tasks.Count, ct);
        }
        return resolved;
    }

    private static async Task<Resolved> FromTaskDefinitionAsync(AwsHttpClient aws, ImageReference image, int tasks, CancellationToken ct)
    {
        var why = tasks == 0 ? "runs no task" : $"{tasks} running task(s) report no image digest";
        if (image.Digest is not null) return new Resolved(image, [image.Digest], $"{why}; pinned by digest in its task definition");
        if (!image.IsPrivateEcr)
            return new Resolved(image, [], $"{why}, and its image {image.Uri} is not in a private ECR registry, so its tag cannot be resolved to a digest without pulling it");
        var digest = await new EcrClient(aws, image.RegistryRegion!).DescribeImagesAsync(image.Account!, image.Repository, image.Tag, null, ct);
        return digest is null
            ? new Resolved(image, [], $"{why}, and its tag {image.Short} is not in {image.RegistryRegion}'s registry")
            : new Resolved(image, [digest], $"{why}; tag {image.Tag ?? "latest"} in {image.RegistryRegion}'s registry");
    }

    private static string Digests(Resolved side) => string.Join(" and ", side.Digests.Order(StringComparer.Ordinal).Select(ImageReference.ShortDigest));

    private CheckResult Result(CheckStatus status, string why) => new() { Check = Name, Status = status, Why = why };
}
