using Failover.Functions.Aws;

namespace Failover.Functions.Handlers;

/// The flag in force: an unexpired, readable override, else the default from `pulumi config`.
public sealed record ResolvedFlag(FlagMode Mode, bool FromOverride, FlagOverride? Override, string? Note);

public static class FlagResolver
{
    public static ResolvedFlag Resolve(FlagOverride? flagOverride, FlagMode defaultMode, DateTimeOffset now)
    {
        if (flagOverride is null) return new ResolvedFlag(defaultMode, false, null, null);
        if (flagOverride.ExpiresAt is { } expires && expires <= now)
            return new ResolvedFlag(defaultMode, false, flagOverride, $"override '{flagOverride.Mode}' expired at {expires:O}");
        if (Wire.ParseFlag(flagOverride.Mode) is not { } mode)
            return new ResolvedFlag(defaultMode, false, flagOverride, $"override '{flagOverride.Mode}' is not auto, block or force; using the default");
        return new ResolvedFlag(mode, true, flagOverride, null);
    }
}
