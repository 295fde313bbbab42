using Failover.Ops.Cli;

namespace Failover.Ops.Pulumi;

/// The Pulumi project failoverctl works on, and the names of its two stacks.
public sealed record Project(string Directory, string PrimaryStack, string SecondaryStack)
{
    public IReadOnlyList<string> Stacks => [PrimaryStack, SecondaryStack];

    /// The prefix the compiler names a stack's resources and items with (`failover-secondary`: Pulumi.yaml's `name`, a dash, the
    /// stack), as StackConfig.NamePrefix makes it.
    public string NamePrefix(string stack)
    {
        var file = Path.Combine(Directory, "Pulumi.yaml");
        var yaml = new YamlDotNet.RepresentationModel.YamlStream();
        try
        {
            using var reader = new StreamReader(file);
            yaml.Load(reader);
        }
        catch (Exception e) when (e is IOException or YamlDotNet.Core.YamlException)
        {
            throw new OpsException($"cannot read the project's name from {file}: {e.Message}");
        }
        return yaml.Documents.FirstOrDefault()?.RootNode is YamlDotNet.RepresentationModel.YamlMappingNode root
            && root.Children.TryGetValue(new YamlDotNet.RepresentationModel.YamlScalarNode("name"), out var name)
            && name is YamlDotNet.RepresentationModel.YamlScalarNode { Value: { Length: > 0 } value }
            ? $"{value}-{stack}"
            : throw new OpsException($"{file} has no 'name': it is not a Pulumi project file");
    }

    /// The folder holding Pulumi.yaml: the one given, or the working folder or the nearest one above it.
    public static Project Find(OpsContext context, string? cwd, string primary, string secondary)
    {
        if (primary == secondary) throw OpsException.Usage($"--primary-stack and --secondary-stack must differ (both are '{primary}')");
        if (cwd is not null)
        {
            var given = Path.GetFullPath(cwd, context.WorkingDirectory);
            if (!File.Exists(Path.Combine(given, "Pulumi.yaml")))
                throw OpsException.Usage($"--cwd {cwd} has no Pulumi.yaml: give the folder of this project (the one with Pulumi.yaml)");
            return new Project(given, primary, secondary);
        }
        for (var dir = new DirectoryInfo(context.WorkingDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pulumi.yaml"))) return new Project(dir.FullName, primary, secondary);
        throw OpsException.Usage($"no Pulumi.yaml in {context.WorkingDirectory} or above: run failoverctl in the project folder, or pass --cwd");
    }
}
