using System.Text.RegularExpressions;

namespace Failover.Functions.Aws.Readiness;

/// An image URI as a task definition writes it, split into what the checks look up: a private ECR registry's account and region
/// (null for any other registry: public.ecr.aws, Docker Hub, ...), the repository, and the tag or the digest it pins.
public sealed partial record ImageReference(string Uri, string? Account, string? RegistryRegion, string Repository, string? Tag, string? Digest)
{
    public bool IsPrivateEcr => RegistryRegion is not null;

    /// How the sentences name it: the repository and its tag or short digest (`web:1.4`).
    public string Short => Repository + (Digest is not null ? "@" + ShortDigest(Digest) : ":" + (Tag ?? "latest"));

    public static ImageReference Parse(string uri)
    {
        var at = uri.IndexOf('@');
        var digest = at >= 0 ? uri[(at + 1)..] : null;
        var name = at >= 0 ? uri[..at] : uri;
        var colon = name.LastIndexOf(':');
        string? tag = null;
        if (colon > name.LastIndexOf('/'))
        {
            tag = name[(colon + 1)..];
            name = name[..colon];
        }
        var slash = name.IndexOf('/');
        var host = slash > 0 ? name[..slash] : "";
        var ecr = PrivateEcrHost().Match(host);
        return ecr.Success
            ? new ImageReference(uri, ecr.Groups["account"].Value, ecr.Groups["region"].Value, name[(slash + 1)..], tag, digest)
            : new ImageReference(uri, null, null, name, tag, digest);
    }

    /// `sha256:` and the first 12 hex digits: enough to tell two images apart in a sentence.
    public static string ShortDigest(string digest)
    {
        var colon = digest.IndexOf(':');
        return digest.Length > colon + 13 ? digest[..(colon + 13)] + "…" : digest;
    }

    // ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn] (Amazon ECR private registry URIs).
    [GeneratedRegex(@"^(?<account>[0-9]{12})\.dkr\.ecr(-fips)?\.(?<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?$")]
    private static partial Regex PrivateEcrHost();
}
