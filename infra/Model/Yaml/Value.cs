using System.Runtime.CompilerServices;
using System.Text;

namespace Failover.Infra.Yaml;

/// A value in a Pulumi YAML program: a literal, a reference, an interpolation or a built-in function.
/// The set of kinds is closed: only this assembly can add one, and each kind dispatches to its own
/// IValueVisitor method, so a kind the writer does not handle is a compile error, not a runtime throw.
public abstract record Value
{
    private protected Value()
    {
    }

    public abstract T Accept<T>(IValueVisitor<T> visitor);

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

/// One method per kind of value: the writer implements it, so it handles every kind or does not compile.
public interface IValueVisitor<out T>
{
    T Visit(Str value);
    T Visit(Num value);
    T Visit(Bool value);
    T Visit(Seq value);
    T Visit(Map value);
    T Visit(Ref value);
    T Visit(Interpolation value);
    T Visit(ToJson value);
    T Visit(Invoke value);
    T Visit(FileArchive value);
    T Visit(FileAsset value);
    T Visit(Secret value);
}

/// A piece of an interpolated string: literal text or a reference.
public interface IInterpolationPart
{
    /// The piece as written inside a Pulumi YAML string.
    string Interpolated { get; }
}

/// A literal string. Pulumi YAML reads `$$` as `$` and `${` as a reference in every string, `fn::toJSON` bodies included
/// (pulumi-yaml ast/interpolation.go), so every `$` is written `$$`: a JSONPath `$$.Execution.Id` must survive as itself.
public sealed record Str(string Text) : Value, IInterpolationPart
{
    public string Interpolated => Text.Replace("$", "$$", StringComparison.Ordinal);

    public override T Accept<T>(IValueVisitor<T> visitor) => visitor.Visit(this);
}

/// A number, written without quotes so the provider sees a number.
public sealed record Num(double Number) : Value
{
    public override T Accept<T>(IValueVisitor<T> visitor) => visitor.Visit(this);
}

/// A boolean, written `true` / `false`.
public sealed record Bool(bool Flag) : Value
{
    public override T Accept<T>(IValueVisitor<T> visitor) => visitor.Visit(this);
}

/// A list, in the order given.
public sealed record Seq(IReadOnlyList<Value> Items) : Value
{
    public override T Accept<T>(IValueVisitor<T> visitor) => visitor.Visit(this);
}

/// A mapping; the writer sorts its keys so the output is stable.
public sealed record Map(IReadOnlyDictionary<string, Value> Entries) : Value
{
    public static Map Of(params (string Key, Value? Value)[] entries) => new(entries
        .Where(e => e.Value is not null)
        .ToDictionary(e => e.Key, e => e.Value!, StringComparer.Ordinal));

    public static Map Of(IEnumerable<KeyValuePair<string, string>> entries) =>
        new(entries.ToDictionary(e => e.Key, e => (Value)e.Value, StringComparer.Ordinal));

    public override T Accept<T>(IValueVisitor<T> visitor) => visitor.Visit(this);
}

/// `${target}` or `${target.path}`: a resource, variable or config value.
public sealed record Ref(string Target, string? Path = null) : Value, IInterpolationPart
{
    public string Expression => Path is null ? Target : Path.StartsWith('[') ? Target + Path : $"{Target}.{Path}";

    public string Interpolated => $"${{{Expression}}}";

    /// `${target.path[index]}`.
    public Ref this[int index] => this with { Path = $"{Path}[{index}]" };

    public override T Accept<T>(IValueVisitor<T> visitor) => visitor.Visit(this);
}

/// String concatenation of literal parts and references.
public sealed record Interpolation(IReadOnlyList<IInterpolationPart> Parts) : Value
{
    public override T Accept<T>(IValueVisitor<T> visitor) => visitor.Visit(this);
}

/// `fn::toJSON`: a structure (with references) turned into a JSON string at deploy time.
public sealed record ToJson(Value Body) : Value
{
    public override T Accept<T>(IValueVisitor<T> visitor) => visitor.Visit(this);
}

/// `fn::invoke`: a provider function call, such as the region's availability zones; the writer pins its provider version.
public sealed record Invoke(string Function, Map Arguments, string? Return, Resource? Provider = null) : Value
{
    /// The package that serves the function (`aws`).
    public string Package => Function[..Function.IndexOf(':')];

    public override T Accept<T>(IValueVisitor<T> visitor) => visitor.Visit(this);
}

/// `fn::fileArchive`: a folder or zip, path relative to the project directory (Lambda code).
public sealed record FileArchive(string Path) : Value
{
    public override T Accept<T>(IValueVisitor<T> visitor) => visitor.Visit(this);
}

/// `fn::fileAsset`: one file, path relative to the project directory.
public sealed record FileAsset(string Path) : Value
{
    public override T Accept<T>(IValueVisitor<T> visitor) => visitor.Visit(this);
}

/// `fn::secret`: Pulumi keeps the value encrypted in state and masks it in output.
public sealed record Secret(Value Inner) : Value
{
    public override T Accept<T>(IValueVisitor<T> visitor) => visitor.Visit(this);
}

/// Collects the literal parts and value holes of `Value.Format($"...")`.
[InterpolatedStringHandler]
public ref struct InterpolationBuilder
{
    private readonly List<IInterpolationPart> _parts;

    public InterpolationBuilder(int literalLength, int formattedCount) => _parts = new List<IInterpolationPart>(formattedCount * 2 + 1);

    public readonly void AppendLiteral(string literal)
    {
        if (literal.Length > 0) _parts.Add(new Str(literal));
    }

    public readonly void AppendFormatted(Ref reference) => _parts.Add(reference);

    public readonly void AppendFormatted(string text) => AppendLiteral(text);

    public readonly void AppendFormatted(int number) => AppendLiteral(number.ToString(System.Globalization.CultureInfo.InvariantCulture));

    internal readonly Value Build()
    {
        // Adjacent literals merge so the output reads like the source.
        var merged = new List<IInterpolationPart>();
        var text = new StringBuilder();
        foreach (var part in _parts)
        {
            if (part is Str s) { text.Append(s.Text); continue; }
            if (text.Length > 0) { merged.Add(new Str(text.ToString())); text.Clear(); }
            merged.Add(part);
        }
        if (text.Length > 0) merged.Add(new Str(text.ToString()));
        return merged.Count == 1 ? (Value)merged[0] : new Interpolation(merged);
    }
}
