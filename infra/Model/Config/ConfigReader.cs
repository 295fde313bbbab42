using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Failover.Infra.Config;

/// Reads typed values from flat config and collects every problem instead of stopping at the first.
internal sealed class ConfigReader(StackInputs inputs)
{
    private readonly List<string> _errors = [];
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Errors => _errors;

    /// Every key read so far: after a parse, every setting there is.
    public IReadOnlyCollection<string> KnownKeys => _known;

    public string Key(string name) => name.Contains(':') ? name : $"{inputs.Project}:{name}";

    public void Fail(string name, string why) => _errors.Add($"{Key(name)} {why} in {inputs.Origin}");

    /// A problem that belongs to no single key (the stack's name).
    public void Problem(string message) => _errors.Add($"{message} in {inputs.Origin}");

    public string? Raw(string name)
    {
        var key = Key(name);
        _known.Add(key);
        return inputs.Values.TryGetValue(key, out var value) && value.Length > 0 ? value : null;
    }

    public bool IsSet(string name) => Raw(name) is not null;

    public string? Required(string name, string what)
    {
        var value = Raw(name);
        if (value is null) Fail(name, $"is required: {what}");
        return value;
    }

    public string String(string name, string fallback) => Raw(name) ?? fallback;

    public int Int(string name, int fallback, int min, int max = int.MaxValue)
    {
        var raw = Raw(name);
        if (raw is null) return fallback;
        if (!int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Fail(name, $"must be a whole number (got '{raw}')");
            return fallback;
        }
        if (value < min) Fail(name, $"must be >= {min} (got {value})");
        else if (value > max) Fail(name, $"must be <= {max} (got {value})");
        return value;
    }

    public bool Bool(string name, bool fallback) =>
        Choice(name, fallback, new Dictionary<string, bool> { ["true"] = true, ["false"] = false });

    public T Choice<T>(string name, T fallback, IReadOnlyDictionary<string, T> accepted)
    {
        var raw = Raw(name);
        if (raw is null) return fallback;
        if (accepted.TryGetValue(raw.Trim().ToLowerInvariant(), out var value)) return value;
        Fail(name, $"must be one of {string.Join(", ", accepted.Keys)} (got '{raw}')");
        return fallback;
    }

    /// A list: a JSON array of strings (structured config) or a comma-separated string.
    public IReadOnlyList<string> List(string name)
    {
        var raw = Raw(name);
        if (raw is null) return [];
        if (!raw.TrimStart().StartsWith('[')) return raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (Json(name, raw) is not JsonArray array || array.Any(i => i is not JsonValue v || !v.TryGetValue<string>(out _)))
        {
            Fail(name, "must be a list of strings");
            return [];
        }
        return array.Select(i => i!.GetValue<string>()).ToList();
    }

    /// A string-to-string object, such as tags.
    public IReadOnlyDictionary<string, string> StringMap(string name)
    {
        var raw = Raw(name);
        if (raw is null) return new Dictionary<string, string>();
        if (Json(name, raw) is not JsonObject obj)
        {
            Fail(name, "must be an object of string values");
            return new Dictionary<string, string>();
        }
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in obj)
        {
            if (v is JsonValue value && (value.TryGetValue<string>(out var s) || TryScalar(value, out s))) result[k] = s!;
            else Fail(name, $"must map '{k}' to a string");
        }
        return result;
    }

    public JsonArray? Array(string name)
    {
        var raw = Raw(name);
        if (raw is null) return null;
        if (Json(name, raw) is JsonArray array) return array;
        Fail(name, "must be a list");
        return null;
    }

    /// A key an earlier version read: refuse it with what replaced it, rather than ignore a setting someone relies on.
    public void Retired(string name, string replacement)
    {
        if (Raw(name) is not null) Fail(name, $"is no longer read: {replacement}");
    }

    /// Config keys in this project's namespace that no setting reads: almost always a typo.
    public void RejectUnknownKeys()
    {
        foreach (var key in inputs.Values.Keys.Where(k => k.StartsWith(inputs.Project + ":", StringComparison.Ordinal) && !_known.Contains(k)))
            _errors.Add($"{key} is not a known setting (see the config reference in README.md) in {inputs.Origin}");
    }

    private JsonNode? Json(string name, string raw)
    {
        try { return JsonNode.Parse(raw); }
        catch (JsonException e)
        {
            Fail(name, $"is not valid JSON ({e.Message})");
            return null;
        }
    }

    private static bool TryScalar(JsonValue value, out string? text)
    {
        text = value.GetValueKind() switch
        {
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
            _ => null,
        };
        return text is not null;
    }
}
