using System.Globalization;
using System.Text.Json.Nodes;

namespace Failover.Infra.Config;

/// One configuration key, declared once: its key, type, default and allowed values, what it means, why its default is what it
/// is, and which role reads it. The parser reads keys only through these; Pulumi.yaml's `config:` block and the table in
/// docs/configuration.md are generated from them (SettingsCatalog).
public abstract record Setting
{
    /// The key without the project's namespace (`containerPort`); a provider's key keeps its own (`aws:region`).
    public required string Key { get; init; }
    /// What the setting is, in one line: Pulumi's `description`, which `pulumi config` shows.
    public required string Description { get; init; }
    /// Why the default is what it is (or why there is none), in one line.
    public required string Why { get; init; }
    /// The one role that reads the setting; null when both do.
    public Role? OnlyRole { get; init; }
    /// Set when the key is required: what to give, as the error says (`is required: the region of the other stack`).
    public string? Required { get; init; }
    /// A default computed from other settings or the stack (`activeCount`), in words; null when the default is a value.
    public string? DerivedDefault { get; init; }
    /// The rules that tie the value to other settings, in words (`<= autoscalingMax`); the parser checks them.
    public string? Rule { get; init; }

    /// Pulumi's project config type (string, integer, boolean, array); null when Pulumi has none for the value (an object).
    public abstract string? PulumiType { get; }
    /// Pulumi's `items` type of an array.
    public virtual string? PulumiItemType => null;
    /// The default as config text, as Pulumi passes it to the program (`8080`, `[443]`); null when there is no fixed default.
    public abstract string? DefaultText { get; }
    /// The values the parser accepts, in words (`1-65535`, `gated, endpoint, automatic`); empty when any value of the type is.
    public abstract string Allowed { get; }

    /// Whether an empty value means "not set": Pulumi.yaml gives "" as the default of a text setting without a fixed one, and a
    /// required key is reported missing; anywhere else an empty value is a slip (`containerPort: ""`), not a wish for the default.
    public bool EmptyIsUnset => Required is not null || PulumiType == "string" && DefaultText is null;

    /// Whether a raw value only repeats the default: Pulumi passes a project default as if the stack had set it, so "set"
    /// means "set to something else" wherever it matters (a key used only with another setting).
    public bool IsDefault(string raw) => DefaultText is { } text && Canonical(raw) == Canonical(text);

    private static string Canonical(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith('[')) return trimmed.ToLowerInvariant();
        try { return JsonNode.Parse(trimmed)?.ToJsonString() ?? trimmed; }
        catch (System.Text.Json.JsonException) { return trimmed; }
    }

    protected static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}

/// A whole number within [Min, Max].
public sealed record IntSetting : Setting
{
    /// null when the default is derived (DerivedDefault) or the key is required.
    public int? Default { get; init; }
    public required int Min { get; init; }
    public int Max { get; init; } = int.MaxValue;

    public override string PulumiType => "integer";
    public override string? DefaultText => Default is { } n ? Text(n) : null;
    public override string Allowed => Max == int.MaxValue ? $">= {Text(Min)}" : $"{Text(Min)}-{Text(Max)}";
}

/// true or false.
public sealed record BoolSetting : Setting
{
    public required bool Default { get; init; }

    public override string PulumiType => "boolean";
    public override string DefaultText => Default ? "true" : "false";
    public override string Allowed => "true, false";
}

/// One of a fixed set of spellings, each naming a value.
public sealed record ChoiceSetting<T> : Setting
{
    /// Accepted spellings (lowercase) and what each means; the first spelling of a value is its name.
    public required IReadOnlyDictionary<string, T> Choices { get; init; }
    private readonly T? _default;

    /// Unset when derived (DerivedDefault) or required.
    public T? Default { get => _default; init { _default = value; HasDefault = true; } }
    public bool HasDefault { get; private init; }

    public override string PulumiType => "string";
    public override string? DefaultText => HasDefault ? NameOf(Default!) : null;
    public override string Allowed => string.Join(", ", Choices.Keys);

    /// The first spelling of a value.
    public string NameOf(T value) => Choices.First(c => EqualityComparer<T>.Default.Equals(c.Value, value)).Key;
}

/// Free text (the parser checks its form).
public sealed record TextSetting : Setting
{
    /// null when the value is optional without a default, derived (DerivedDefault) or required.
    public string? Default { get; init; }
    /// The form the parser checks, in words (`an ACM certificate ARN in this stack's region`).
    public string Form { get; init; } = "";

    public override string PulumiType => "string";
    public override string? DefaultText => Default;
    public override string Allowed => Form;
}

/// A list of strings or of whole numbers: a YAML list, or a comma-separated string.
public sealed record ListSetting : Setting
{
    /// Pulumi's item type: string or integer.
    public string ItemType { get; init; } = "string";
    public IReadOnlyList<string> Default { get; init; } = [];
    public string Form { get; init; } = "";

    public override string PulumiType => "array";
    public override string PulumiItemType => ItemType;
    public override string DefaultText => "[" + string.Join(",", Default.Select(d => ItemType == "string" ? JsonValue.Create(d).ToJsonString() : d)) + "]";
    public override string Allowed => Form;
}

/// A structured value (an object, or a list of objects), given as YAML in the stack file.
public sealed record StructuredSetting : Setting
{
    /// What the value holds, in words (`a list of {name, namespace, ...}`).
    public required string Form { get; init; }
    /// Shown as the default: `[]` or `{}`.
    public required string Empty { get; init; }

    /// Pulumi's project config types stop at arrays of strings, numbers and booleans: no objects, no lists of objects.
    public override string? PulumiType => null;
    public override string? DefaultText => null;
    public override string Allowed => Form;
}

/// A key an earlier version read, refused with what replaced it rather than ignored.
public sealed record RetiredSetting(string Key, string Replacement);
