using Failover.Infra.Yaml;

namespace Failover.Infra.Tests;

/// Reads a compiled program the way a reviewer would: resource by name, property by path.
internal static class ProgramQueries
{
    public static Resource Resource(this PulumiProgram program, string name) =>
        program.Resources.SingleOrDefault(r => r.Name == name) ?? throw new Xunit.Sdk.XunitException($"no resource '{name}' in the program");

    public static IEnumerable<Resource> OfType(this PulumiProgram program, string type) => program.Resources.Where(r => r.Type == type);

    /// `healthCheck.interval`, `loadBalancers[0].containerPort`.
    public static Value? Prop(this Resource resource, string path)
    {
        Value? current = resource.Properties;
        foreach (var segment in path.Split('.'))
        {
            var name = segment.Split('[')[0];
            current = current is Map map && map.Entries.TryGetValue(name, out var next) ? next : null;
            foreach (var index in segment.Split('[').Skip(1).Select(i => int.Parse(i.TrimEnd(']'))))
                current = current is Seq seq && index < seq.Items.Count ? seq.Items[index] : null;
        }
        return current;
    }

    public static string? Text(this Resource resource, string path) => resource.Prop(path) is Str s ? s.Text : null;

    public static double? Number(this Resource resource, string path) => resource.Prop(path) is Num n ? n.Number : null;
}
