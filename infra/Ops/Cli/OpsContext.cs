namespace Failover.Ops.Cli;

/// What a command may touch: the environment, the terminal, the working folder, the clock and the network. Tests give their own.
public sealed record OpsContext
{
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    /// Results: text for people, one JSON document with --output json.
    public required TextWriter Out { get; init; }

    /// Progress, warnings and errors: never mixed into a result a pipeline parses.
    public required TextWriter Err { get; init; }

    public required string WorkingDirectory { get; init; }

    public TextReader In { get; init; } = TextReader.Null;

    /// Whether a person is at the terminal: only then may a command ask for confirmation.
    public bool Interactive { get; init; }

    /// Whether stdout is a terminal: only then does `status --watch` redraw in place.
    public bool OutputIsTerminal { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public HttpClient Http { get; init; } = SharedHttp;

    /// How often `start --wait` asks Step Functions for news.
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// A long wait (a run in one state, a quiet `pulumi` or build) says on stderr that it is still waiting at least this often,
    /// so nobody takes it for a hang.
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(20);

    // A region that does not accept connections is given up on in seconds; each operation's own budget bounds the rest.
    private static readonly HttpClient SharedHttp = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(3) }) { Timeout = TimeSpan.FromSeconds(30) };

    public string? Env(string name) => Environment.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public static OpsContext FromProcess() => new()
    {
        Environment = System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal),
        Out = Console.Out,
        Err = Console.Error,
        In = Console.In,
        Interactive = !Console.IsInputRedirected && !Console.IsErrorRedirected,
        OutputIsTerminal = !Console.IsOutputRedirected,
        WorkingDirectory = Directory.GetCurrentDirectory(),
    };
}
