using System.Text;
using System.Text.RegularExpressions;

namespace Failover.Functions.Tests.Contract;

/// docs/functions.md's tables from the contract: each generated table sits between `<!-- contract:NAME ... -->` and
/// `<!-- /contract:NAME -->`, and is rewritten whole.
internal static partial class FunctionsGuide
{
    public static string WithTables(string guide) =>
        Replace(Replace(guide, "errors", ErrorTable()), "handlers", HandlerTable());

    private static string ErrorTable()
    {
        var table = new StringBuilder("| errorType | category | meaning |\n|---|---|---|\n");
        foreach (var (type, (category, meaning)) in ErrorTypes.All)
            table.Append($"| `{type}` | {Category(category)} | {meaning} |\n");
        return table.ToString();
    }

    private static string Category(ErrorCategory category) => category switch
    {
        ErrorCategory.Rejected => "rejected — do not retry",
        ErrorCategory.Transient => "transient — retry",
        _ => "outcome unknown — retry",
    };

    private static string HandlerTable()
    {
        var table = new StringBuilder("| handler | what it does | memory | timeout | reserved concurrency | why this size |\n|---|---|---|---|---|---|\n");
        foreach (var h in FunctionContract.All)
            table.Append($"| `{h.Name}` | {h.Description} | {h.Size.MemoryMb} MB | {h.Size.TimeoutSeconds} s | {h.Size.ReservedConcurrency} | {h.Size.Why} |\n");
        return table.ToString();
    }

    private static string Replace(string guide, string name, string table)
    {
        var block = Block(name).Match(guide);
        if (!block.Success) throw new InvalidOperationException($"docs/functions.md has no <!-- contract:{name} --> ... <!-- /contract:{name} --> block");
        return string.Concat(guide.AsSpan(0, block.Groups["body"].Index), table, guide.AsSpan(block.Groups["body"].Index + block.Groups["body"].Length));
    }

    private static Regex Block(string name) => new($@"<!-- contract:{name}\b[^\n]*-->\n(?<body>.*?)<!-- /contract:{name} -->", RegexOptions.Singleline);

    /// The rows of the hand-written table of what each handler takes, answers and reads: handler -> (output, settings).
    public static IReadOnlyDictionary<string, (string Output, string Settings)> HandlerRows(string guide) =>
        guide.Split('\n').SkipWhile(l => !l.StartsWith("| handler | input | output | settings", StringComparison.Ordinal)).Skip(2)
            .TakeWhile(l => l.StartsWith('|'))
            .Select(l => Cells().Split(l.Trim().Trim('|')))
            .ToDictionary(c => c[0].Trim().Trim('`'), c => (c[2], c[3]));

    // Cells split on pipes that are not escaped (`\|` is a pipe inside a cell).
    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex Cells();
}
