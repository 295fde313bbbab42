using System.Text;

namespace Failover.Infra.Config;

/// Every setting the compiler reads, section by section, and the keys it refuses as retired. Pulumi.yaml's `config:` block and
/// the settings table in docs/configuration.md are written from here (tests/Infra.Tests/Config/SettingsCatalogTests.cs checks
/// both; `UPDATE_SETTINGS=1 dotnet test tests/Infra.Tests --filter SettingsCatalogTests` rewrites them).
public static class SettingsCatalog
{
    public static IReadOnlyList<(string Section, IReadOnlyList<Setting> Settings)> Sections =>
    [
        ("Stack", StackSection.All),
        ("DNS and traffic", DnsSection.All),
        ("ARC cluster (trafficGate arc)", ArcSection.All),
        ("Container", ContainerSection.All),
        ("Capacity", CapacitySection.All),
        ("Health alarms", [.. AlarmSection.All, .. ExtraAlarmSection.All]),
        ("Network", NetworkSection.All),
        ("Load balancer edge", EdgeSection.All),
        ("Control table and peer", ControlSection.All),
        ("Workflow", WorkflowSection.All),
        ("Triggers", TriggerSection.All),
        ("Readiness checks", ReadinessSection.All),
        ("Recovery tasks", RecoveryTaskSection.All),
    ];

    public static IReadOnlyList<Setting> All => [.. Sections.SelectMany(s => s.Settings)];

    public static readonly IReadOnlyList<RetiredSetting> Retired =
    [
        new("insufficientDataHealthStatus",
            "each alarm-backed check now has its own insufficient-data status (see docs/design.md §4, health signals); set insufficientDataHealthStatus on an extraAlarms item instead"),
        new("subnetIds", "it was split into publicSubnetIds (the internet-facing ALB) and privateSubnetIds (the tasks)"),
        new("alarmDatapointsToAlarm", "alarms fire on N of N (alarmEvaluationPeriods), because Route 53 copies no datapoints-to-alarm " +
            "into its health check and an M-of-N alarm would disagree with its check"),
    ];

    /// Why a setting has no entry in Pulumi.yaml's `config:` block; null when it has one.
    public static string? NotDeclaredInPulumi(Setting setting) => setting switch
    {
        { Key: var key } when key.Contains(':') =>
            "a provider's key: Pulumi types only the project's own keys, and a `value` there would pin one region for both stacks",
        { PulumiType: null } =>
            "Pulumi's project config types are string, integer, boolean and arrays of them: no objects, no lists of objects",
        { Required: null, DefaultText: null, PulumiType: not "string" } =>
            $"its default is derived ({setting.DerivedDefault}), and Pulumi demands a typed key without a default of every stack",
        _ => null,
    };

    /// Pulumi.yaml's `config:` block: type, description and default of every setting Pulumi can type. A required key has no
    /// default, so Pulumi asks for it before the program runs; an optional text setting without a fixed default gets "", which
    /// the compiler reads as unset (its default is then derived).
    public static string PulumiConfigBlock()
    {
        var text = new StringBuilder("config:\n");
        foreach (var setting in All.Where(s => NotDeclaredInPulumi(s) is null))
        {
            text.Append($"  {setting.Key}:\n    type: {setting.PulumiType}\n");
            if (setting.PulumiItemType is { } item) text.Append($"    items:\n      type: {item}\n");
            text.Append($"    description: {Quote(PulumiDescription(setting))}\n");
            if (setting.Required is null) text.Append($"    default: {PulumiDefault(setting)}\n");
        }
        return text.ToString();
    }

    private static string PulumiDescription(Setting setting) =>
        setting.DerivedDefault is { } derived ? $"{Capital(setting.Description)} (default: {derived})" : Capital(setting.Description);

    private static string PulumiDefault(Setting setting) =>
        setting.PulumiType == "string" ? Quote(setting.DefaultText ?? "") : setting.DefaultText!;

    /// The settings table of docs/configuration.md, one row per setting, grouped by section.
    public static string MarkdownTable()
    {
        var text = new StringBuilder();
        foreach (var (section, settings) in Sections)
        {
            text.Append($"\n### {section}\n\n| key | default | allowed | read by | what it is | why this default |\n|---|---|---|---|---|---|\n");
            foreach (var s in settings)
                text.Append($"| `{s.Key}` | {Cell(DocDefault(s))} | {Cell(DocAllowed(s))} | {(s.OnlyRole is { } role ? role.ToString().ToLowerInvariant() : "both")} " +
                    $"| {Cell(Capital(s.Description))} | {Cell(s.Why)} |\n");
        }
        return text.ToString();
    }

    private static string DocDefault(Setting s) => s switch
    {
        { Required: not null } => "required",
        { DerivedDefault: { } derived } => derived,
        StructuredSetting structured => $"`{structured.Empty}`",
        { DefaultText: { } value } => $"`{value}`",
        _ => "none",
    };

    private static string DocAllowed(Setting s) => string.Join("; ", new[] { s.Allowed, s.Rule ?? "" }.Where(t => t.Length > 0));

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// A YAML double-quoted scalar.
    private static string Quote(string text) => $"\"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}
