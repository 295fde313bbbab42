using System.CommandLine;
using System.Text.Json.Nodes;
using Failover.Functions.Aws;
using Failover.Functions.Handlers;
using Failover.Ops.Aws;
using Failover.Ops.Cli;
using Failover.Ops.Pulumi;

namespace Failover.Ops.Commands;

/// `failoverctl flag get|set|clear`: the user request flag's override in the control table, the one `decide` reads.
public static class FlagCommand
{
    /// decide cuts a longer reason when it repeats it; refusing here keeps what is stored what was typed.
    public const int MaxReasonLength = 1024;

    public static Command Build(OpsContext context)
    {
        var flag = new Command("flag", "Read or set the user request flag: auto (act on evidence), block (never act), force (act even against a healthy primary)");

        var get = new Command("get", "Show the flag in force in each region: the override in the control table, its expiry, and the default from pulumi config");
        get.SetAction((parse, ct) => GetAsync(new Session(context, parse), ct));

        var mode = new Argument<string>("mode") { Description = "auto, block or force" };
        var reason = new Option<string?>("--reason") { Description = "Why (required): stored with the override and repeated in every decision and notification" };
        var ttl = new Option<string?>("--ttl") { Description = "How long the override holds, e.g. 30m, 2h, 1d (1m to 7d; required for force; without it auto and block hold until cleared)" };
        var set = new Command("set", "Set the override: written to the control table with your identity (STS), the time and the expiry") { mode, reason, ttl };
        set.SetAction((parse, ct) =>
        {
            // Every argument is checked before anything is read or written.
            var request = Validate(parse.GetValue(mode)!, parse.GetValue(reason), parse.GetValue(ttl));
            return SetAsync(new Session(context, parse), request, ct);
        });

        var clear = new Command("clear", "Remove the override: the default from pulumi config applies again");
        clear.SetAction((parse, ct) => ClearAsync(new Session(context, parse), ct));

        flag.Subcommands.Add(get);
        flag.Subcommands.Add(set);
        flag.Subcommands.Add(clear);
        return flag;
    }

    /// A checked `flag set`.
    public sealed record SetRequest(FlagMode Mode, string Reason, TimeSpan? Ttl);

    public static SetRequest Validate(string mode, string? reason, string? ttl)
    {
        // Only the three modes: the seed spellings true/false are for data, not for a person typing a decision.
        var parsed = mode.Trim().ToLowerInvariant() switch
        {
            "auto" => FlagMode.Auto,
            "block" => FlagMode.Block,
            "force" => FlagMode.Force,
            _ => throw OpsException.Usage($"unknown flag mode '{Durations.Cut(mode)}': use auto, block or force"),
        };
        if (string.IsNullOrWhiteSpace(reason))
            throw OpsException.Usage("--reason is required: say why, it goes into every decision and notification (e.g. --reason \"INC-123: database migration\")");
        if (reason.Trim().Length > MaxReasonLength)
            throw OpsException.Usage($"--reason is at most {MaxReasonLength} characters (got {reason.Trim().Length})");
        var span = ttl is null ? (TimeSpan?)null : Durations.ParseTtl(ttl);
        if (parsed == FlagMode.Force && span is null)
            throw OpsException.Usage("force needs --ttl (e.g. --ttl 2h): a forgotten force would fail over a healthy primary at the next operator start");
        return new SetRequest(parsed, reason.Trim(), span);
    }

    private static async Task<int> SetAsync(Session s, SetRequest request, CancellationToken ct)
    {
        var (primary, secondary) = await StacksAsync(s, ct);
        var setBy = await CallerAsync(s, primary, secondary, ct);
        var now = s.Now;
        var expires = request.Ttl is { } ttl ? now.Add(ttl) : (DateTimeOffset?)null;
        var written = await OnAnyReplicaAsync(s, primary, secondary, "write the flag",
            t => t.SetFlagAsync(request.Mode, request.Reason, setBy, now, expires, ct));

        var warnings = Warnings(request.Mode, primary);
        var mode = Wire.Of(request.Mode);
        s.Output.Line($"Flag set to {mode} {(expires is { } e ? $"until {Iso(e)} ({Durations.Human(e - now)})" : "until cleared (no expiry)")} by {setBy}.");
        s.Output.Line($"Reason: {request.Reason}");
        s.Output.Line($"Written to {primary.ControlTableName} in {written}.");
        foreach (var w in warnings) s.Output.Warn(w);
        s.Output.Result(new JsonObject
        {
            ["ok"] = true,
            ["flag"] = new JsonObject { ["mode"] = mode, ["reason"] = request.Reason, ["setBy"] = setBy, ["setAt"] = Iso(now), ["expiresAt"] = expires is { } x ? Iso(x) : null },
            ["table"] = primary.ControlTableName, ["region"] = written,
            ["warnings"] = new JsonArray([.. warnings.Select(w => (JsonNode)w)]),
        });
        return ExitCodes.Ok;
    }

    private static async Task<int> ClearAsync(Session s, CancellationToken ct)
    {
        var (primary, secondary) = await StacksAsync(s, ct);
        var written = await OnAnyReplicaAsync(s, primary, secondary, "clear the flag", t => t.ClearFlagAsync(ct));
        s.Output.Line($"Override cleared in {written}: each stack's default applies again ({primary.Stack}: {primary.DefaultFlag}, {secondary.Stack}: {secondary.DefaultFlag}).");
        s.Output.Result(new JsonObject { ["ok"] = true, ["cleared"] = true, ["region"] = written });
        return ExitCodes.Ok;
    }

    private static async Task<int> GetAsync(Session s, CancellationToken ct)
    {
        var (primary, secondary) = await StacksAsync(s, ct);
        FlagOverride? current = null;
        var region = await OnAnyReplicaAsync(s, primary, secondary, "read the flag", async t => current = await t.GetFlagAsync(ct));
        var now = s.Now;
        var rows = new List<IReadOnlyList<string>>();
        var regions = new JsonArray();
        foreach (var stack in new[] { primary, secondary })
        {
            var configured = ConfigDefault(await s.Pulumi.ConfigAsync(stack.Stack, ct));
            var resolved = FlagResolver.Resolve(current, Wire.ParseFlag(stack.DefaultFlag) ?? FlagMode.Auto, now);
            var why = resolved.FromOverride ? "override"
                : current is null ? "default"
                : resolved.Alert ? "default: override unreadable"
                : "default: override expired";
            rows.Add([stack.Stack, stack.Region, Wire.Of(resolved.Mode), why, stack.DefaultFlag, configured]);
            regions.Add(new JsonObject
            {
                ["stack"] = stack.Stack, ["region"] = stack.Region, ["effective"] = Wire.Of(resolved.Mode), ["fromOverride"] = resolved.FromOverride,
                ["note"] = resolved.Note, ["deployedDefault"] = stack.DefaultFlag, ["configDefault"] = configured,
            });
            if (configured != stack.DefaultFlag)
                s.Output.Warn($"{stack.Stack}: pulumi config says {configured} but the deployed default is {stack.DefaultFlag}; it takes effect at the next deploy");
        }
        s.Output.Line(current is null
            ? "Override: none."
            : $"Override: {current.Mode}, set by {current.SetBy ?? "?"} at {current.SetAt ?? "?"}, " +
              (current.ExpiresAt is { } e ? e > now ? $"expires {Iso(e)} (in {Durations.Human(e - now)})" : $"expired {Iso(e)}" : current.ExpiryUnreadable ? "expiry unreadable" : "no expiry") +
              $"; reason: {current.Reason ?? "(none)"}");
        s.Output.Line();
        s.Output.Table(["stack", "region", "effective", "because", "deployed default", "pulumi config"], rows);
        s.Output.Result(new JsonObject
        {
            ["ok"] = true, ["readFrom"] = region,
            ["override"] = current is null ? null : new JsonObject
            {
                ["mode"] = current.Mode, ["reason"] = current.Reason, ["setBy"] = current.SetBy, ["setAt"] = current.SetAt,
                ["expiresAt"] = current.ExpiresAt is { } x ? Iso(x) : null, ["expired"] = current.ExpiresAt is { } y && y <= now,
            },
            ["regions"] = regions,
        });
        return ExitCodes.Ok;
    }

    /// What `block` cannot stop, said plainly: in these modes Route 53 moves traffic without the workflow.
    public static IReadOnlyList<string> Warnings(FlagMode mode, DeployedStack primary) => (mode, primary.DnsFailover) switch
    {
        (FlagMode.Block, "automatic") => ["dnsFailover is automatic in these stacks: Route 53 moves traffic on any alarm without the workflow, so block stops the workflow but not DNS"],
        (FlagMode.Block, "endpoint") => ["dnsFailover is endpoint in these stacks: Route 53 still moves traffic by itself when the primary's endpoint check fails or its ALB has no healthy target; block stops only the workflow"],
        (FlagMode.Force, _) => ["force makes an operator's start fail over even a healthy primary; the alarm rule and the probe still act only where the primary is not healthy"],
        _ => [],
    };

    private static async Task<(DeployedStack Primary, DeployedStack Secondary)> StacksAsync(Session s, CancellationToken ct) =>
        (await s.PrimaryAsync(ct), await s.SecondaryAsync(ct));

    private static async Task<string> CallerAsync(Session s, DeployedStack primary, DeployedStack secondary, CancellationToken ct)
    {
        try
        {
            return await s.Aws.Sts(primary.Region).CallerArnAsync(ct);
        }
        catch (AwsUnreachableException)
        {
            return await s.Aws.Sts(secondary.Region).CallerArnAsync(ct);
        }
    }

    /// The primary's replica, else the secondary's: the flag matters most when the primary's region is the one not answering.
    private static Task<string> OnAnyReplicaAsync(Session s, DeployedStack primary, DeployedStack secondary, string what, Func<ControlTable, Task> act) =>
        ControlReplicas.OnAnyAsync(s.Aws, s.Output, [(primary.ControlTableName, primary.Region), (secondary.ControlTableName, secondary.Region)], what, act);

    private static string ConfigDefault(JsonObject config) =>
        config["failover:defaultFlag"] is JsonObject entry && entry["value"] is JsonValue v && v.TryGetValue<string>(out var s)
            ? Wire.ParseFlag(s) is { } mode ? Wire.Of(mode) : s
            : "auto";

    private static string Iso(DateTimeOffset time) => Attr.Iso(time);
}
