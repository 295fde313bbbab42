using System.Security.Cryptography;
using System.Text;

namespace Failover.Functions.Aws;

/// The lock's token: 256 random bits that decide hands to the run that took the lock, and that every mutating function asks for.
/// The control table keeps only its SHA-256, so reading the table (operators do) does not let anyone act as the run.
public static class LockToken
{
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
