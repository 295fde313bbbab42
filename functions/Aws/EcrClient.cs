using System.Text.Json.Nodes;

namespace Failover.Functions.Aws;

/// The one ECR call the readiness checks make: whether an image is in a region's private registry, and its digest. Asked in the
/// registry's own region (an image URI names it).
public sealed class EcrClient(AwsHttpClient client, string region)
{
    private const string Prefix = "AmazonEC2ContainerRegistry_V20150921.";
    private readonly AwsService _service = new("ECR", "ecr",
        client.Environment.Endpoint("ECR", region, $"https://api.ecr.{region}.amazonaws.com"), region);

    /// The digest of the image `tag` or `digest` names in `repository` of registry (account) `registryId`, or null when the
    /// repository or the image is not there.
    public async Task<string?> DescribeImagesAsync(string registryId, string repository, string? tag, string? digest, CancellationToken cancellationToken)
    {
        var id = digest is not null ? new JsonObject { ["imageDigest"] = digest } : new JsonObject { ["imageTag"] = tag ?? "latest" };
        JsonObject response;
        try
        {
            response = await JsonRpc.CallAsync(client, _service, Prefix + "DescribeImages",
                new JsonObject { ["registryId"] = registryId, ["repositoryName"] = repository, ["imageIds"] = new JsonArray(id) }, cancellationToken);
        }
        catch (AwsServiceException e) when (e.Code is "ImageNotFoundException" or "RepositoryNotFoundException")
        {
            return null;
        }
        var image = (response["imageDetails"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
        return image is null ? null
            : JsonRpc.OptionalString(image["imageDigest"]) ?? throw new AwsMalformedResponseException(_service.Name, "DescribeImages", "imageDigest");
    }
}
