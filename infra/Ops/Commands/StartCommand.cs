using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Failover.Functions.Handlers;
using Failover.Functions.Runtime;
using Failover.Ops.Aws;
using Failover.Ops.Cli;
using static Failover.Ops.Cli.JsonText;
using Failover.Ops.Pulumi;
using States = Failover.Infra.Control.WorkflowDefinition.States;

namespace Failover.Ops.Commands;

/// `failoverctl start failover|failback|drill`: starts the workflow of the region being promoted, and with --wait follows it.
public static class StartCommand
{
    public static Command Build(OpsContext context)
    {
        var action = new Argument<string>("action") { Description = "failover (into the secondary), failback (into the primary) or drill (scale the secondary up and back; traffic never moves)" };
        action.CompletionSources.Add("failover", "failback", "drill");
        var reason = new Option<string?>("--reason") { Description = "Why: goes into the decision record and every notification (required with --force)" };
        var force = new Option<bool>("--force") { Description = "Act even if the evidence says the primary is healthy (a block flag still wins)" };
        var wait = new Option<bool>("--wait") { Description = "Follow the run state by state until it ends; exit 0 only if it did what it was started for" };
        var start = CommandHelp.Attach(new Command("start", "Start a failover, failback or drill in the region it promotes") { action, reason, force, wait }, [
            "failoverctl start drill --wait",
            "failoverctl start failover --reason \"us-east-1 ALB 5xx since 09:12\" --wait",
            "failoverctl start failover --force --reason \"planned evacuation\" --wait",
            "failoverctl start failback --reason \"us-east-1 recovered\" --wait",
        ],
            (ExitCodes.Ok, "started; with --wait: the run did what it was started for"),
            (ExitCodes.Failed, "the run could not be started, or (--wait) it failed, timed out or was aborted"),
            (ExitCodes.Refused, "(--wait) the workflow decided not to act (BLOCKED, NO_ACTION): nothing was changed"),
            (ExitCodes.Unknown, "(--wait) contact with Step Functions was lost for 5 minutes: the run's outcome is unknown"));
        start.SetAction((parse, ct) =>
        {
            var request = Validate(parse.GetValue(action)!, parse.GetValue(reason), parse.GetValue(force));
            return RunAsync(new Session(context, parse), request, parse.GetValue(wait), ct);
        });
        return start;
    }

    /// A checked start request.
    public sealed record StartRequest(FailoverAction Action, string? Reason, bool Force);

    public static StartRequest Validate(string action, string? reason, bool force)
    {
        if (Wire.ParseAction(action) is not { } parsed)
            throw OpsException.Usage($"unknown action '{Arguments.Cut(action)}': use failover, failback or drill");
        reason = Arguments.Reason(reason);
        if (force && reason is null) throw OpsException.Usage("--force needs --reason: a forced failover must say why");
        if (force && parsed == FailoverAction.Drill) throw OpsException.Usage("--force does not apply to a drill: a drill never moves traffic, and decide refuses one while the primary is unhealthy");
        return new StartRequest(parsed, reason, force);
    }

    private static async Task<int> RunAsync(Session session, StartRequest request, bool wait, CancellationToken ct)
    {
        var action = Wire.Of(request.Action);
        var primary = await session.PrimaryAsync(ct);
        var secondary = await session.SecondaryAsync(ct);
        var target = new[] { secondary, primary }.FirstOrDefault(d => d.WorkflowActions.Contains(action))
            ?? throw new OpsException($"neither stack's workflow runs {action} (workflowActions: {primary.Stack} {string.Join("/", primary.WorkflowActions)}, {secondary.Stack} {string.Join("/", secondary.WorkflowActions)})");

        var caller = await session.Aws.Sts(target.Region).CallerArnAsync(ct);
        var input = new JsonObject { ["action"] = action, ["source"] = Source(caller) };
        if (request.Reason is not null) input["reason"] = request.Reason;
        if (request.Force) input["force"] = true;
        var name = $"failoverctl-{action}-{session.Now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..6]}";
        // Named before the call: if the answer is lost, the run can still be found (and a retry with the same name and input
        // returns the same execution instead of starting a second one).
        session.Output.Progress($"Starting {action} in {target.Region} ({target.Stack}) as execution {name}");
        var execution = await session.Aws.StepFunctions(target.Region).StartExecutionAsync(target.StateMachineArn, name, input.ToJsonString(), ct);
        session.Output.Progress($"Started: {execution.Arn}");
        session.Output.Progress($"Console: https://{target.Region}.console.aws.amazon.com/states/home?region={target.Region}#/v2/executions/details/{execution.Arn}");
        if (!wait)
        {
            session.Output.Line(execution.Arn);
            session.Output.Result(new JsonObject { ["ok"] = true, ["executionArn"] = execution.Arn, ["region"] = target.Region, ["stack"] = target.Stack, ["input"] = input });
            return ExitCodes.Ok;
        }
        return await FollowAsync(session, execution.Arn, action, target, ct);
    }

    /// Contact lost for this long while following: the run's outcome is reported as unknown instead of guessed.
    public static readonly TimeSpan LostContactLimit = TimeSpan.FromMinutes(5);

    /// Polls until the run ends, printing each state as it is entered; the exit code says whether it did what it was started for.
    /// A poll that fails is retried (the run goes on without us); Ctrl-C stops following, not the run.
    public static async Task<int> FollowAsync(Session session, string executionArn, string action, DeployedStack target, CancellationToken ct)
    {
        long seen = 0;
        DateTimeOffset? begun = null, lostSince = null;
        string? lastState = null;
        var states = new JsonArray();
        // A state can last minutes (readiness, a drill's hold): without news for a while, a line says the run is still going.
        var following = session.Context.Time.GetTimestamp();
        var heard = following;
        try
        {
            while (true)
            {
                Execution described;
                try
                {
                    var sfn = session.Aws.StepFunctions(target.Region);
                    described = await sfn.DescribeExecutionAsync(executionArn, ct);
                    begun ??= described.StartDate;
                    foreach (var e in await session.Aws.StepFunctions(target.Region).HistoryAsync(executionArn, seen, ct))
                    {
                        seen = e.Id;
                        var offset = begun is { } b ? $"+{(e.Timestamp - b).TotalSeconds,6:0.0}s" : "";
                        if (e.Type.EndsWith("StateEntered", StringComparison.Ordinal) && e.StateName is not null)
                        {
                            lastState = e.StateName;
                            states.Add(new JsonObject { ["state"] = e.StateName, ["at"] = Functions.Aws.Attr.Iso(e.Timestamp) });
                            session.Output.Progress($"  {offset}  {e.StateName}");
                            heard = session.Context.Time.GetTimestamp();
                        }
                        else if (e.Type.EndsWith("Failed", StringComparison.Ordinal) || e.Type.EndsWith("TimedOut", StringComparison.Ordinal))
                        {
                            session.Output.Progress($"  {offset}  {e.Type}{(e.Error is null ? "" : $": {e.Error}")}{(e.Cause is null ? "" : $" ({Short(e.Cause)})")}");
                        }
                    }
                    lostSince = null;
                }
                catch (FunctionException e) when (ErrorTypes.All.TryGetValue(e.ErrorType, out var kind) && kind.Category != ErrorCategory.Rejected)
                {
                    lostSince ??= session.Now;
                    if (session.Now - lostSince > LostContactLimit)
                        throw new OpsException($"lost contact with Step Functions in {target.Region} for {Durations.Human(session.Now - lostSince.Value)} while following {executionArn} ({e.Message}); " +
                            "its outcome is unknown: check it with failoverctl status", ExitCodes.Unknown);
                    session.Output.Warn($"could not read the run ({e.Message}); trying again");
                    await Task.Delay(session.Context.PollInterval, session.Context.Time, ct);
                    continue;
                }
                if (described.Status != "RUNNING") return Report(session, described, action, lastState, states, target);
                if (session.Context.Time.GetElapsedTime(heard) >= session.Context.ProgressInterval)
                {
                    session.Output.Progress($"  still running in {lastState ?? "its first state"} ({Durations.Human(session.Context.Time.GetElapsedTime(following))} so far)");
                    heard = session.Context.Time.GetTimestamp();
                }
                await Task.Delay(session.Context.PollInterval, session.Context.Time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw new OpsException($"stopped following {executionArn}; the run continues (failoverctl status shows how it ends)", ExitCodes.Interrupted);
        }
    }

    private static int Report(Session session, Execution run, string action, string? lastState, JsonArray states, DeployedStack target)
    {
        var output = Object(run.Output);
        var decision = output?["decision"] as JsonObject;
        var decided = Text(decision?["decision"]);
        var why = Text(decision?["reason"]);
        var took = run.StartDate is { } a && run.StopDate is { } b ? Durations.Human(b - a) : "?";
        var timings = Timings(output);

        // Done is the one end that did what was asked; Blocked and NoAction are successes of the workflow that changed nothing.
        var (exit, sentence) = (run.Status, lastState) switch
        {
            ("SUCCEEDED", States.Done) => (ExitCodes.Ok, $"{action} succeeded in {took} ({target.Region})."),
            ("SUCCEEDED", States.Blocked) => (ExitCodes.Refused, $"{action} was blocked by the user request flag: {why ?? "see the decision record"}; nothing was changed."),
            ("SUCCEEDED", States.NoAction) => (ExitCodes.Refused, $"{action} ended with no action: {why ?? "see the decision record"}; nothing was changed."),
            ("SUCCEEDED", _) => (ExitCodes.Failed, $"{action} ended in state {lastState ?? "?"}, which is not the workflow's success ({States.Done})."),
            _ => (ExitCodes.Failed, $"{action} {Ended(run.Status)} after {took}{(run.Error is null ? "" : $": {run.Error}")}{(run.Cause is null ? "" : $" ({Short(run.Cause)})")}."),
        };
        if (exit == ExitCodes.Ok) session.Output.Line(sentence);
        else session.Context.Err.WriteLine($"error: {sentence}");
        if (timings.Count > 0)
        {
            session.Output.Line();
            session.Output.Table(["step", "at", "since start", "since previous"], timings.Select(t => (IReadOnlyList<string>)[t.Step, Functions.Aws.Attr.Iso(t.At), t.SinceStart, t.SincePrevious]));
        }
        session.Output.Result(new JsonObject
        {
            ["ok"] = exit == ExitCodes.Ok, ["exitCode"] = exit, ["message"] = sentence, ["executionArn"] = run.Arn, ["status"] = run.Status, ["endState"] = lastState, ["decision"] = decided, ["reason"] = why,
            ["error"] = run.Error, ["cause"] = run.Cause, ["states"] = states,
            ["timings"] = new JsonArray([.. timings.Select(t => (JsonNode)new JsonObject { ["step"] = t.Step, ["at"] = Functions.Aws.Attr.Iso(t.At), ["sinceStartSeconds"] = t.Seconds })]),
        });
        return exit;
    }

    private static string Ended(string status) => status switch
    {
        "FAILED" => "failed",
        "TIMED_OUT" => "timed out",
        "ABORTED" => "was aborted",
        _ => $"ended {status}",
    };

    /// The drill's (and every run's) `timings`: started, decided, ready, finished, in the order they happened.
    private static List<(string Step, DateTimeOffset At, double Seconds, string SinceStart, string SincePrevious)> Timings(JsonObject? output)
    {
        var stamps = (output?["timings"] as JsonObject ?? [])
            .Select(p => (Step: p.Key, At: Text((p.Value as JsonObject)?["at"]) is { } at
                && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : (DateTimeOffset?)null))
            .Where(p => p.At is not null).Select(p => (p.Step, At: p.At!.Value)).OrderBy(p => p.At).ToList();
        var result = new List<(string, DateTimeOffset, double, string, string)>();
        for (var i = 0; i < stamps.Count; i++)
        {
            var since = stamps[i].At - stamps[0].At;
            result.Add((stamps[i].Step, stamps[i].At, Math.Round(since.TotalSeconds, 1), Durations.Human(since), i == 0 ? "" : Durations.Human(stamps[i].At - stamps[i - 1].At)));
        }
        return result;
    }

    // decide refuses a longer `source`; an assumed-role ARN fits with room to spare, a longer one is cut.
    private static string Source(string caller)
    {
        var source = $"failoverctl {caller}";
        return source.Length <= InputLimits.Source ? source : source[..InputLimits.Source];
    }



    private static string Short(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
