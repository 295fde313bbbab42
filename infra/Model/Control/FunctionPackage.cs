namespace Failover.Infra.Control;

/// The functions' zip (`fn::fileArchive`) must exist and be built from the sources as they are: `pulumi up` would otherwise
/// deploy nothing, or yesterday's code.
public static class FunctionPackage
{
    public const string BuildCommand = "dotnet publish functions -c Release";

    /// Why the zip cannot be deployed, or null.
    public static string? Problem(string projectDirectory)
    {
        var zip = new FileInfo(Path.Combine(projectDirectory, LambdaFunction.PackagePath));
        if (!zip.Exists) return $"{LambdaFunction.PackagePath} is missing: build it with `{BuildCommand}` (from {projectDirectory})";
        var functions = Path.Combine(projectDirectory, "functions");
        var newest = Sources(projectDirectory, functions).MaxBy(f => f.LastWriteTimeUtc);
        return newest is not null && newest.LastWriteTimeUtc > zip.LastWriteTimeUtc
            ? $"{LambdaFunction.PackagePath} is older than {Path.GetRelativePath(projectDirectory, newest.FullName)}: rebuild it with `{BuildCommand}`"
            : null;
    }

    // What the binary is built from: the sources and projects of the functions and their libraries (build output in any
    // project's bin/ and obj/ excluded), and the shared build settings.
    private static IEnumerable<FileInfo> Sources(string projectDirectory, string functions)
    {
        string[] skip = ["bin", "obj", "dist", "bench"];
        if (Directory.Exists(functions))
            foreach (var file in Directory.EnumerateFiles(functions, "*", SearchOption.AllDirectories))
            {
                var folders = Path.GetRelativePath(functions, file).Split(Path.DirectorySeparatorChar).SkipLast(1);
                if (folders.Any(skip.Contains)) continue;
                if (file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".csproj", StringComparison.Ordinal)) yield return new FileInfo(file);
            }
        foreach (var shared in new[] { "Directory.Build.props", "Directory.Packages.props" })
            if (File.Exists(Path.Combine(projectDirectory, shared))) yield return new FileInfo(Path.Combine(projectDirectory, shared));
    }
}
