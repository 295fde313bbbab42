namespace Failover.Tests.Shared;

/// Where the repository is, so tests can read its files, oracles and build outputs.
internal static class Repo
{
    public static string Root { get; } = Find();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// README.md and every guide in docs/, as paths from the repository's root.
    public static IReadOnlyList<string> DocumentationFiles() =>
        [.. new[] { "README.md" }.Concat(Directory.GetFiles(Path("docs"), "*.md").Select(f => "docs/" + System.IO.Path.GetFileName(f))
            .Order(StringComparer.Ordinal))];

    /// The documentation as one text: for facts a test checks wherever the documentation states them.
    public static string Documentation() => string.Join("\n", DocumentationFiles().Select(f => File.ReadAllText(Path(f))));

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "failover.slnx"))) return dir.FullName;
        throw new InvalidOperationException("failover.slnx not found above " + AppContext.BaseDirectory);
    }
}
