using System.Text.RegularExpressions;
using Failover.Contract;

namespace Failover.Infra.Config;

/// Which side of the failover pair a stack deploys.
public enum Role { Primary, Secondary }

/// The validated configuration of one region stack. Each setting's default and its reason live on its descriptor (the
/// sections' `*Section` classes).
public sealed record StackConfig
{
    public required string Project { get; init; }
    public required string Stack { get; init; }
    public required Role Role { get; init; }
    public required string Region { get; init; }
    public required string PeerRegion { get; init; }
    public required DnsSettings Dns { get; init; }
    public required ContainerSettings Container { get; init; }
    public required CapacitySettings Capacity { get; init; }
    public required AlarmSettings Alarms { get; init; }
    public required NetworkSettings Network { get; init; }
    public required EdgeSettings Edge { get; init; }
    public required IReadOnlyList<string> NotificationEmails { get; init; }
    /// The flag's value when no override is set in the control table.
    public required FlagMode DefaultFlag { get; init; }
    public required int LogRetentionDays { get; init; }
    public required bool ReserveConcurrency { get; init; }
    /// The recovery time promised for this stack's promotion (whole minutes): the modelled worst case must fit in it.
    public required int RtoObjectiveMinutes { get; init; }
    /// How often a BLOCKED or ALERT notice for a condition already announced is repeated (whole minutes); decide keeps the
    /// last announcement in the control table.
    public required int NoticeRepeatMinutes { get; init; }
    public required ControlSettings Control { get; init; }
    public required WorkflowSettings Workflow { get; init; }
    public required TriggerSettings Triggers { get; init; }
    public required ReadinessSettings Readiness { get; init; }
    /// The application's own steps around the traffic shift when this stack's region is promoted.
    public required IReadOnlyList<RecoveryTask> RecoveryTasks { get; init; }
    /// Configured tags plus Project, Stack and Role.
    public required IReadOnlyDictionary<string, string> Tags { get; init; }

    /// `failover-primary`: the prefix of every physical name, so both stacks fit one account.
    public string NamePrefix => $"{Project}-{Stack}";

    public Naming Naming => new(NamePrefix, Tags);
}

/// The stack-wide settings: role and regions, who is told, the flag's default, retention, the recovery-time objective, tags.
public static partial class StackSection
{
    public static readonly ChoiceSetting<Role?> Role = new()
    {
        Key = "role",
        Choices = new Dictionary<string, Role?> { ["primary"] = Config.Role.Primary, ["secondary"] = Config.Role.Secondary },
        Required = "primary or secondary",
        Description = "which side of the pair this stack deploys: its failover record and its task count",
        Why = "required: nothing can guess which of two stacks serves",
    };

    public static readonly TextSetting Region = new()
    {
        Key = "aws:region",
        Required = "the AWS region this stack deploys to, e.g. us-east-1",
        Form = "an AWS region of the aws partition (not aws-cn or aws-us-gov)",
        Description = "the region this stack deploys to (the AWS provider's own key)",
        Why = "required: the two stacks must name their regions",
    };

    public static readonly TextSetting PeerRegion = new()
    {
        Key = "peerRegion",
        Required = "the region of the other stack",
        Form = "an AWS region of the aws partition (not aws-cn or aws-us-gov)",
        Rule = "must differ from aws:region",
        Description = "the region of the other stack",
        Why = "required: failover needs a second region",
    };

    public static readonly ListSetting NotificationEmails = new()
    {
        Key = "notificationEmails",
        Form = "email addresses",
        Description = "who is told about failovers: each address gets an email subscription to the stack's topic and confirms it once",
        Why = "none: a stack may leave notices to the topic's other subscribers",
    };

    public static readonly ChoiceSetting<FlagMode> DefaultFlag = new()
    {
        Key = "defaultFlag",
        Choices = Wire.FlagSpellings,
        Default = FlagMode.Auto,
        Description = "the user request flag when no override is set (true/false mean auto/block)",
        Why = "auto: automation may act unless an operator blocks it; the flag exists to stop it, not to enable it",
    };

    public static readonly BoolSetting ReserveConcurrency = new()
    {
        Key = "reserveConcurrency",
        Default = true,
        Description = "each function keeps a few executions of the account's Lambda concurrency for itself (decide 5, the others 2)",
        Why = "true: a recovery region where every other workload fails over too cannot throttle the failover; false where the " +
            "account has too little concurrency to spare (AWS keeps 100 unreserved)",
    };

    /// CloudWatch Logs' retention values (PutRetentionPolicy).
    public static readonly IReadOnlyList<int> LogRetentionValues =
        [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    public static readonly IntSetting LogRetentionDays = new()
    {
        Key = "logRetentionDays",
        Default = 30,
        Min = 1,
        Rule = $"one of CloudWatch's retention values {string.Join(", ", LogRetentionValues)}",
        Description = "retention of the container, function and workflow logs",
        Why = "30 days: long enough to investigate a failover after a holiday weekend",
    };

    public static readonly IntSetting RtoObjectiveMinutes = new()
    {
        Key = "rtoObjectiveMinutes",
        Default = 30,
        // At most a day: past that a recovery time is no longer an objective this stack's automation can be held to.
        Min = 1,
        Max = 1440,
        Description = "the recovery time this stack promises (whole minutes): the compiler refuses a stack whose modelled worst case exceeds it",
        Why = "30 minutes: the shipped stacks' modelled worst case is ~20 min (10 of them the readiness timeout), so a third is " +
            "left for recovery tasks",
    };

    public static readonly IntSetting NoticeRepeatMinutes = new()
    {
        Key = "noticeRepeatMinutes",
        Default = 30,
        // 1 minute to a day: a reminder faster than any probe is no limit, and one rarer than daily lets a block be forgotten.
        Min = 1,
        Max = 1440,
        Description = "a BLOCKED or ALERT notice for a condition already announced is repeated at most this often (minutes)",
        Why = "30 minutes: a paged operator is not paged again while reading the first notice, and a block nobody lifts is not " +
            "forgotten over a shift; decide's own default (NoticeRepeat.RepeatMinutesDefault) is the same",
    };

    public static readonly StructuredSetting Tags = new()
    {
        Key = "tags",
        Form = $"a mapping of tag names (1-{MaxTagKey} characters) to values (at most {MaxTagValue}); not Project, Stack, Role or aws:*",
        Empty = "{}",
        Description = "tags for every taggable resource, joined by Project, Stack and Role",
        Why = "none: the program's own three tags already name the stack",
    };

    /// AWS's tag limits (Tagging AWS resources, "Tag naming limits and requirements").
    private const int MaxTagKey = 128, MaxTagValue = 256;

    public static IReadOnlyList<Setting> All =>
        [Role, Region, PeerRegion, NotificationEmails, DefaultFlag, ReserveConcurrency, LogRetentionDays, RtoObjectiveMinutes, NoticeRepeatMinutes, Tags];

    internal static IReadOnlyList<string> ParseEmails(ConfigReader r)
    {
        var emails = r.List(NotificationEmails);
        foreach (var email in emails.Where(e => !EmailPattern().IsMatch(e)))
            r.Fail(NotificationEmails, $"has '{email}', which is not an email address");
        return emails;
    }

    internal static int ParseLogRetention(ConfigReader r)
    {
        var retention = r.Int(LogRetentionDays);
        if (!LogRetentionValues.Contains(retention))
            r.Fail(LogRetentionDays, $"must be one of CloudWatch's retention values {string.Join(", ", LogRetentionValues)} (got {retention})");
        return retention;
    }

    internal static IReadOnlyDictionary<string, string> ParseTags(ConfigReader r, StackInputs inputs, Config.Role role)
    {
        var tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in r.StringMap(Tags))
        {
            if (k is "Project" or "Stack" or "Role") r.Fail(Tags, $"sets '{k}', which the program sets itself");
            else if (k.StartsWith("aws:", StringComparison.OrdinalIgnoreCase)) r.Fail(Tags, $"key '{k}' uses the reserved prefix aws:");
            else if (k.Length is 0 or > MaxTagKey) r.Fail(Tags, $"key '{k}' must be 1-{MaxTagKey} characters");
            else if (v.Length > MaxTagValue) r.Fail(Tags, $"value of '{k}' must be at most {MaxTagValue} characters");
            else tags[k] = v;
        }
        tags["Project"] = inputs.Project;
        tags["Stack"] = inputs.Stack;
        tags["Role"] = role.ToString().ToLowerInvariant();
        return tags;
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
