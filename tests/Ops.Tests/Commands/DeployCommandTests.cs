using System.Text.Json.Nodes;
using Failover.Ops.Tests.Harness;

namespace Failover.Ops.Tests.Commands;

/// `failoverctl deploy`: against a fake `pulumi` that answers with recorded Pulumi 3.x JSON (Recorded/) and a fake `dotnet`,
/// with the control table in moto. The guard refuses what could undo a failover; a failure stops the release and says where.
public sealed class DeployCommandTests(MotoServer moto) : OpsWorld(moto)
{
    private const string Build = "dotnet publish functions -c Release";

    private static string Config(string stack) => $"pulumi config --json --stack {stack} --non-interactive";
    private static string Outputs(string stack) => $"pulumi stack output --json --stack {stack} --non-interactive";
    private static string Preview(string stack) => $"pulumi preview --stack {stack} --refresh --json --non-interactive";
    private static string Up(string stack) => $"pulumi up --stack {stack} --yes --skip-preview --refresh --json --non-interactive";

    private static string Recorded(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recorded", name));

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Pulumi.Answer("preview", "primary", Recorded("preview.primary.json"));
        Pulumi.Answer("preview", "secondary", Recorded("preview.secondary.json"));
        Pulumi.Answer("up", "primary", Recorded("up.primary.jsonl"));
        Pulumi.Answer("up", "secondary", Recorded("up.secondary.jsonl"));
    }

    private IEnumerable<string> Updates => Pulumi.CommandLines.Where(c => c.StartsWith("pulumi up", StringComparison.Ordinal));

    private IEnumerable<string> PreviewsAndUpdates => Pulumi.CommandLines.Where(c => c.StartsWith("pulumi up", StringComparison.Ordinal) || c.StartsWith("pulumi preview", StringComparison.Ordinal));

    /// The lines of the error sentence (progress shares stderr with it).
    private static IReadOnlyList<string> ErrorLines(Run run) =>
        [.. run.Stderr.Split('\n').Select(l => l.TrimEnd()).Where(l => l.StartsWith("error: ", StringComparison.Ordinal))];

    // The secondary's replica: the one failoverctl reads first from a strongly consistent table (moto does not replicate).
    private Task PutStateAsync(JsonObject item, string region = "us-west-2") => PutItemAsync(item, region);

    private static JsonObject FailedOver => new() { ["pk"] = "state", ["activeRegion"] = "us-west-2", ["epoch"] = 1 };

    /// The one test of the whole sequence of calls; the others assert the updates made and what the person or pipeline reads.
    [Fact]
    public async Task A_release_builds_previews_both_stacks_then_updates_the_primary_before_the_secondary_each_with_refresh()
    {
        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(0, run.ToString());
        Pulumi.CommandLines.Should().Equal(
            Config("primary"), Config("secondary"),
            Outputs("primary"),
            Build,
            Preview("primary"), Preview("secondary"),
            Up("primary"), Outputs("primary"),
            Up("secondary"), Outputs("secondary"));
        run.Stdout.Should().Contain("Deployed primary then secondary.");
    }

    [Fact]
    public async Task Stacks_given_in_any_order_still_deploy_the_primary_first()
    {
        var run = await RunAsync("deploy", "--yes", "--stacks", "secondary,primary");

        run.Exit.Should().Be(0, run.ToString());
        Updates.Should().Equal(Up("primary"), Up("secondary"));
        run.Stdout.Should().Contain("Deployed primary then secondary.");
    }

    [Fact]
    public async Task A_subset_deploys_only_the_named_stack_and_the_guard_still_reads_the_primary()
    {
        var run = await RunAsync("deploy", "--yes", "--stacks", "secondary");

        run.Exit.Should().Be(0, run.ToString());
        PreviewsAndUpdates.Should().Equal(Preview("secondary"), Up("secondary"));
        run.Stderr.Should().Contain("Guard (before updating secondary):").And.Contain("the primary's gate is open", "the guard reads the primary's outputs");
        run.Stdout.Should().Contain("Deployed secondary.");
    }

    [Fact]
    public async Task Preview_only_shows_each_stacks_changes_and_updates_nothing()
    {
        var run = await RunAsync("deploy", "--preview-only");

        run.Exit.Should().Be(0, run.ToString());
        Pulumi.CommandLines.Should().Contain([Preview("primary"), Preview("secondary")]);
        Updates.Should().BeEmpty();
        run.Stdout.Should().Contain("primary: 1 replace, 131 same, 2 update").And.Contain("secondary: 1 replace, 127 same, 2 update");
        run.Stdout.Should().MatchRegex(@"replace\s+aws:ecs/taskDefinition:TaskDefinition\s+task-definition");
        run.Stdout.Should().MatchRegex(@"update\s+aws:lambda/function:Function\s+decide-function");
        run.Stdout.Should().Contain("Preview only: nothing was deployed.");
    }

    [Fact]
    public async Task Preview_only_while_failed_over_previews_and_warns_what_an_update_would_meet()
    {
        await PutStateAsync(FailedOver);

        var run = await RunAsync("deploy", "--preview-only");

        run.Exit.Should().Be(0, run.ToString());
        Pulumi.CommandLines.Should().Contain([Preview("primary"), Preview("secondary")], "a preview changes nothing, and during an incident is how a fix is reviewed");
        Updates.Should().BeEmpty();
        run.Stderr.Should().Contain("warning: the release guard would refuse an update now: traffic is failed over");
    }

    [Fact]
    public async Task Without_yes_and_without_a_terminal_nothing_runs()
    {
        var run = await RunAsync("deploy");

        run.Exit.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("pass --yes (pipelines)");
        Pulumi.CommandLines.Should().BeEmpty("the confirmation is settled before anything is built or read");
    }

    [Fact]
    public async Task At_a_terminal_the_release_asks_and_a_no_deploys_nothing()
    {
        Terminal = "n\n";

        var run = await RunAsync("deploy");

        run.Exit.Should().Be(3, run.ToString());
        run.Stderr.Should().Contain("Deploy primary then secondary? [y/N]").And.Contain("error: not confirmed: nothing was deployed");
        Pulumi.CommandLines.Should().Contain(Preview("secondary"), "the person answers after seeing the previews");
        Updates.Should().BeEmpty();
    }

    [Fact]
    public async Task At_a_terminal_a_yes_deploys()
    {
        Terminal = "y\n";

        var run = await RunAsync("deploy");

        run.Exit.Should().Be(0, run.ToString());
        run.Stderr.Should().Contain("Deploy primary then secondary? [y/N]");
        Updates.Should().Equal(Up("primary"), Up("secondary"));
        run.Stdout.Should().Contain("Deployed primary then secondary.");
    }

    [Fact]
    public async Task A_failed_primary_update_stops_before_the_secondary_and_names_the_stack_and_the_reason()
    {
        Pulumi.Answer("up", "primary", Recorded("up.primary.failed.jsonl"), exit: 255);

        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(1, run.ToString());
        Updates.Should().Equal(Up("primary"));
        Pulumi.CommandLines.Should().NotContain(Outputs("secondary"));
        ErrorLines(run).Should().HaveCount(1, "one sentence");
        run.Stderr.Should().Contain("error: pulumi up failed for stack primary: service (aws:ecs/service:Service): updating ECS Service " +
            "(arn:aws:ecs:us-east-1:123456789012:service/failover-primary/failover-primary): operation error ECS: UpdateService");
        run.Stderr.Should().Contain("InvalidParameterException: The container app did not have a container port 8080 defined.");
        run.Stderr.Should().Contain("Deployed: none; failed: primary (Pulumi keeps the steps it completed); not started: secondary");
    }

    [Fact]
    public async Task A_failed_secondary_update_says_the_primary_is_deployed_and_what_to_run_next()
    {
        Pulumi.Answer("up", "secondary", Recorded("up.primary.failed.jsonl").Replace("primary", "secondary").Replace("us-east-1", "us-west-2"), exit: 255);

        var run = await RunAsync("deploy", "--yes", "--output", "json");

        run.Exit.Should().Be(1, run.ToString());
        run.Stderr.Should().Contain("pulumi up failed for stack secondary")
            .And.Contain("Deployed: primary; failed: secondary").And.Contain("once fixed, run failoverctl deploy --stacks secondary");
        var json = run.Json;
        json["ok"]!.GetValue<bool>().Should().BeFalse();
        json["exitCode"]!.GetValue<int>().Should().Be(1);
        json["deployed"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("primary");
        json["notDeployed"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("secondary");
        json["stacks"]!.AsArray().Select(s => s!["status"]!.GetValue<string>()).Should().Equal("deployed", "failed");
    }

    [Fact]
    public async Task A_failed_preview_stops_before_any_update_and_names_the_stack_and_the_reason()
    {
        Pulumi.Answer("preview", "secondary", Recorded("preview.secondary.failed.json"), exit: 255);

        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(1, run.ToString());
        Updates.Should().BeEmpty();
        run.Stderr.Should().Contain("error: pulumi preview failed for stack secondary: pulumi:providers:aws resource 'default_7_48_0' has a problem: " +
            "unable to validate AWS credentials.");
    }

    [Fact]
    public async Task A_failed_build_stops_before_any_preview_and_names_the_compiler_error()
    {
        Pulumi.Build(1, "  Determining projects to restore...\n" +
            "/src/functions/Handlers/DecideHandler.cs(12,5): error CS1002: ; expected [/src/functions/Functions.csproj]\n");

        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(1, run.ToString());
        PreviewsAndUpdates.Should().BeEmpty();
        ErrorLines(run).Should().Equal("error: building the functions failed (dotnet publish functions -c Release, exit code 1): " +
            "/src/functions/Handlers/DecideHandler.cs(12,5): error CS1002: ; expected");
    }

    [Fact]
    public async Task Skip_build_deploys_the_zip_an_earlier_step_built()
    {
        Directory.CreateDirectory(Path.Combine(ProjectDir, "functions", "dist"));
        File.WriteAllText(Path.Combine(ProjectDir, "functions", "dist", "lambda.zip"), "zip");

        var run = await RunAsync("deploy", "--yes", "--skip-build");

        run.Exit.Should().Be(0, run.ToString());
        Pulumi.CommandLines.Should().NotContain(c => c.StartsWith("dotnet", StringComparison.Ordinal));
        Updates.Should().Equal(Up("primary"), Up("secondary"));
        run.Stderr.Should().Contain("Not building the functions (--skip-build)");
    }

    [Fact]
    public async Task The_guard_refuses_while_traffic_is_failed_over()
    {
        await PutStateAsync(FailedOver);

        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(3, run.ToString());
        PreviewsAndUpdates.Should().BeEmpty();
        ErrorLines(run).Should().HaveCount(1, "one sentence");
        run.Stderr.Should().Contain("error: refusing to deploy primary then secondary: traffic is failed over: the control table (us-west-2) says us-west-2 is active, " +
            "not the primary's region us-east-1");
        run.Stderr.Should().Contain("; fail back first (failoverctl start failback --wait). Or pass --force to deploy anyway");
    }

    [Fact]
    public async Task The_guard_refuses_while_a_run_holds_the_lock()
    {
        Now = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        var owner = "arn:aws:states:us-west-2:123456789012:execution:failover-secondary-failover:run-1";
        await PutStateAsync(new JsonObject { ["pk"] = "state", ["lockOwner"] = owner, ["lockLeaseExpiresAt"] = Now!.Value.AddMinutes(10).ToUnixTimeSeconds() });

        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(3, run.ToString());
        PreviewsAndUpdates.Should().BeEmpty();
        run.Stderr.Should().Contain($"a failover, failback or drill is running: {owner} holds the lock until 2026-11-26T09:10:00.000Z (in 10m00s)")
            .And.Contain("; wait for it to end (failoverctl status)");
    }

    [Fact]
    public async Task An_expired_lock_does_not_hold_a_release_back()
    {
        await PutStateAsync(new JsonObject { ["pk"] = "state", ["lockOwner"] = "run-1", ["lockLeaseExpiresAt"] = Now!.Value.AddMinutes(-1).ToUnixTimeSeconds() });

        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(0, run.ToString());
        run.Stderr.Should().Contain("an expired lock of run-1");
    }

    [Fact]
    public async Task Force_deploys_while_failed_over_and_says_so_loudly()
    {
        await PutStateAsync(FailedOver);

        var run = await RunAsync("deploy", "--yes", "--force");

        run.Exit.Should().Be(0, run.ToString());
        Updates.Should().Equal(Up("primary"), Up("secondary"));
        run.Stderr.Should().Contain("warning: --force overrides the release guard (before updating primary): traffic is failed over")
            .And.Contain("Deploying anyway: this release may undo a failover");
    }

    [Fact]
    public async Task When_the_secondarys_replica_does_not_answer_the_guard_reads_the_primarys()
    {
        await PutStateAsync(FailedOver, "us-east-1");
        var env = Environment();
        env["AWS_ENDPOINT_URL_DYNAMODB_US_WEST_2"] = $"http://127.0.0.1:{MotoServer.FreePort()}";

        var run = await RunAsync(env, "deploy", "--yes");

        run.Exit.Should().Be(3, run.ToString());
        run.Stderr.Should().Contain("the control table in us-west-2 did not answer").And.Contain("the control table (us-east-1) says us-west-2 is active");
        PreviewsAndUpdates.Should().BeEmpty();
    }

    [Fact]
    public async Task A_control_table_that_cannot_be_read_refuses_the_release()
    {
        var env = Environment();
        env["AWS_ENDPOINT_URL_DYNAMODB"] = $"http://127.0.0.1:{MotoServer.FreePort()}";

        var run = await RunAsync(env, "deploy", "--yes");

        run.Exit.Should().Be(3, run.ToString());
        run.Stderr.Should().Contain("the control table failover-control could not be read in us-west-2 and us-east-1")
            .And.Contain("so nothing shows that traffic is not failed over");
        PreviewsAndUpdates.Should().BeEmpty();
    }

    [Fact]
    public async Task Force_deploys_when_the_control_table_cannot_be_read()
    {
        var env = Environment();
        env["AWS_ENDPOINT_URL_DYNAMODB"] = $"http://127.0.0.1:{MotoServer.FreePort()}";

        var run = await RunAsync(env, "deploy", "--yes", "--force");

        run.Exit.Should().Be(0, run.ToString());
        Updates.Should().Equal(Up("primary"), Up("secondary"));
        run.Stderr.Should().Contain("warning: --force overrides the release guard").And.Contain("could not be read");
    }

    [Fact]
    public async Task A_failover_that_starts_during_the_primarys_update_stops_the_release_before_the_secondary()
    {
        Pulumi.Answer("up", "primary", new JsonObject
        {
            ["stdout"] = Recorded("up.primary.jsonl"),
            ["putItem"] = new JsonObject { ["region"] = "us-west-2", ["table"] = "failover-control", ["item"] = FailedOver },
        });

        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(3, run.ToString());
        Updates.Should().Equal(Up("primary"));
        run.Stderr.Should().Contain("error: refusing to deploy secondary: traffic is failed over")
            .And.Contain("Deployed: primary; not started: secondary; once fixed, run failoverctl deploy --stacks secondary");
    }

    [Fact]
    public async Task A_first_deploy_needs_no_guard_and_reports_the_outputs_the_update_created()
    {
        Pulumi.Outputs("primary", new JsonObject());
        Pulumi.Outputs("secondary", new JsonObject());
        Pulumi.Answer("up", "primary", new JsonObject { ["stdout"] = Recorded("up.primary.jsonl"), ["setOutputs"] = Primary.DeepClone() });
        Pulumi.Answer("up", "secondary", new JsonObject { ["stdout"] = Recorded("up.secondary.jsonl"), ["setOutputs"] = Secondary.DeepClone() });
        // The control table is there from the primary's update on: the check before the secondary reads it.
        await PutStateAsync(new JsonObject { ["pk"] = "state", ["activeRegion"] = "us-east-1", ["epoch"] = 0 });

        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(0, run.ToString());
        run.Stderr.Should().Contain("the primary stack has no outputs yet: a first deploy, no failover can be in progress");
        run.Stderr.Should().Contain("Guard (before updating secondary): the control table (us-west-2): us-east-1 is active (epoch 0)");
        run.Stdout.Should().Contain("primary deployed in us-east-1: 1 replace, 131 same, 2 update")
            .And.Contain($"state machine  {Primary["stateMachineArn"]}");
        // The secondary's program reads the primary's outputs: it is previewed only once the primary's update made them.
        PreviewsAndUpdates.Should().Equal(Preview("primary"), Up("primary"), Preview("secondary"), Up("secondary"));
        run.Stderr.Should().Contain("secondary is previewed after primary's first update");
    }

    [Fact]
    public async Task The_secondary_alone_before_the_primary_was_ever_deployed_is_refused()
    {
        Pulumi.Outputs("primary", new JsonObject());

        var run = await RunAsync("deploy", "--yes", "--stacks", "secondary");

        run.Exit.Should().Be(2, run.ToString());
        ErrorLines(run).Should().ContainSingle().Which.Should().Contain("stack primary has not been deployed yet, and secondary reads its outputs: deploy it first");
        PreviewsAndUpdates.Should().BeEmpty();
    }

    [Fact]
    public async Task The_guard_refuses_while_the_primarys_metric_gate_alarm_is_in_alarm_though_the_table_says_the_primary_is_active()
    {
        await PutStateAsync(new JsonObject { ["pk"] = "state", ["activeRegion"] = "us-east-1", ["epoch"] = 2 });
        // Only the alarm moves: the health check's inversion says nothing of a metric gate.
        await Moto.WorldAsync("alarm", "us-west-2", "failover-primary-traffic-gate", "ALARM");

        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(3, run.ToString());
        run.Stderr.Should().Contain("the primary's traffic gate is closed (its alarm failover-primary-traffic-gate in us-west-2 is in ALARM): Route 53 sends traffic to the secondary, whatever the control table says");
        PreviewsAndUpdates.Should().BeEmpty();
    }

    [Fact]
    public async Task The_guard_refuses_when_the_primarys_metric_gate_alarm_cannot_be_read()
    {
        Primary["trafficGate"]!["alarmName"] = "failover-primary-no-such-gate";
        Pulumi.Outputs("primary", Primary);

        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(3, run.ToString());
        run.Stderr.Should().Contain("the primary's traffic gate (alarm failover-primary-no-such-gate in us-west-2) could not be read")
            .And.Contain("cloudwatch:DescribeAlarms");
        PreviewsAndUpdates.Should().BeEmpty();
    }

    [Fact]
    public async Task The_guard_refuses_a_primary_whose_gate_is_of_a_kind_it_cannot_read()
    {
        Primary["trafficGate"] = new JsonObject { ["kind"] = "zonal-shift", ["healthCheckId"] = Primary["gateHealthCheckId"]!.GetValue<string>() };
        Pulumi.Outputs("primary", Primary);

        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(3, run.ToString());
        run.Stderr.Should().Contain("stack primary's output trafficGate is not a gate this version of failoverctl can read (kind zonal-shift;")
            .And.Contain("so nothing shows that traffic is on the primary; update failoverctl, or deploy the primary again");
        PreviewsAndUpdates.Should().BeEmpty();
    }

    [Fact]
    public async Task The_guard_releases_while_the_primarys_metric_gate_has_never_moved()
    {
        var run = await RunAsync("deploy", "--preview-only", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        run.Json["guard"]![0]!["summary"]!.GetValue<string>().Should().EndWith("the primary's gate is open, never moved (metric, switched in us-west-2)");
    }

    [Fact]
    public async Task The_guard_refuses_while_a_route53_api_gate_is_inverted_whatever_the_table_says()
    {
        await UseRoute53ApiGatesAsync();
        await CloseGateAsync(Primary);

        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(3, run.ToString());
        run.Stderr.Should().Contain("the primary's traffic gate is closed (inverted): Route 53 sends traffic to the secondary, whatever the control table says");
        PreviewsAndUpdates.Should().BeEmpty();
    }

    [Fact]
    public async Task The_guard_reads_a_primary_deployed_before_the_trafficGate_output_as_a_route53_api_gate()
    {
        await UseStacksWithoutTrafficGateOutputAsync();
        await CloseGateAsync(Primary);

        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(3, run.ToString());
        run.Stderr.Should().Contain("the primary's traffic gate is closed (inverted)");
        PreviewsAndUpdates.Should().BeEmpty();
    }

    [Theory]
    [InlineData("us-east-1")]
    [InlineData("us-west-2")]
    public async Task With_an_eventually_consistent_table_either_replica_saying_failed_over_refuses(string region)
    {
        Primary["controlTableConsistency"] = "eventual";
        Pulumi.Outputs("primary", Primary);
        await PutStateAsync(FailedOver, region);

        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(3, run.ToString());
        run.Stderr.Should().Contain($"traffic is failed over: the control table ({region}) says us-west-2 is active");
        PreviewsAndUpdates.Should().BeEmpty();
    }

    [Fact]
    public async Task The_outputs_read_after_each_update_are_reported()
    {
        var primary = Primary.DeepClone().AsObject();
        primary["recordFqdn"] = "app.example.com";
        Pulumi.Answer("up", "primary", new JsonObject { ["stdout"] = Recorded("up.primary.jsonl"), ["setOutputs"] = primary });

        var run = await RunAsync("deploy", "--yes", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        var stacks = run.Json["stacks"]!.AsArray();
        stacks.Select(s => s!["stack"]!.GetValue<string>()).Should().Equal("primary", "secondary");
        var outputs = stacks[0]!["outputs"]!;
        outputs["region"]!.GetValue<string>().Should().Be("us-east-1");
        outputs["stateMachineArn"]!.GetValue<string>().Should().Be(Primary["stateMachineArn"]!.GetValue<string>());
        outputs["recordFqdn"]!.GetValue<string>().Should().Be("app.example.com", "the outputs are read after the update, which set this one");
        stacks[1]!["outputs"]!["region"]!.GetValue<string>().Should().Be("us-west-2");
        stacks[0]!["changeSummary"]!.ToJsonString().Should().Be("""{"replace":1,"same":131,"update":2}""");
        run.Json["deployed"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("primary", "secondary");
    }

    [Fact]
    public async Task Each_step_of_an_update_is_shown_as_progress_but_refreshes_are_not()
    {
        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(0, run.ToString());
        run.Stderr.Should().Contain("  primary: update aws:ecs/service:Service service").And.Contain("  secondary: update aws:lambda/function:Function decide-function");
        run.Stderr.Should().NotContain(": refresh ");
    }

    /// A whole stack's config as `pulumi config --json` gives it (the shipped files' keys).
    private static (string, string)[] FullConfig(string role, params (string Key, string Value)[] more) =>
    [
        ("aws:region", role == "primary" ? "us-east-1" : "us-west-2"), ("failover:role", role),
        ("failover:peerRegion", role == "primary" ? "us-west-2" : "us-east-1"), ("failover:domainName", "app.example.com"),
        ("failover:hostedZoneId", "Z0123456789ABCDEFGHIJ"), ("failover:containerImage", "public.ecr.aws/nginx/nginx:stable"),
        ("failover:standbyCount", "1"), .. more,
    ];

    [Fact]
    public async Task Stacks_that_disagree_on_what_both_must_share_are_refused_before_anything_is_built()
    {
        Pulumi.Config("primary", FullConfig("primary"));
        Pulumi.Config("secondary", FullConfig("secondary", ("failover:trafficGate", "route53-api")));

        var run = await RunAsync("deploy", "--yes", "--force");

        run.Exit.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("the stacks disagree, so nothing was deployed: failover:trafficGate is metric in the config of stack primary " +
            "but route53-api in the config of stack secondary");
        Pulumi.CommandLines.Should().NotContain(Build);
        PreviewsAndUpdates.Should().BeEmpty();
    }

    [Fact]
    public async Task Stacks_that_agree_go_on_to_the_release()
    {
        Pulumi.Config("primary", FullConfig("primary"));
        Pulumi.Config("secondary", FullConfig("secondary"));

        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(0, run.ToString());
        run.Stderr.Should().NotContain("the stacks disagree");
        Updates.Should().Equal(Up("primary"), Up("secondary"));
    }

    [Fact]
    public async Task A_stack_whose_role_is_not_the_one_it_is_given_as_is_refused()
    {
        Pulumi.Config("primary", ("failover:role", "secondary"));

        var run = await RunAsync("deploy", "--yes");

        run.Exit.Should().Be(2, run.ToString());
        run.Stderr.Should().Contain("stack primary has failover:role secondary, but it is given as the primary stack (--primary-stack primary)");
        PreviewsAndUpdates.Should().BeEmpty();
    }

    [Theory]
    [InlineData("--stacks names an unknown stack 'prod-east': this project's stacks are primary and secondary (--primary-stack, --secondary-stack)",
        "deploy", "--yes", "--stacks", "prod-east")]
    [InlineData("--stacks names an unknown stack 'primary': this project's stacks are prod-east and prod-west",
        "deploy", "--yes", "--primary-stack", "prod-east", "--secondary-stack", "prod-west", "--stacks", "primary")]
    [InlineData("--stacks names primary twice", "deploy", "--yes", "--stacks", "primary,primary")]
    [InlineData("--stacks takes stack names separated by commas", "deploy", "--yes", "--stacks", "")]
    [InlineData("--stacks takes stack names separated by commas", "deploy", "--yes", "--stacks", "primary,")]
    [InlineData("--skip-build needs functions/dist/lambda.zip, which is not there", "deploy", "--yes", "--skip-build")]
    [InlineData("pass --yes (pipelines), or --preview-only to only look", "deploy", "--stacks", "primary")]
    public async Task Bad_arguments_are_refused_before_any_process_runs(string error, params string[] args)
    {
        var run = await RunAsync(args);

        run.Exit.Should().Be(2, run.ToString());
        run.Stderr.Should().StartWith("error: ").And.Contain(error);
        run.Stderr.Trim().Split('\n').Should().HaveCount(1, "one clear sentence");
        run.Stdout.Should().BeEmpty();
        Pulumi.CommandLines.Should().BeEmpty("nothing is built, read or deployed");
    }
}
