using Failover.Functions.Aws;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// The flag in force: an unexpired, readable override, else the default from `pulumi config`. Alert: an override is there
/// but could not be used as written, and someone should look.
public sealed record ResolvedFlag(FlagMode Mode, bool FromOverride, FlagOverride? Override, string? Note, bool Alert = false);

public static class FlagResolver
{
    public static ResolvedFlag Resolve(FlagOverride? flagOverride, FlagMode defaultMode, DateTimeOffset now)
    {
        if (flagOverride is null) return new ResolvedFlag(defaultMode, false, null, null);
        // An expiry that is no time must not make an override permanent: a typo would block failover for good.
        if (flagOverride.ExpiryUnreadable)
            return new ResolvedFlag(defaultMode, false, flagOverride, $"override {BoundedText.Of(flagOverride.Mode)} has an unreadable expiresAt; using the default", Alert: true);
        if (flagOverride.ExpiresAt is { } expires && expires <= now)
            return new ResolvedFlag(defaultMode, false, flagOverride, $"override {BoundedText.Of(flagOverride.Mode)} expired at {expires:O}");
        if (Wire.ParseFlag(flagOverride.Mode) is not { } mode)
            return new ResolvedFlag(defaultMode, false, flagOverride, $"override {BoundedText.Of(flagOverride.Mode)} is not auto, block or force; using the default", Alert: true);
        return new ResolvedFlag(mode, true, flagOverride, null);
    }
}
