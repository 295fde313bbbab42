namespace Failover.Functions.Runtime;

/// A value as error messages and logs repeat it: quoted and cut to a bounded prefix, so a huge bad value cannot make a huge message.
public static class Echo
{
    public static string Of(string? value, int max = 64) =>
        value is null ? "null"
        : value.Length <= max ? $"'{value}'"
        : $"'{value[..max]}…' ({value.Length} chars)";
}
