using System.Runtime.CompilerServices;
using System.Text;

namespace Failover.Infra.Yaml;

/// A value in a Pulumi YAML program: a literal, a reference to another resource, an interpolation or a built-in function.
public abstract record Value
{
    public static implicit operator Value(string text) => new Str(text);
    public static implicit operator Value(int number) => new Num(number);
    public static implicit operator Value(double number) => new Num(number);
    public static implicit operator Value(bool flag) => new Bool(flag);

    /// Builds `"prefix/${res.prop}/suffix"` from a C# interpolated string whose holes are values.
    public static Value Format(ref InterpolationBuilder builder) => builder.Build();

    public static Seq List(params Value[] items) => new(items);

    public static Seq List(IEnumerable<Value> items) => new(items.ToArray());

    public static Seq Strings(IEnumerable<string> items) => new(items.Select(i => (Value)i).ToArray());
}

/// A literal string; the writer escapes any `${` in it so Pulumi does not read it as a reference.
public sealed record Str(string Text) : Value;

/// A number, written without quotes so the provider sees a number.
public sealed record Num(double Number) : Value;

/// A boolean, written `true` / `false`.
public sealed record Bool(bool Flag) : Value;

/// A list, in the order given.
public sealed record Seq(IReadOnlyList<Value> Items) : Value;

/// A mapping; the writer sorts its keys so the output is stable.
public sealed record Map(IReadOnlyDictionary<string, Value> Entries) : Value
{
    public static Map Of(params (string Key, Value? Value)[] entries) => new(entries
        .Where(e => e.Value is not null)
        .ToDictionary(e => e.Key, e => e.Value!, StringComparer.Ordinal));

    public static Map Of(IEnumerable<KeyValuePair<string, string>> entries) =>
        new(entries.ToDictionary(e => e.Key, e => (Value)e.Value, StringComparer.Ordinal));
}

/// `${target}` or `${target.path}`: a resource, variable or config value.
public sealed record Ref(string Target, string? Path = null) : Value
{
    public string Expression => Path is null ? Target : Path.StartsWith('[') ? Target + Path : $"{Target}.{Path}";

    /// `${target.path[index]}`.
    public Ref this[int index] => this with { Path = $"{Path}[{index}]" };
}

/// String concatenation of literal parts and references.
public sealed record Interpolation(IReadOnlyList<Value> Parts) : Value;

/// `fn::toJSON`: a structure (with references) turned into a JSON string at deploy time.
public sealed record ToJson(Value Body) : Value;

/// `fn::invoke`: a provider function call, such as the region's availability zones.
public sealed record Invoke(string Function, Map Arguments, string? Return) : Value;

/// Collects the literal parts and value holes of `Value.Format($"...")`.
[InterpolatedStringHandler]
public ref struct InterpolationBuilder
{
    private readonly List<Value> _parts;

    public InterpolationBuilder(int literalLength, int formattedCount) => _parts = new List<Value>(formattedCount * 2 + 1);

    public readonly void AppendLiteral(string literal)
    {
        if (literal.Length > 0) _parts.Add(new Str(literal));
    }

    public readonly void AppendFormatted(Value value) => _parts.Add(value);

    public readonly void AppendFormatted(string text) => AppendLiteral(text);

    public readonly void AppendFormatted(int number) => AppendLiteral(number.ToString(System.Globalization.CultureInfo.InvariantCulture));

    internal readonly Value Build()
    {
        // Adjacent literals merge so the output reads like the source.
        var merged = new List<Value>();
        var text = new StringBuilder();
        foreach (var part in _parts)
        {
            if (part is Str s) { text.Append(s.Text); continue; }
            if (text.Length > 0) { merged.Add(new Str(text.ToString())); text.Clear(); }
            merged.Add(part);
        }
        if (text.Length > 0) merged.Add(new Str(text.ToString()));
        return merged.Count == 1 ? merged[0] : new Interpolation(merged);
    }
}
