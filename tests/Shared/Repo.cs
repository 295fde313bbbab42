namespace Failover.Tests.Shared;

/// Where the repository is, so tests can read its files, oracles and build outputs.
internal static class Repo
{
    public static string Root { get; } = Find();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// README.md and every guide in docs/, one text: for facts a test checks wherever the documentation states them.
    public static string Documentation() =>
        string.Join("\n", new[] { Path("README.md") }.Concat(Directory.GetFiles(Path("docs"), "*.md").Order(StringComparer.Ordinal))
            .Select(File.ReadAllText));

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "failover.slnx"))) return dir.FullName;
        throw new InvalidOperationException("failover.slnx not found above " + AppContext.BaseDirectory);
    }
}
