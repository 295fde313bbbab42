using System.CommandLine;
using System.Text.Json.Nodes;
using Failover.Functions.Aws;
using Failover.Functions.Handlers;
using Failover.Functions.Runtime;
using Failover.Ops.Aws;
using Failover.Ops.Cli;
using Failover.Ops.Pulumi;
using Failover.Infra.Config;

namespace Failover.Ops.Commands;

/// `failoverctl flag get|set|clear`: the user request flag's override in the control table, the one `decide` reads.
public static class FlagCommand
{
    public static Command Build(OpsContext context)
    {
        var flag = CommandHelp.Attach(new Command("flag", "Read or set the user request flag: auto (act on evidence), block (never act), force (act even against a healthy primary)"), [
            "failoverctl flag get",
            "failoverctl flag set block --reason \"INC-4711: database migration\" --ttl 4h",
            "failoverctl flag clear",
        ], (ExitCodes.Ok, "done"), (ExitCodes.Failed, "the control table could not be read or written in any region"));

        var get = CommandHelp.Attach(new Command("get", "Show the flag in force in each region: the override in the control table, its expiry, and the default from pulumi config"), [
            "failoverctl flag get",
            "failoverctl flag get --output json | jq '.regions[] | {region, effective}'",
        ],
            (ExitCodes.Ok, "read; a replica that did not answer is shown as unknown"),
            (ExitCodes.Failed, "the stacks' outputs could not be had, or no replica of the control table answered"));
        get.SetAction((parse, ct) => GetAsync(new Session(context, parse), ct));

        var mode = new Argument<string>("mode") { Description = "auto, block or force" };
        mode.CompletionSources.Add("auto", "block", "force");
        var reason = new Option<string?>("--reason") { Description = "Why (required): stored with the override and repeated in every decision and notification" };
        var ttl = new Option<string?>("--ttl") { Description = "How long the override holds, e.g. 30m, 2h, 1d (1m to 7d; required for force; without it auto and block hold until cleared)" };
        var set = CommandHelp.Attach(new Command("set", "Set the override: written to the control table with your identity (STS), the time and the expiry") { mode, reason, ttl }, [
            "failoverctl flag set block --reason \"INC-4711: database migration\" --ttl 4h",
            "failoverctl flag set force --reason \"planned evacuation of us-east-1\" --ttl 2h",
            "failoverctl flag set auto --reason \"migration done\"",
        ],
            (ExitCodes.Ok, "written (to every replica that answered; one that did not is named)"),
            (ExitCodes.Failed, "not written: no replica answered, or your identity could not be read from STS"));
        set.SetAction((parse, ct) =>
        {
            // Every argument is checked before anything is read or written.
            var request = Validate(parse.GetValue(mode)!, parse.GetValue(reason), parse.GetValue(ttl));
            return SetAsync(new Session(context, parse), request, ct);
        });

        var clear = CommandHelp.Attach(new Command("clear", "Remove the override: the default from pulumi config applies again"), [
            "failoverctl flag clear",
            "failoverctl flag clear --primary-stack prod-east --secondary-stack prod-west",
        ],
            (ExitCodes.Ok, "removed (or there was none)"),
            (ExitCodes.Failed, "not removed: no replica of the control table answered"));
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
            _ => throw OpsException.Usage($"unknown flag mode '{Arguments.Cut(mode)}': use auto, block or force"),
        };
        var why = Arguments.Reason(reason)
            ?? throw OpsException.Usage("--reason is required: say why, it goes into every decision and notification (e.g. --reason \"INC-123: database migration\")");
        var span = ttl is null ? (TimeSpan?)null : Durations.ParseTtl(ttl);
        if (parsed == FlagMode.Force && span is null)
            throw OpsException.Usage("force needs --ttl (e.g. --ttl 2h): a forgotten force would fail over a healthy primary at the next operator start");
        return new SetRequest(parsed, why, span);
    }

    private static async Task<int> SetAsync(Session session, SetRequest request, CancellationToken ct)
    {
        var (primary, secondary, replicas) = await StacksAsync(session, ct);
        var setBy = await CallerAsync(session, secondary, primary, ct);
        var now = session.Now;
        var expires = request.Ttl is { } ttl ? now.Add(ttl) : (DateTimeOffset?)null;
        var written = await replicas.WriteAsync("write the flag", t => t.SetFlagAsync(request.Mode, request.Reason, setBy, now, expires, ct));

        var warnings = Warnings(request.Mode, primary);
        var mode = Wire.Of(request.Mode);
        session.Output.Line($"Flag set to {mode} {(expires is { } e ? $"until {Iso(e)} ({Durations.Human(e - now)})" : "until cleared (no expiry)")} by {setBy}.");
        session.Output.Line($"Reason: {request.Reason}");
        session.Output.Line($"Written to {replicas.Table} in {string.Join(" and ", written)}{(replicas.Strong ? " (strongly consistent: every region reads it now)" : "")}.");
        foreach (var w in warnings) session.Output.Warn(w);
        session.Output.Result(new JsonObject
        {
            ["ok"] = true,
            ["flag"] = new JsonObject { ["mode"] = mode, ["reason"] = request.Reason, ["setBy"] = setBy, ["setAt"] = Iso(now), ["expiresAt"] = expires is { } x ? Iso(x) : null },
            ["table"] = replicas.Table, ["writtenIn"] = new JsonArray([.. written.Select(r => (JsonNode)r)]),
            ["warnings"] = new JsonArray([.. warnings.Select(w => (JsonNode)w)]),
        });
        return ExitCodes.Ok;
    }

    private static async Task<int> ClearAsync(Session session, CancellationToken ct)
    {
        var (primary, secondary, replicas) = await StacksAsync(session, ct);
        var written = await replicas.WriteAsync("clear the flag", t => t.ClearFlagAsync(ct));
        session.Output.Line($"Override cleared in {string.Join(" and ", written)}: each stack's default applies again ({primary.Stack}: {primary.DefaultFlag}, {secondary.Stack}: {secondary.DefaultFlag}).");
        session.Output.Result(new JsonObject { ["ok"] = true, ["cleared"] = true, ["writtenIn"] = new JsonArray([.. written.Select(r => (JsonNode)r)]) });
        return ExitCodes.Ok;
    }

    private static async Task<int> GetAsync(Session session, CancellationToken ct)
    {
        var (primary, secondary, replicas) = await StacksAsync(session, ct);
        var reads = await replicas.ReadAsync(t => t.GetFlagAsync(ct));
        if (reads.All(r => r.Error is not null))
            throw new OpsException($"the control table could not be read in {string.Join(" or ", reads.Select(r => $"{r.Region} ({r.Error})"))}");
        var now = session.Now;
        var rows = new List<IReadOnlyList<string>>();
        var regions = new JsonArray();
        foreach (var read in reads)
            session.Output.Line((replicas.Strong ? "Override" : $"Override in {read.Region}") + ": " + (read.Error is not null ? $"unknown ({read.Error})" : Describe(read.Value, now)));
        foreach (var stack in new[] { primary, secondary })
        {
            // Each stack's functions read their own replica; with strong consistency the one read is every replica's.
            var read = reads.Count == 1 ? reads[0] : reads.First(r => r.Region == stack.Region);
            var configured = await ConfigDefaultAsync(session, stack.Stack, ct);
            var resolved = read.Error is null ? FlagResolver.Resolve(read.Value, Wire.ParseFlag(stack.DefaultFlag) ?? FlagMode.Auto, now) : null;
            var effective = resolved is null ? "unknown" : Wire.Of(resolved.Mode);
            var why = resolved is null ? $"replica unreadable ({read.Error})"
                : resolved.FromOverride ? "override"
                : read.Value is null ? "default"
                : resolved.Alert ? "default: override unreadable"
                : "default: override expired";
            rows.Add([stack.Stack, stack.Region, effective, why, stack.DefaultFlag, configured]);
            regions.Add(new JsonObject
            {
                ["stack"] = stack.Stack, ["region"] = stack.Region, ["effective"] = effective, ["fromOverride"] = resolved?.FromOverride,
                ["note"] = resolved?.Note ?? read.Error, ["deployedDefault"] = stack.DefaultFlag, ["configDefault"] = configured,
            });
            if (configured != stack.DefaultFlag && configured != "unknown")
                session.Output.Warn($"{stack.Stack}: pulumi config says {configured} but the deployed default is {stack.DefaultFlag}; it takes effect at the next deploy");
        }
        if (reads.Count == 2 && reads.All(r => r.Error is null) && reads[0].Value != reads[1].Value)
            session.Output.Warn("the replicas hold different overrides (replication lag, or a region was cut off when it was set): set it again");
        session.Output.Line();
        session.Output.Table(["stack", "region", "effective", "because", "deployed default", "pulumi config"], rows);
        session.Output.Result(new JsonObject
        {
            ["ok"] = true,
            ["overrides"] = new JsonArray([.. reads.Select(r => (JsonNode)new JsonObject
            {
                ["region"] = r.Region, ["error"] = r.Error,
                ["override"] = r.Value is not { } o ? null : new JsonObject
                {
                    ["mode"] = o.Mode, ["reason"] = o.Reason, ["setBy"] = o.SetBy, ["setAt"] = o.SetAt,
                    ["expiresAt"] = o.ExpiresAt is { } x ? Iso(x) : null, ["expired"] = o.ExpiresAt is { } y && y <= now,
                },
            })]),
            ["regions"] = regions,
        });
        return ExitCodes.Ok;
    }

    private static string Describe(FlagOverride? current, DateTimeOffset now) => current is null
        ? "none."
        : $"{current.Mode}, set by {current.SetBy ?? "?"} at {current.SetAt ?? "?"}, " +
          (current.ExpiresAt is { } e ? e > now ? $"expires {Iso(e)} (in {Durations.Human(e - now)})" : $"expired {Iso(e)}" : current.ExpiryUnreadable ? "expiry unreadable" : "no expiry") +
          $"; reason: {current.Reason ?? "(none)"}";

    /// What `block` cannot stop, said plainly: in these modes Route 53 moves traffic without the workflow.
    public static IReadOnlyList<string> Warnings(FlagMode mode, DeployedStack primary) => (mode, primary.DnsFailover) switch
    {
        (FlagMode.Block, "automatic") => ["dnsFailover is automatic in these stacks: Route 53 moves traffic on any alarm without the workflow, so block stops the workflow but not DNS"],
        (FlagMode.Block, "endpoint") => ["dnsFailover is endpoint in these stacks: Route 53 still moves traffic by itself when the primary's endpoint check fails or its ALB has no healthy target; block stops only the workflow"],
        (FlagMode.Force, _) => ["force makes an operator's start act against the evidence and the cooldown: a failover of a healthy primary, a failback onto an unhealthy one; the alarm rule and the probe still act only where the primary is not healthy"],
        _ => [],
    };

    private static async Task<(DeployedStack Primary, DeployedStack Secondary, ControlReplicas Replicas)> StacksAsync(Session session, CancellationToken ct)
    {
        var primary = await session.PrimaryAsync(ct);
        var secondary = await session.SecondaryAsync(ct);
        return (primary, secondary, new ControlReplicas(session.Aws, session.Output, primary, secondary));
    }

    /// Who is calling, asked in the secondary's region first (the primary's may be the one not answering).
    private static async Task<string> CallerAsync(Session session, DeployedStack first, DeployedStack then, CancellationToken ct)
    {
        try
        {
            return await session.Aws.Sts(first.Region).CallerArnAsync(ct);
        }
        catch (FunctionException e) when (e.ErrorType is ErrorTypes.AwsUnreachable or ErrorTypes.AwsServerError or ErrorTypes.AwsThrottled)
        {
            return await session.Aws.Sts(then.Region).CallerArnAsync(ct);
        }
    }

    /// The default `pulumi config` holds (the compiler's own when unset); unknown when the backend cannot answer, which must
    /// not hide the flag in force.
    private static async Task<string> ConfigDefaultAsync(Session session, string stack, CancellationToken ct)
    {
        JsonObject config;
        try
        {
            config = await session.Pulumi.ConfigAsync(stack, ct);
        }
        catch (OpsException e)
        {
            session.Output.Warn(e.Message);
            return "unknown";
        }
        return config[$"failover:{StackSection.DefaultFlag.Key}"] is JsonObject entry && entry["value"] is JsonValue v && v.TryGetValue<string>(out var text)
            ? Wire.ParseFlag(text) is { } mode ? Wire.Of(mode) : text
            : StackSection.DefaultFlag.DefaultText!;
    }

    private static string Iso(DateTimeOffset time) => Attr.Iso(time);
}
