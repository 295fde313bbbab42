using System.Security.Cryptography;
using System.Text;

namespace Failover.Functions.Aws;

/// The run's lock token (a random UUID the workflow makes once per run), as the control table keeps it: its SHA-256 only, so
/// reading the table (operators do) does not let anyone act as the run.
public static class LockToken
{
    public static string Hash(string token) => Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
