using System.Text.Json.Nodes;

namespace Failover.Functions.Aws;

/// The one Secrets Manager call the readiness checks make: a secret's metadata (never its value), in a given region.
public sealed class SecretsManagerClient(AwsHttpClient client, string region)
{
    private readonly AwsService _service = new("SecretsManager", "secretsmanager",
        client.Environment.Endpoint("Secrets Manager", region, $"https://secretsmanager.{region}.amazonaws.com"), region);

    /// `DeletedDate` set: the secret is scheduled for deletion and can no longer be read.
    public sealed record Secret(string Arn, bool ScheduledForDeletion);

    /// The secret `secretId` (a name or an ARN) names, or null when there is none.
    public async Task<Secret?> DescribeSecretAsync(string secretId, CancellationToken cancellationToken)
    {
        JsonObject response;
        try
        {
            response = await JsonRpc.CallAsync(client, _service, "secretsmanager.DescribeSecret", new JsonObject { ["SecretId"] = secretId }, cancellationToken);
        }
        catch (AwsServiceException e) when (e.Code is "ResourceNotFoundException")
        {
            return null;
        }
        return new Secret(JsonRpc.OptionalString(response["ARN"]) ?? throw new AwsMalformedResponseException(_service.Name, "DescribeSecret", "ARN"),
            response["DeletedDate"] is not null);
    }
}
