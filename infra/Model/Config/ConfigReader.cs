using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Failover.Infra.Config;

/// Reads typed values from flat config and collects every problem instead of stopping at the first.
internal sealed class ConfigReader(StackInputs inputs)
{
    private readonly List<string> _errors = [];
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _origins = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Errors => _errors;

    /// Where the bad values are: the stack's config, Pulumi.yaml, or both (each is fixed its own way). A problem whose line says
    /// how to fix it (remove the key, rename it, name a valid stack) is not counted: its own advice is the fix.
    public IReadOnlySet<string> ErrorOrigins => _origins;

    /// Some problem's line says how to fix it.
    public bool SomeSayHow { get; private set; }

    /// Every key read so far: after a parse, every setting there is.
    public IReadOnlyCollection<string> KnownKeys => _known;

    public string Key(Setting setting) => inputs.Key(setting);

    /// A problem with the setting's value, named with the file it comes from. A setting of one value gets one line, its first
    /// problem: a second would only restate the same mistake; a list's items or an object's fields may each have their own.
    public void Fail(Setting setting, string why)
    {
        var key = Key(setting);
        if (setting is not (ListSetting or StructuredSetting) && !_failed.Add(key)) return;
        Report(key, origin => $"{key} {why} in {origin}");
    }

    /// A problem that belongs to no single key (the stack's name), which says what would be right: no value set fixes it.
    public void Problem(string message) => Report(null, origin => $"{message} in {origin}", saysHow: true);

    private void Report(string? key, Func<string, string> message, bool saysHow = false)
    {
        var origin = key is null ? inputs.Origin : inputs.OriginOf(key);
        if (saysHow) SomeSayHow = true;
        else _origins.Add(origin);
        _errors.Add(message(origin));
    }

    /// The raw text, or null when unset. A setting of one value given a list or a mapping, or an empty value where empty is not
    /// "unset" (EmptyIsUnset), is reported and read as unset.
    public string? Raw(Setting setting)
    {
        var key = Key(setting);
        _known.Add(key);
        if (!inputs.Values.TryGetValue(key, out var value)) return null;
        if (setting is not (ListSetting or StructuredSetting) && inputs.Structured.TryGetValue(key, out var kind))
        {
            Fail(setting, $"takes one value, not a {kind} (got {Bounded(value)})");
            return null;
        }
        if (value.Length > 0) return value;
        if (!setting.EmptyIsUnset)
            Fail(setting, $"is empty ({(setting.Allowed.Length > 0 ? $"give {setting.Allowed}" : "give a value")}, or leave the key out for " +
                $"the default, {setting.DefaultText ?? setting.DerivedDefault})");
        return null;
    }

    /// Set to something other than its default: Pulumi passes Pulumi.yaml's defaults as if each stack had set them.
    public bool IsSet(Setting setting) => Raw(setting) is { } raw && !setting.IsDefault(raw);

    /// A required setting's text, or null after reporting it missing with what to give.
    public string? Required(Setting setting)
    {
        var value = Raw(setting);
        if (value is null) Fail(setting, $"is required: {setting.Required}");
        return value;
    }

    public string Text(TextSetting setting, string? fallback = null) =>
        Raw(setting) ?? fallback ?? setting.Default ?? throw new InvalidOperationException($"{setting.Key} has no default");

    /// The setting's whole number within its bounds; its default (or the derived fallback) when unset.
    public int Int(IntSetting setting, int? fallback = null)
    {
        var value = fallback ?? setting.Default ?? throw new InvalidOperationException($"{setting.Key} has no default");
        var raw = Raw(setting);
        if (raw is null) return value;
        if (!int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            Fail(setting, $"must be a whole number (got '{raw}')");
            return value;
        }
        // Out of range, the default stands in for the rest of the parse: the checks that compare settings then do not blame
        // other keys for this one's mistake.
        if (parsed < setting.Min) Fail(setting, $"must be >= {setting.Min} (got {parsed})");
        else if (parsed > setting.Max) Fail(setting, $"must be <= {setting.Max} (got {parsed})");
        else return parsed;
        return value;
    }

    public bool Bool(BoolSetting setting)
    {
        var raw = Raw(setting);
        if (raw is null) return setting.Default;
        switch (raw.Trim().ToLowerInvariant())
        {
            case "true": return true;
            case "false": return false;
            default:
                Fail(setting, $"must be one of true, false (got '{raw}')");
                return setting.Default;
        }
    }

    /// One of the setting's spellings; its default (or the derived fallback) when unset or wrong.
    public T Choice<T>(ChoiceSetting<T> setting, T fallback)
    {
        var raw = Raw(setting);
        if (raw is null) return fallback;
        if (setting.Choices.TryGetValue(raw.Trim().ToLowerInvariant(), out var value)) return value;
        Fail(setting, $"must be one of {string.Join(", ", setting.Choices.Keys)} (got '{raw}')");
        return fallback;
    }

    public T Choice<T>(ChoiceSetting<T> setting) => Choice(setting, setting.Default!);

    /// A list: a JSON array of strings (structured config) or a comma-separated string.
    public IReadOnlyList<string> List(ListSetting setting)
    {
        var raw = Raw(setting);
        if (raw is null) return [];
        if (!raw.TrimStart().StartsWith('[')) return raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // A list of whole numbers may hold numbers (Pulumi passes an integer array's default as JSON numbers) or their text.
        var numbers = setting.ItemType == "integer";
        if (Json(setting, raw) is not JsonArray array
            || array.Any(i => i is not JsonValue v || !(v.TryGetValue<string>(out _) || numbers && v.GetValueKind() == JsonValueKind.Number)))
        {
            Fail(setting, numbers ? "must be a list of whole numbers" : "must be a list of strings");
            return [];
        }
        return array.Select(i => i!.GetValueKind() == JsonValueKind.Number ? i.ToJsonString() : i.GetValue<string>()).ToList();
    }

    /// A string-to-string object, such as tags.
    public IReadOnlyDictionary<string, string> StringMap(StructuredSetting setting)
    {
        var raw = Raw(setting);
        if (raw is null) return new Dictionary<string, string>();
        if (Json(setting, raw) is not JsonObject obj)
        {
            Fail(setting, "must be an object of string values");
            return new Dictionary<string, string>();
        }
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in obj)
        {
            if (v is JsonValue value && (value.TryGetValue<string>(out var s) || TryScalar(value, out s))) result[k] = s!;
            else Fail(setting, $"must map '{k}' to a string");
        }
        return result;
    }

    public JsonArray? Array(StructuredSetting setting)
    {
        var raw = Raw(setting);
        if (raw is null) return null;
        if (Json(setting, raw) is JsonArray array) return array;
        Fail(setting, "must be a list");
        return null;
    }

    /// A key an earlier version read: refuse it with what replaced it, rather than ignore a setting someone relies on.
    public void Retired(RetiredSetting retired)
    {
        var key = retired.Key.Contains(':') ? retired.Key : $"{inputs.Project}:{retired.Key}";
        _known.Add(key);
        if (inputs.Values.TryGetValue(key, out var value) && value.Length > 0)
            Report(key, origin => $"{key} is no longer read: {retired.Replacement} in {origin}: {Removal(key, origin)}", saysHow: true);
    }

    /// Namespaces that are not this project's and are not a slip of it: the AWS provider's, and Pulumi's own (`pulumi:tags`).
    private static readonly string[] OtherNamespaces = ["aws", "pulumi"];

    /// Config keys in this project's namespace that no setting reads, and keys in a namespace that is a slip of the project's
    /// (`falover:`, `Failover:`): almost always a typo, which would otherwise leave the setting at its default without a word.
    public void RejectUnknownKeys()
    {
        foreach (var key in inputs.Values.Keys.Where(k => !_known.Contains(k)))
        {
            var (space, name) = (key[..Math.Max(0, key.IndexOf(':'))], key[(key.IndexOf(':') + 1)..]);
            if (space == inputs.Project)
            {
                var near = Spelling.Nearest(name, _known.Where(k => k.StartsWith(inputs.Project + ":", StringComparison.Ordinal)).Select(k => k[(inputs.Project.Length + 1)..]));
                var guess = near is null ? "" : $" (did you mean {inputs.Project}:{near}?)";
                Report(key, origin => $"{key} is not a known setting{guess} in {origin}: {Removal(key, origin)}", saysHow: true);
            }
            else if (space.Length > 0 && !OtherNamespaces.Contains(space) && Spelling.IsSurelySlipOf(space, inputs.Project))
                Report(key, origin => $"{key} is in namespace '{space}', a slip of the project's '{inputs.Project}', so no setting reads it: " +
                    $"rename it {inputs.Project}:{name} in {origin}", saysHow: true);
        }
    }

    // A stack's key is removed with the CLI; a default in Pulumi.yaml only by editing its block (no command writes it).
    private string Removal(string key, string origin) =>
        origin == StackInputs.ProjectFile ? "remove it from its config: block" : $"remove it with `pulumi config rm --stack {inputs.Stack} {key}`";

    private JsonNode? Json(Setting setting, string raw)
    {
        try { return JsonNode.Parse(raw); }
        catch (JsonException e)
        {
            Fail(setting, $"is not valid JSON ({e.Message})");
            return null;
        }
    }

    /// A value repeated in a problem, cut to its first `max` characters with its full length: a pasted document is not a line.
    private static string Bounded(string value, int max = 64) =>
        value.Length <= max ? value : $"{value[..(char.IsHighSurrogate(value[max - 1]) ? max - 1 : max)]}… ({value.Length} chars)";

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
