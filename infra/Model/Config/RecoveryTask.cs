using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Failover.Infra.Config;

/// When a recovery task runs: before the traffic gate moves (a failure stops the failover) or after it.
public enum RecoveryPhase { BeforeShift, AfterShift }

/// One of the application's recovery steps, run as a one-off ECS task (`ecs:runTask.sync`) in the promoted region.
public sealed record RecoveryTask
{
    /// 600 s: long enough for a database promotion or a migration, short enough that a hung task does not hold the lock for long.
    public const int TimeoutSecondsDefault = 600;

    public required string Name { get; init; }
    public required RecoveryPhase Phase { get; init; }
    public required int TimeoutSeconds { get; init; }
    /// Replaces the container's command; null keeps the task definition's.
    public IReadOnlyList<string>? Command { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// Another task definition (family, family:revision or ARN); null runs the service's own.
    public string? TaskDefinition { get; init; }
    /// The container the overrides apply to: the service's container unless another task definition is given.
    public required string Container { get; init; }
    /// The other task definition's execution and task roles, which the workflow passes to ECS.
    public IReadOnlyList<string> RoleArns { get; init; } = [];

    /// The family IAM scopes ecs:RunTask to: `family` of `family:3` or of an ARN.
    public string? TaskDefinitionFamily => TaskDefinition?.Split('/')[^1].Split(':')[0];
}

/// recoveryTasks: the application's steps around the traffic shift.
public static partial class RecoveryTaskSection
{
    public static readonly StructuredSetting Tasks = new()
    {
        Key = "recoveryTasks",
        Empty = "[]",
        Form = $"a list of {{name, phase, timeoutSeconds? ({MinTimeoutSeconds}-{MaxTimeoutSeconds}), command?, environment?, taskDefinition?, container?, " +
            $"roleArns?}}; each name lowercase letters, digits and dashes, at most {ConfigPatterns.MaxItemName}, unique; phase beforeShift or afterShift; " +
            "environment names letters, digits and underscores",
        Description = "the application's recovery steps, run as ECS tasks in the promoted region before or after the traffic shift",
        Why = "none: what a recovery needs besides traffic (a database promotion, a migration) is the application's own",
    };

    public static IReadOnlyList<Setting> All => [Tasks];

    private const int MinTimeoutSeconds = 30, MaxTimeoutSeconds = 3600;

    private static readonly HashSet<string> RecoveryTaskFields =
        ["name", "command", "environment", "taskDefinition", "container", "roleArns", "phase", "timeoutSeconds"];

    internal static IReadOnlyList<RecoveryTask> Parse(ConfigReader r, string region)
    {
        var key = Tasks;
        var list = r.Array(key);
        if (list is null) return [];
        var tasks = new List<RecoveryTask>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject item) { r.Fail(key, $"[{i}] must be an object"); continue; }
            var at = $"[{i}]";
            void Bad(string why) => r.Fail(key, $"{at} {why}");
            foreach (var field in item.Select(e => e.Key).Where(f => !RecoveryTaskFields.Contains(f)))
                Bad($"has unknown field '{field}' (known: {string.Join(", ", RecoveryTaskFields)})");
            string? Text(string field)
            {
                if (item[field] is null) return null;
                if (item[field] is JsonValue v && v.TryGetValue<string>(out var s)) return s;
                Bad($"'{field}' must be a string");
                return null;
            }
            IReadOnlyList<string>? Strings(string field)
            {
                if (item[field] is null) return null;
                if (item[field] is JsonArray a && a.All(e => e is JsonValue v && v.TryGetValue<string>(out _)))
                    return a.Select(e => e!.GetValue<string>()).ToList();
                Bad($"'{field}' must be a list of strings");
                return null;
            }

            var name = Text("name") ?? "";
            if (name.Length == 0) Bad("needs 'name'");
            else if (!ConfigPatterns.Name().IsMatch(name) || name.Length > ConfigPatterns.MaxItemName)
                Bad($"name must be lowercase letters, digits and dashes, at most {ConfigPatterns.MaxItemName} (got '{name}')");
            else if (!names.Add(name)) Bad($"name '{name}' is used twice");
            if (name.Length > 0) at = $"[{i}] ({name})";

            var phaseText = Text("phase");
            RecoveryPhase phase = RecoveryPhase.BeforeShift;
            if (phaseText is null) Bad("needs 'phase': beforeShift (a failure stops the failover before traffic moves) or afterShift");
            else if (phaseText == "beforeShift") phase = RecoveryPhase.BeforeShift;
            else if (phaseText == "afterShift") phase = RecoveryPhase.AfterShift;
            else Bad($"phase must be beforeShift or afterShift (got '{phaseText}')");

            var timeout = RecoveryTask.TimeoutSecondsDefault;
            if (item["timeoutSeconds"] is JsonValue tv && tv.TryGetValue<int>(out var t)) timeout = t;
            else if (item["timeoutSeconds"] is not null) Bad("'timeoutSeconds' must be a whole number");
            if (timeout is < MinTimeoutSeconds or > MaxTimeoutSeconds)
                Bad($"timeoutSeconds must be {MinTimeoutSeconds}-{MaxTimeoutSeconds}: a task holds the failover, and its lock, while it runs (got {timeout})");

            var command = Strings("command");
            if (command is { Count: 0 }) Bad("'command' must not be empty: leave it out to keep the task definition's command");

            var environment = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (item["environment"] is JsonObject env)
                foreach (var (k, v) in env)
                    if (!EnvNamePattern().IsMatch(k)) Bad($"environment name '{k}' must be letters, digits and underscores, not starting with a digit");
                    else if (v is JsonValue ev && ev.TryGetValue<string>(out var s)) environment[k] = s;
                    else Bad($"environment '{k}' must be a string");
            else if (item["environment"] is not null) Bad("'environment' must be an object of strings");

            var definition = Text("taskDefinition");
            if (definition is not null)
            {
                var arn = TaskDefinitionArnPattern().Match(definition);
                if (!arn.Success && !TaskDefinitionPattern().IsMatch(definition))
                    Bad($"taskDefinition must be a family, family:revision or task definition ARN (got '{definition}')");
                else if (arn.Success && region.Length > 0 && arn.Groups["region"].Value != region)
                    Bad($"taskDefinition is in {arn.Groups["region"].Value}; the task runs in this stack's region ({region})");
            }
            var container = Text("container");
            if (definition is not null && container is null && (command is not null || environment.Count > 0))
                Bad("needs 'container' with taskDefinition: the overrides must name that definition's container");
            if (definition is null && container is not null && container != Regional.EcsService.ContainerName)
                Bad($"'container' must be '{Regional.EcsService.ContainerName}' (the service's container) unless taskDefinition is given (got '{container}')");

            var roles = Strings("roleArns") ?? [];
            foreach (var role in roles.Where(a => !RoleArnPattern().IsMatch(a))) Bad($"roleArns has '{role}', which is not an IAM role ARN");
            if (definition is not null && roles.Count == 0)
                Bad("needs 'roleArns' with taskDefinition: its execution (and task) role, which the workflow must be allowed to pass to ECS");
            if (definition is null && roles.Count > 0)
                Bad("'roleArns' is for another taskDefinition; the service's own roles are known");

            tasks.Add(new RecoveryTask
            {
                Name = name,
                Phase = phase,
                TimeoutSeconds = timeout,
                Command = command,
                Environment = environment,
                TaskDefinition = definition,
                Container = container ?? Regional.EcsService.ContainerName,
                RoleArns = roles,
            });
        }
        return tasks;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvNamePattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,255}(:[1-9][0-9]*)?$")]
    private static partial Regex TaskDefinitionPattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:ecs:(?<region>[a-z0-9-]+):\d{12}:task-definition/[A-Za-z0-9_-]{1,255}(:[1-9][0-9]*)?$")]
    private static partial Regex TaskDefinitionArnPattern();

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$")]
    private static partial Regex RoleArnPattern();
}
