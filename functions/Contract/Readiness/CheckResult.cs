using System.Text.Json.Serialization;

namespace Failover.Contract.Readiness;

/// A readiness check's verdict: `unknown` when what it compares could not be read.
public enum CheckStatus
{
    [JsonStringEnumMemberName("pass")] Pass,
    [JsonStringEnumMemberName("fail")] Fail,
    [JsonStringEnumMemberName("unknown")] Unknown,
}

/// One check's result: its name, its verdict and one sentence of why, with the values compared.
public sealed record CheckResult
{
    public required string Check { get; init; }
    public required CheckStatus Status { get; init; }
    public required string Why { get; init; }
}

/// The checks by wire name: the metric dimension, the table's rows, the JSON's `check`. In the order they are shown.
public static class CheckNames
{
    public const string StacksAgree = "stacks-agree";
    public const string SameImage = "same-image";
    public const string TaskDefinition = "task-definition";
    public const string FargateQuota = "fargate-quota";
    public const string ImageAndSecretsReachable = "image-and-secrets-reachable";
    public const string Alarms = "alarms";
    public const string GateAgrees = "gate-agrees";
    public const string Lock = "lock";
    public const string RolePermissions = "role-permissions";
    public const string DrillAge = "drill-age";
    public const string DrillRecoveryTime = "drill-recovery-time";

    public static readonly IReadOnlyList<string> All =
        [StacksAgree, SameImage, TaskDefinition, FargateQuota, ImageAndSecretsReachable, Alarms, GateAgrees, Lock, RolePermissions, DrillAge, DrillRecoveryTime];
}

/// The readiness metrics: one per check (`CheckFailed`, 1 failing, 0 passing, nothing when unknown; `CheckUnknown` 1 when
/// unknown) and the count of failing checks, which the readiness alarm watches.
public static class ReadinessMetrics
{
    public const string Namespace = "Failover/Readiness";
    public const string StackDimension = "Stack";
    public const string CheckDimension = "Check";
    public const string CheckFailed = "CheckFailed";
    public const string CheckUnknown = "CheckUnknown";
    public const string ChecksFailing = "ChecksFailing";
}
