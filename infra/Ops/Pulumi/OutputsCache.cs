using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Failover.Ops.Cli;

namespace Failover.Ops.Pulumi;

/// The last stack outputs each operator command read, kept on this machine: an incident must not depend on reaching the Pulumi
/// state backend (Pulumi Cloud, or a bucket in the failing region). Outputs change only with a deploy, so a copy is a good
/// fallback; deploy never uses it.
public sealed class OutputsCache(OpsContext context, string projectDirectory)
{
    private string Folder =>
        context.Env("FAILOVERCTL_CACHE_DIR")
        ?? Path.Combine(context.Env("XDG_CACHE_HOME") ?? Path.Combine(context.Env("HOME") ?? Path.GetTempPath(), ".cache"), "failoverctl");

    // One project folder, one set of files: two checkouts of different projects never share them.
    private string PathOf(string stack) =>
        Path.Combine(Folder, $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(projectDirectory)))[..12]}-{stack}.json");

    public void Save(string stack, JsonObject outputs, DateTimeOffset now)
    {
        try
        {
            Directory.CreateDirectory(Folder);
            var path = PathOf(stack);
            File.WriteAllText(path + ".tmp", new JsonObject { ["savedAt"] = Functions.Aws.Attr.Iso(now), ["outputs"] = outputs.DeepClone() }.ToJsonString());
            File.Move(path + ".tmp", path, overwrite: true);
        }
        catch (IOException)
        {
            // A cache that cannot be written costs only the fallback.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// The outputs saved last, and when; null when there are none.
    public (JsonObject Outputs, string SavedAt)? Load(string stack)
    {
        try
        {
            var saved = JsonNode.Parse(File.ReadAllText(PathOf(stack))) as JsonObject;
            return saved?["outputs"] is JsonObject outputs && saved["savedAt"] is JsonValue at ? (outputs.DeepClone().AsObject(), at.GetValue<string>()) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
