namespace Failover.Infra.Config;

/// What guards the internet-facing ALB: deletion protection, its access logs, and an optional WAF.
public sealed record EdgeSettings
{
    /// WAF counts a rate-based rule's requests over this window (seconds); the limit is per window.
    public const int WafEvaluationWindowSeconds = 300;

    public required bool DeletionProtection { get; init; }
    public required bool AccessLogs { get; init; }
    /// How long the access logs are kept before S3 expires them.
    public required int AccessLogDays { get; init; }
    public required bool Waf { get; init; }
    /// Requests one client IP may send per evaluation window before the WebACL blocks it.
    public required int WafRateLimit { get; init; }
}

/// albDeletionProtection, albAccessLogs, albAccessLogDays, waf and wafRateLimit.
public static class EdgeSection
{
    public static readonly BoolSetting DeletionProtection = new()
    {
        Key = "albDeletionProtection",
        Default = true,
        Description = "the ALB refuses to be deleted; to destroy or replace it, set false and pulumi up first",
        Why = "true: the ALB is the region's front door and the failover record's alias target; deleting it by mistake takes the " +
            "region out, and protection costs nothing",
    };

    public static readonly BoolSetting AccessLogs = new()
    {
        Key = "albAccessLogs",
        Default = true,
        Description = "the ALB writes an access log of every request to an S3 bucket the stack creates",
        Why = "true: the one record of who sent which request, what a security review and an incident need; ELB charges nothing " +
            "to deliver them, only their S3 storage",
    };

    public static readonly IntSetting AccessLogDays = new()
    {
        Key = "albAccessLogDays",
        Default = 30,
        // S3 expires objects after whole days; ten years covers any retention rule an auditor names.
        Min = 1,
        Max = 3650,
        Rule = "albAccessLogs: true only",
        Description = "days S3 keeps each access log before expiring it",
        Why = "30 days: the same as the stack's other logs, long enough to investigate an incident found after a holiday weekend",
    };

    public static readonly BoolSetting Waf = new()
    {
        Key = "waf",
        Default = false,
        Description = "an AWS WAF WebACL in front of the ALB with one rule: block a client IP that sends more than wafRateLimit requests in 5 minutes",
        Why = "false: a WebACL costs $5 a month, $1 a rule and $0.60 per million requests whether or not anyone attacks the service",
    };

    public static readonly IntSetting WafRateLimit = new()
    {
        Key = "wafRateLimit",
        Default = 2000,
        // WAF's own bounds for a rate-based rule's limit (AWS WAF API, RateBasedStatement.Limit).
        Min = 10,
        Max = 2_000_000_000,
        Rule = "waf: true only",
        Description = "requests per client IP per 5-minute window before WAF blocks that IP",
        Why = "2000 (~7 a second, sustained): far above one browser or API client, well below what one address needs to flood a " +
            "small service; the window is WAF's own default",
    };

    public static IReadOnlyList<Setting> All => [DeletionProtection, AccessLogs, AccessLogDays, Waf, WafRateLimit];

    internal static EdgeSettings Parse(ConfigReader r)
    {
        var accessLogs = r.Bool(AccessLogs);
        var days = r.Int(AccessLogDays);
        if (!accessLogs && r.IsSet(AccessLogDays)) r.Fail(AccessLogDays, "is used only with albAccessLogs: true");
        var waf = r.Bool(Waf);
        var limit = r.Int(WafRateLimit);
        if (!waf && r.IsSet(WafRateLimit)) r.Fail(WafRateLimit, "is used only with waf: true");
        return new EdgeSettings
        {
            DeletionProtection = r.Bool(DeletionProtection),
            AccessLogs = accessLogs,
            AccessLogDays = days,
            Waf = waf,
            WafRateLimit = limit,
        };
    }
}
