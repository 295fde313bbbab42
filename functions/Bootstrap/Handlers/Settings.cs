using System.Globalization;
using System.Text.RegularExpressions;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// Reads one handler's environment and names every missing or malformed variable at once.
/// Only the variables the contract declares for that handler can be read, so the functions and infra/ cannot drift apart silently.
public sealed partial class Settings
{
    private readonly Func<string, string?> _env;
    private readonly HandlerDescriptor _handler;
    private readonly List<string> _problems = [];

    public Settings(Func<string, string?> env, HandlerDescriptor handler)
    {
        _env = env;
        _handler = handler;
    }

    public string Required(string name)
    {
        var value = Read(name);
        if (string.IsNullOrWhiteSpace(value)) _problems.Add($"{name} is not set");
        return value ?? "";
    }

    public string? Optional(string name) => Read(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    public int Int(string name, int? fallback = null, int min = 0, int max = int.MaxValue)
    {
        var raw = Read(name);
        if (string.IsNullOrWhiteSpace(raw))
        {
            if (fallback is null) _problems.Add($"{name} is not set");
            return fallback ?? 0;
        }
        if (!int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            _problems.Add(max == int.MaxValue ? $"{name} must be a whole number >= {min} (got '{raw}')" : $"{name} must be a whole number from {min} to {max} (got '{raw}')");
            return fallback ?? 0;
        }
        return value;
    }

    public IReadOnlyList<string> List(string name) =>
        (Read(name) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public FlagMode Flag(string name)
    {
        var raw = Read(name);
        if (string.IsNullOrWhiteSpace(raw)) { _problems.Add($"{name} is not set"); return FlagMode.Block; }
        if (Wire.ParseFlag(raw) is { } mode) return mode;
        _problems.Add($"{name} must be auto, block or force (got '{raw}')");
        return FlagMode.Block;
    }

    /// An optional region name (`us-east-1`, `us-gov-west-1`), null when unset. It becomes an endpoint's host and the signing
    /// region, so anything else is refused here rather than failing later as an unreadable URL or a signature for nowhere.
    public string? Region(string name)
    {
        var value = Optional(name);
        if (value is null || RegionName().IsMatch(value)) return value;
        _problems.Add($"{name} must be an AWS region name such as us-east-1 (got {BoundedText.Of(value)})");
        return null;
    }

    /// An optional absolute http or https URL, null when unset. Refused here when it is anything else: a probe of a URL that
    /// cannot be requested would fail every time and read as an outage.
    public Uri? HttpUrl(string name)
    {
        var value = Optional(name);
        if (value is null) return null;
        if (Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            && url.Host.Length > 0 && url.UserInfo.Length == 0)
            return url;
        _problems.Add($"{name} must be an absolute http or https URL without credentials, such as http://alb-123.us-east-1.elb.amazonaws.com/health (got {BoundedText.Of(value)})");
        return null;
    }

    public void Problem(string message) => _problems.Add(message);

    /// Throws before any AWS call when anything was missing.
    public void ThrowIfInvalid()
    {
        if (_problems.Count > 0) throw new ConfigurationException($"{_handler.Name} cannot run: {string.Join("; ", _problems)}.");
    }

    // The shape of a region name: the compiler checks `aws:region` and `peerRegion` against its list (infra/Model/Config/AwsRegions.cs);
    // a function guards only the shape, so a deployed one keeps running in a region opened after it was compiled.
    [GeneratedRegex(@"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")]
    private static partial Regex RegionName();

    // An undeclared name is a programming error, not a deployment one: infra/ would never set it.
    private string? Read(string name) =>
        _handler.Environment.Declares(name)
            ? _env(name)
            : throw new InvalidOperationException($"{_handler.Name} reads {name}, which its descriptor (FunctionContract) does not declare.");
}
