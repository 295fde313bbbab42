using Failover.Contract.Readiness;

namespace Failover.Functions.Aws.Readiness;

/// Everything the standby's tasks fetch at start can be had from the recovery region alone: an image in a private ECR registry
/// is in that region's registry and exists there, and every secret is read from that region and exists there. An image or a
/// secret in the other region is the outage's first casualty: the region a failover leaves is the one that is down.
public sealed class ImageAndSecretsReachableCheck : IReadinessCheck
{
    public string Name => CheckNames.ImageAndSecretsReachable;

    public async Task<CheckResult> RunAsync(ReadinessContext context, CancellationToken ct)
    {
        var region = context.Plan.Region;
        var definition = await CurrentTaskDefinition.ReadAsync(context.Aws, context.Plan.Service, ct);
        var problems = new List<string>();
        var found = new List<string>();
        var notes = new List<string>();

        foreach (var image in definition.Containers.Select(c => ImageReference.Parse(c.Image)).DistinctBy(i => i.Uri))
        {
            if (!image.IsPrivateEcr)
                notes.Add($"image {image.Uri} is in a public registry, in no AWS region: its own availability is not checked");
            else if (image.RegistryRegion != region)
                problems.Add($"image {image.Uri} is in {image.RegistryRegion}'s registry, the region this move leaves, not {region}'s");
            else if (await new EcrClient(context.Aws, region).DescribeImagesAsync(image.Account!, image.Repository, image.Tag, image.Digest, ct) is null)
                problems.Add($"image {image.Short} is not in {region}'s registry ({image.Uri})");
            else
                found.Add($"image {image.Short}");
        }

        foreach (var (valueFrom, names) in definition.Containers.SelectMany(c => c.Secrets)
                     .GroupBy(s => s.ValueFrom, StringComparer.Ordinal).Select(g => (g.Key, string.Join(", ", g.Select(s => s.Name).Distinct()))))
        {
            var source = SecretSource.Parse(valueFrom, region);
            if (source is null)
                problems.Add($"secret {names} is read from {valueFrom}, neither a Secrets Manager secret nor an SSM parameter");
            else if (source.Region != region)
                problems.Add($"secret {names} is read from {source.Region}, the region this move leaves, not {region} ({valueFrom})");
            else if (await MissingAsync(context.Aws, source, ct) is { } missing)
                problems.Add($"secret {names}: {missing}");
            else
                found.Add($"secret {names}");
        }

        if (problems.Count > 0)
            return new CheckResult { Check = Name, Status = CheckStatus.Fail, Why = $"{region} cannot start the standby's task: {string.Join("; ", problems)}" };
        var has = found.Count > 0 ? $"{region} has {string.Join(", ", found)}" : $"{region} needs nothing from a private registry or a secret store";
        return new CheckResult { Check = Name, Status = CheckStatus.Pass, Why = string.Join("; ", notes.Prepend(has)) };
    }

    /// Why the secret cannot be read, or null when it is there. Metadata only: neither call returns a value.
    private static async Task<string?> MissingAsync(AwsHttpClient aws, SecretSource source, CancellationToken ct)
    {
        if (source.SecretsManager)
        {
            var secret = await new SecretsManagerClient(aws, source.Region).DescribeSecretAsync(source.Id, ct);
            return secret is null ? $"no Secrets Manager secret {source.Id} in {source.Region}"
                : secret.ScheduledForDeletion ? $"Secrets Manager secret {source.Id} in {source.Region} is scheduled for deletion" : null;
        }
        return (await new SsmClient(aws, source.Region).DescribeParametersAsync(source.Id, ct)).Count == 0
            ? $"no SSM parameter {source.Id} in {source.Region}" : null;
    }

    /// Where a secret's valueFrom points: a Secrets Manager secret (its ARN, without the JSON key and version ECS may append) or
    /// an SSM parameter (by ARN, or by name: then in the task's own region).
    private sealed record SecretSource(bool SecretsManager, string Region, string Id)
    {
        public static SecretSource? Parse(string valueFrom, string taskRegion)
        {
            if (!valueFrom.StartsWith("arn:", StringComparison.Ordinal)) return new SecretSource(false, taskRegion, valueFrom);
            var parts = valueFrom.Split(':');
            if (parts.Length < 6) return null;
            return parts[2] switch
            {
                // arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME[:json-key:version-stage:version-id]
                "secretsmanager" when parts.Length >= 7 => new SecretSource(true, parts[3], string.Join(':', parts[..7])),
                // arn:PARTITION:ssm:REGION:ACCOUNT:parameter/NAME, where a hierarchical name's leading slash is not repeated.
                "ssm" when parts[5].StartsWith("parameter/", StringComparison.Ordinal) => new SecretSource(false, parts[3], ParameterName(parts[5]["parameter/".Length..])),
                _ => null,
            };
        }

        private static string ParameterName(string path) => path.Contains('/') ? "/" + path : path;
    }
}
