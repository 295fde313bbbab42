using System.CommandLine;
using System.Text.Json.Nodes;
using Failover.Infra.Config;
using Failover.Ops.Cli;
using static Failover.Ops.Cli.JsonText;
using Failover.Ops.Pulumi;
using Failover.Ops.Release;

namespace Failover.Ops.Commands;

/// `failoverctl deploy`: a release of both stacks, the way Pulumi's Automation API drives the CLI. Builds the functions' zip,
/// checks each stack's role, refuses while a failover is in force or running (the guard), previews every stack, asks (or takes
/// --yes), then updates the primary before the secondary, each with refresh, and reads each one's outputs as typed values.
/// It stops at the first failure, naming the stack, the reason, and what was and was not deployed.
public static class DeployCommand
{
    public static Command Build(OpsContext context)
    {
        var stacks = new Option<string?>("--stacks")
        {
            Description = "The stacks to deploy, comma-separated (default: both); the primary always goes first, whatever the order given",
        };
        var previewOnly = new Option<bool>("--preview-only") { Description = "Preview the stacks and stop: nothing is deployed (pull requests); the guard only warns" };
        var yes = new Option<bool>("--yes") { Description = "Deploy without asking (pipelines); without it failoverctl asks at a terminal, and refuses to start anywhere else" };
        var force = new Option<bool>("--force")
        {
            Description = "Deploy even while traffic is failed over, a run holds the lock, or the control table cannot be read (the release guard); a release then may undo a failover",
        };
        var skipBuild = new Option<bool>("--skip-build")
        {
            Description = $"Deploy the {FunctionsBuild.Zip} an earlier pipeline step built ({FunctionsBuild.Command}) instead of building it",
        };
        var deploy = CommandHelp.Attach(new Command("deploy",
            "Build the functions, preview both stacks, then update the primary before the secondary, each with refresh; refuses while traffic is failed over or a run holds the lock")
        {
            stacks, previewOnly, yes, force, skipBuild,
        }, [
            "failoverctl deploy",
            "failoverctl deploy --preview-only",
            "failoverctl deploy --yes --output json > release.json",
            "failoverctl deploy --yes --stacks secondary",
        ],
            (ExitCodes.Ok, "deployed (or, with --preview-only, previewed)"),
            (ExitCodes.Failed, "a step failed (build, config, preview, update, outputs): the error names the stack and what was deployed"),
            (ExitCodes.Refused, "refused by the release guard (traffic failed over, a run holds the lock) or not confirmed: nothing was deployed"));
        deploy.SetAction((parse, ct) =>
        {
            var session = new Session(context, parse);
            // Every argument is checked before any process runs.
            var request = Validate(session.Project, context, parse.GetValue(stacks), parse.GetValue(previewOnly), parse.GetValue(yes),
                parse.GetValue(force), parse.GetValue(skipBuild));
            return RunAsync(session, request, ct);
        });
        return deploy;
    }

    /// A checked deploy: the stacks in deploy order (primary first).
    public sealed record DeployRequest(IReadOnlyList<string> Stacks, bool PreviewOnly, bool Yes, bool Force, bool SkipBuild);

    public static DeployRequest Validate(Project project, OpsContext context, string? stacks, bool previewOnly, bool yes, bool force, bool skipBuild)
    {
        var selected = SelectStacks(stacks, project);
        if (!previewOnly && !yes && !context.Interactive)
            throw OpsException.Usage("deploy updates the stacks and nobody is at a terminal to confirm: pass --yes (pipelines), or --preview-only to only look");
        if (skipBuild && !File.Exists(Path.Combine(project.Directory, FunctionsBuild.Zip)))
            throw OpsException.Usage($"--skip-build needs {FunctionsBuild.Zip}, which is not there: build it first ({FunctionsBuild.Command}) or drop --skip-build");
        return new DeployRequest(selected, previewOnly, yes, force, skipBuild);
    }

    /// The stacks named in --stacks, in deploy order; every stack when it is not given.
    public static IReadOnlyList<string> SelectStacks(string? stacks, Project project)
    {
        if (stacks is null) return project.Stacks;
        var names = stacks.Split(',').Select(n => n.Trim()).ToList();
        if (names.Any(n => n.Length == 0))
            throw OpsException.Usage($"--stacks takes stack names separated by commas, such as --stacks {project.PrimaryStack},{project.SecondaryStack} (got '{Arguments.Cut(stacks)}')");
        if (names.FirstOrDefault(n => !project.Stacks.Contains(n)) is { } unknown)
            throw OpsException.Usage($"--stacks names an unknown stack '{Arguments.Cut(unknown)}': this project's stacks are {project.PrimaryStack} and " +
                $"{project.SecondaryStack} (--primary-stack, --secondary-stack)");
        if (names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw OpsException.Usage($"--stacks names {twice.Key} twice");
        // The secondary reads the primary's outputs through a stack reference: the primary always goes first.
        return [.. project.Stacks.Where(names.Contains)];
    }

    /// One stack's part in the release, as it goes.
    private sealed class StackReport(string stack, string role)
    {
        public string Stack { get; } = stack;
        public string Role { get; } = role;
        public string Status { get; set; } = "not started";
        public PreviewResult? Preview { get; set; }
        public ChangeSummary? Applied { get; set; }
        public DeployedStack? Deployed { get; set; }
        public JsonObject Outputs { get; set; } = [];

        public JsonObject ToJson() => new()
        {
            ["stack"] = Stack, ["role"] = Role, ["status"] = Status,
            ["preview"] = Preview is null ? null : new JsonObject
            {
                ["changeSummary"] = Preview.Summary.ToJson(),
                ["changes"] = new JsonArray([.. Preview.Changes.Select(c => (JsonNode)new JsonObject { ["op"] = c.Op, ["type"] = c.Type, ["name"] = c.Name })]),
            },
            ["changeSummary"] = Applied?.ToJson(),
            ["outputs"] = Deployed is not { } d ? null : new JsonObject
            {
                ["role"] = d.Role, ["region"] = d.Region, ["peerRegion"] = d.PeerRegion, ["stateMachineArn"] = d.StateMachineArn,
                ["recordFqdn"] = Text(Outputs["recordFqdn"]), ["controlTableName"] = d.ControlTableName, ["clusterName"] = d.ClusterName,
                ["serviceName"] = d.ServiceName, ["dnsFailover"] = d.DnsFailover, ["defaultFlag"] = d.DefaultFlag,
                ["workflowActions"] = new JsonArray([.. d.WorkflowActions.Select(a => (JsonNode)a)]),
            },
        };
    }

    private static async Task<int> RunAsync(Session session, DeployRequest request, CancellationToken ct)
    {
        var project = session.Project;
        var order = string.Join(" then ", request.Stacks);
        var guards = new JsonArray();

        // Roles first: a swapped pair is found in seconds, not after a native build.
        var reports = new List<StackReport>();
        var configs = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var stack in request.Stacks)
        {
            configs[stack] = await session.Pulumi.ConfigAsync(stack, ct);
            reports.Add(new StackReport(stack, CheckRole(session, stack, configs[stack])));
        }
        // Both stacks in one release: what they must share is compared as the compiler compares their files.
        if (configs.Count == 2) CheckAgreement(project, configs[project.PrimaryStack], configs[project.SecondaryStack]);

        // The guard reads where the failover state lives from the primary's outputs, whichever stacks are deployed.
        var target = ReleaseGuard.TargetFrom(project.PrimaryStack, await session.Pulumi.StackOutputsAsync(project.PrimaryStack, ct), out var missing);
        // A primary without outputs has never been deployed: the secondary's program reads them through its StackReference,
        // so it can neither be previewed nor deployed before the primary's update has created them.
        var firstDeploy = target is null;
        if (firstDeploy && !request.Stacks.Contains(project.PrimaryStack))
            throw OpsException.Usage($"stack {project.PrimaryStack} has not been deployed yet, and {string.Join(", ", request.Stacks)} reads its outputs: " +
                $"deploy it first (failoverctl deploy --stacks {project.PrimaryStack}), or both at once");
        Enforce(session, request, await ReleaseGuard.CheckAsync(session, target, missing, ct), order, "before the previews", guards);

        if (request.SkipBuild) session.Output.Progress($"Not building the functions (--skip-build): deploying the {FunctionsBuild.Zip} an earlier step built");
        else await FunctionsBuild.RunAsync(session, ct);

        // The secondary's preview reads the primary's current outputs; the primary's update may change them. The update
        // reads them again, so the preview can only be less exact, never act on stale values.
        foreach (var report in reports)
        {
            if (firstDeploy && report.Stack != project.PrimaryStack)
            {
                session.Output.Warn($"{report.Stack} is previewed after {project.PrimaryStack}'s first update: its program reads {project.PrimaryStack}'s outputs, which do not exist yet");
                continue;
            }
            await PreviewAsync(session, report, ct);
        }
        if (request.PreviewOnly)
        {
            session.Output.Line("Preview only: nothing was deployed.");
            session.Output.Result(Result(true, request, reports, guards));
            return ExitCodes.Ok;
        }

        if (!request.Yes) Confirm(session, request.Stacks);

        var current = reports[0];
        try
        {
            foreach (var report in reports)
            {
                current = report;
                // Again before every update: a failover can start while a person reads the preview or the primary updates.
                Enforce(session, request, await ReleaseGuard.CheckAsync(session, target, missing, ct), report.Stack, $"before updating {report.Stack}", guards);
                if (report.Preview is null)
                {
                    // Deferred on a first deploy: previewed now that the primary's outputs exist, and confirmed on its own.
                    await PreviewAsync(session, report, ct);
                    if (!request.Yes) Confirm(session, [report.Stack]);
                }

                session.Output.Progress($"Updating {report.Stack} (pulumi up --refresh)...");
                report.Status = "failed";
                report.Applied = await session.Pulumi.UpAsync(report.Stack, session.Output.Progress, ct);
                report.Status = "deployed";
                report.Outputs = await session.Pulumi.StackOutputsAsync(report.Stack, ct);
                report.Deployed = Typed(report.Stack, report.Outputs);
                ShowDeployed(session, report);
                if (report.Stack == project.PrimaryStack) target = ReleaseGuard.TargetFrom(project.PrimaryStack, report.Outputs, out missing);
            }
        }
        catch (OpsException e)
        {
            return Stopped(session, request, reports, current, guards, e);
        }
        session.Output.Line($"Deployed {order}.");
        session.Output.Result(Result(true, request, reports, guards));
        return ExitCodes.Ok;
    }

    private static async Task PreviewAsync(Session session, StackReport report, CancellationToken ct)
    {
        session.Output.Progress($"Previewing {report.Stack} (pulumi preview --refresh)...");
        report.Preview = await session.Pulumi.PreviewAsync(report.Stack, ct);
        report.Status = "previewed";
        ShowPreview(session, report);
    }

    /// Each stack's `failover:role` must be the one it is given as: a swapped pair would deploy a second primary.
    private static string CheckRole(Session session, string stack, JsonObject config)
    {
        var expected = stack == session.Project.PrimaryStack ? "primary" : "secondary";
        var role = config[$"failover:{StackSection.Role.Key}"] is JsonObject entry ? Text(entry["value"]) : null;
        if (role is null)
            throw OpsException.Usage($"stack {stack} has no failover:role: set it (pulumi config set failover:role {expected} --stack {stack})");
        if (role != expected)
            throw OpsException.Usage($"stack {stack} has failover:role {Arguments.Cut(role)}, but it is given as the {expected} stack (--{expected}-stack {stack}): " +
                $"swap --primary-stack and --secondary-stack, or fix failover:role in Pulumi.{stack}.yaml");
        return role;
    }

    /// The keys both stacks must share (StackAgreement, the compiler's own check), from `pulumi config --json` of each: a
    /// mismatch stops the release before anything is built (exit 2; --force does not override it). A config the compiler's parser
    /// cannot read here (a secret it cannot see) is left to the previews, which compile it with everything Pulumi knows.
    private static void CheckAgreement(Project project, JsonObject primary, JsonObject secondary)
    {
        StackConfig? Parse(string stack, JsonObject config)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, entry) in config)
                if (entry is JsonObject e && Text(e["value"]) is { } value) values[key] = value;
            var name = values.Keys.Select(k => k.Split(':')[0]).FirstOrDefault(ns => ns != "aws") ?? "failover";
            return ConfigParser.Parse(new StackInputs(name, stack, "organization", values, $"the config of stack {stack}")).Config;
        }
        if (Parse(project.PrimaryStack, primary) is not { } p || Parse(project.SecondaryStack, secondary) is not { } q) return;
        var problems = StackAgreement.Problems(p, $"the config of stack {project.PrimaryStack}", q, $"the config of stack {project.SecondaryStack}");
        if (problems.Count > 0)
            throw OpsException.Usage($"the stacks disagree, so nothing was deployed: {string.Join("; ", problems)}");
    }

    /// A clear guard goes on; a refusal stops with exit 3, unless --force (a loud warning) or --preview-only (a preview changes nothing).
    private static void Enforce(Session session, DeployRequest request, GuardFinding finding, string stacks, string stage, JsonArray guards)
    {
        var record = finding.ToJson();
        record["stage"] = stage;
        record["overridden"] = !finding.Clear && request.Force && !request.PreviewOnly;
        guards.Add(record);
        if (finding.Clear)
        {
            session.Output.Progress($"Guard ({stage}): {finding.Summary}.");
            return;
        }
        if (request.PreviewOnly)
        {
            session.Output.Warn($"the release guard would refuse an update now: {finding.Reasons}");
            return;
        }
        if (request.Force)
        {
            foreach (var problem in finding.Problems)
                session.Output.Warn($"--force overrides the release guard ({stage}): {problem.What}. Deploying anyway: this release may undo a failover or work against the run in progress.");
            return;
        }
        throw new OpsException(finding.Refusal(stacks), ExitCodes.Refused);
    }

    private static void Confirm(Session session, IReadOnlyList<string> stacks)
    {
        session.Context.Err.Write($"Deploy {string.Join(" then ", stacks)}? [y/N] ");
        session.Context.Err.Flush();
        var answer = session.Context.In.ReadLine()?.Trim().ToLowerInvariant();
        if (answer is not ("y" or "yes")) throw new OpsException("not confirmed: nothing was deployed", ExitCodes.Refused);
    }

    private static DeployedStack Typed(string stack, JsonObject outputs)
    {
        try
        {
            return DeployedStack.From(stack, outputs);
        }
        catch (OpsException e)
        {
            throw new OpsException($"stack {stack} was updated, but its outputs are not the ones failoverctl reads ({e.Message}); " +
                "deploy with the failoverctl of the same commit as the program");
        }
    }

    /// A release that stopped part-way: one sentence with the reason and what was deployed, failed, and never started.
    private static int Stopped(Session session, DeployRequest request, List<StackReport> reports, StackReport current, JsonArray guards, OpsException e)
    {
        var deployed = reports.Where(r => r.Status == "deployed").Select(r => r.Stack).ToList();
        var failed = reports.Where(r => r.Status == "failed").Select(r => r.Stack).ToList();
        var notStarted = reports.Where(r => r.Status is "previewed" or "not started").Select(r => r.Stack).ToList();
        var parts = new List<string> { $"deployed: {(deployed.Count == 0 ? "none" : string.Join(", ", deployed))}" };
        if (failed.Count > 0) parts.Add($"failed: {string.Join(", ", failed)} (Pulumi keeps the steps it completed)");
        if (notStarted.Count > 0) parts.Add($"not started: {string.Join(", ", notStarted)}");
        var redo = string.Join(",", failed.Concat(notStarted));
        var sentence = $"{e.Message.TrimEnd('.')}. {Capitalised(string.Join("; ", parts))}" +
            (deployed.Count > 0 && redo.Length > 0 ? $"; once fixed, run failoverctl deploy --stacks {redo}" : "");
        session.Context.Err.WriteLine($"error: {sentence}");
        var result = Result(false, request, reports, guards);
        result["error"] = sentence;
        result["exitCode"] = e.ExitCode;
        result["stoppedAt"] = current.Stack;
        session.Output.Result(result);
        return e.ExitCode;
    }

    private static JsonObject Result(bool ok, DeployRequest request, List<StackReport> reports, JsonArray guards) => new()
    {
        ["ok"] = ok, ["previewOnly"] = request.PreviewOnly, ["build"] = request.SkipBuild ? "skipped" : "built", ["forced"] = request.Force,
        ["guard"] = guards,
        ["stacks"] = new JsonArray([.. reports.Select(r => (JsonNode)r.ToJson())]),
        ["deployed"] = new JsonArray([.. reports.Where(r => r.Status == "deployed").Select(r => (JsonNode)r.Stack)]),
        ["notDeployed"] = new JsonArray([.. reports.Where(r => r.Status != "deployed").Select(r => (JsonNode)r.Stack)]),
    };

    private static void ShowPreview(Session session, StackReport report)
    {
        var preview = report.Preview!;
        session.Output.Line($"{report.Stack}: {preview.Summary}");
        var changes = preview.Changes.ToList();
        if (changes.Count > 0)
            session.Output.Table(["  change", "type", "resource"], changes.Select(c => (IReadOnlyList<string>)[$"  {c.Op}", c.Type, c.Name]));
        // A new task definition revision is how every image change ships; any other replacement or deletion deserves a look.
        var destructive = changes.Where(c => c.Destructive && c.Type != "aws:ecs/taskDefinition:TaskDefinition").ToList();
        if (destructive.Count > 0)
            session.Output.Warn($"{report.Stack}: this update replaces or deletes {string.Join(", ", destructive.Select(c => $"{c.Name} ({c.Op})"))}; " +
                "a replaced service or scalable target starts again at the counts the stack declares (docs/deploying.md, Names and replacements)");
    }

    private static void ShowDeployed(Session session, StackReport report)
    {
        var d = report.Deployed!;
        session.Output.Line($"{report.Stack} deployed in {d.Region}: {report.Applied}");
        session.Output.Line($"  state machine  {d.StateMachineArn}");
        if (Text(report.Outputs["recordFqdn"]) is { } fqdn) session.Output.Line($"  record         {fqdn}");
    }

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

}
