namespace Failover.Infra;

/// The provider plugin versions every compiled resource and invoke pins, held here and only here. They are exactly
/// the versions the schema oracle type-checks (tests/oracles/package.json; a test fails when the two drift), so what
/// was checked is what deploys: an older aws plugin silently drops `childHealthThreshold: 0` and AWS refuses the gate.
public static class ProviderVersions
{
    public const string Aws = "7.48.0";
    public const string AwsNative = "1.79.0";

    public static readonly IReadOnlyDictionary<string, string> Pinned = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["aws"] = Aws,
        ["aws-native"] = AwsNative,
    };
}
