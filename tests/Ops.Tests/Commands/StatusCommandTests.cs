using System.Text.Json.Nodes;
using Failover.Ops.Tests.Harness;

namespace Failover.Ops.Tests.Commands;

/// `failoverctl status`: both regions side by side, read from moto; a region that does not answer shows as such.
public sealed class StatusCommandTests(MotoServer moto) : OpsWorld(moto)
{
    private JsonObject Region(Run run, string region) =>
        run.Json["regions"]!.AsArray().Single(r => r!["region"]!.GetValue<string>() == region)!.AsObject();

    [Fact]
    public async Task A_healthy_pair_shows_the_primary_serving_both_gates_open_and_the_task_counts()
    {
        var run = await RunAsync("status", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        run.Json["serving"]!.GetValue<string>().Should().StartWith("primary (us-east-1) serves");
        Region(run, "us-east-1")["gateOpen"]!.GetValue<bool>().Should().BeTrue();
        Region(run, "us-west-2")["gateOpen"]!.GetValue<bool>().Should().BeTrue();
        Region(run, "us-east-1")["gate"]!["neverMoved"]!.GetValue<bool>().Should().BeTrue("a new gate's alarm has no data yet");
        Region(run, "us-east-1")["desiredCount"]!.GetValue<int>().Should().Be(2);
        Region(run, "us-west-2")["desiredCount"]!.GetValue<int>().Should().Be(1);
        Region(run, "us-west-2")["flag"]!.GetValue<string>().Should().Be("auto (default)");
        run.Json["controlTable"]!["replicas"]!.AsArray().Should().ContainSingle("a strongly consistent table answers alike everywhere")
            .Which!["lock"].Should().BeNull();
        run.Json["servingStack"]!.GetValue<string>().Should().Be("primary");
        run.Json["partial"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task A_health_alarm_in_alarm_is_named()
    {
        await Moto.WorldAsync("alarm", "us-east-1", "failover-primary-target-5xx", "ALARM");

        var run = await RunAsync("status");

        run.Exit.Should().Be(0, run.ToString());
        run.Stdout.Should().MatchRegex(@"health alarms\s+1 in ALARM: failover-primary-target-5xx\s+2 OK or no data");
    }

    [Fact]
    public async Task A_closed_primary_gate_with_an_unreadable_secondary_gate_is_not_called_a_failover()
    {
        await CloseGateAsync(Primary);
        Secondary["trafficGate"]!["alarmName"] = "failover-secondary-no-such-gate";
        Pulumi.Outputs("secondary", Secondary);

        var run = await RunAsync("status", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        run.Json["serving"]!.GetValue<string>().Should().StartWith("unknown: primary's gate is closed, and secondary's could not be read");
        run.Json["servingStack"].Should().BeNull();
        run.Json["partial"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task Outside_gated_mode_the_primary_serves_only_while_its_endpoint_check_is_healthy_too()
    {
        Primary["dnsFailover"] = "endpoint";
        Pulumi.Outputs("primary", Primary);

        var run = await RunAsync("status", "--output", "json");

        run.Json["serving"]!.GetValue<string>().Should().Be("primary (us-east-1) serves: its gate is open and its endpoint check healthy (dnsFailover endpoint)");
    }

    [Fact]
    public async Task After_a_failover_the_secondary_serves_and_the_lock_and_override_are_shown()
    {
        Now = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        await CloseGateAsync(Primary);
        await PutItemAsync(region: "us-west-2", item: new JsonObject
        {
            ["pk"] = "state", ["activeRegion"] = "us-west-2", ["epoch"] = 3, ["lastTransitionAt"] = "2026-11-26T08:50:00.000Z",
            ["lockOwner"] = "arn:aws:states:us-east-1:123456789012:execution:failover-primary-failover:fb-1",
            ["lockLeaseExpiresAt"] = (int)Now!.Value.AddMinutes(30).ToUnixTimeSeconds(),
        });
        await RunAsync("flag", "set", "block", "--reason", "hold until the database is checked", "--ttl", "1h");

        var run = await RunAsync("status");

        run.Exit.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("Traffic: secondary (us-west-2) serves: primary's gate is closed (failed over)");
        run.Stdout.Should().Contain("active region us-west-2, epoch 3, last transition 2026-11-26T08:50:00.000Z");
        run.Stdout.Should().Contain("lock: held by arn:aws:states:us-east-1:123456789012:execution:failover-primary-failover:fb-1 until 2026-11-26T09:30:00.000Z (in 30m00s)");
        run.Stdout.Should().Contain("flag override: block by arn:aws:sts::123456789012:");
        run.Stdout.Should().MatchRegex(@"gate\s+closed \(metric, switched in us-west-2\)\s+open, never moved \(metric, switched in us-east-1\)");
        run.Stdout.Should().MatchRegex(@"flag in force\s+block \(override\)\s+block \(override\)");
    }

    [Fact]
    public async Task A_closed_metric_gate_is_read_from_its_alarm_in_the_other_region_and_the_secondary_is_shown_serving()
    {
        // Only the alarm moves: the health check's inversion says nothing of a metric gate.
        await Moto.WorldAsync("alarm", "us-west-2", "failover-primary-traffic-gate", "ALARM");

        var run = await RunAsync("status", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        run.Json["serving"]!.GetValue<string>().Should().Be("secondary (us-west-2) serves: primary's gate is closed (failed over)");
        run.Json["servingStack"]!.GetValue<string>().Should().Be("secondary");
        var gate = Region(run, "us-east-1")["gate"]!;
        gate["position"]!.GetValue<string>().Should().Be("closed");
        gate["kind"]!.GetValue<string>().Should().Be("metric");
        gate["switchRegion"]!.GetValue<string>().Should().Be("us-west-2");
        Region(run, "us-east-1")["gateOpen"]!.GetValue<bool>().Should().BeFalse();
        run.Json["partial"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task A_metric_gate_whose_alarm_cannot_be_found_is_unknown_not_open()
    {
        Primary["trafficGate"]!["alarmName"] = "failover-primary-no-such-gate";
        Pulumi.Outputs("primary", Primary);

        var run = await RunAsync("status", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        run.Json["serving"]!.GetValue<string>().Should().StartWith("unknown: primary's gate could not be read (the gate alarm failover-primary-no-such-gate does not exist in us-west-2)");
        Region(run, "us-east-1")["gateOpen"].Should().BeNull();
    }

    [Fact]
    public async Task A_route53_api_gate_is_still_read_from_its_inversion()
    {
        await UseRoute53ApiGatesAsync();
        await CloseGateAsync(Primary);

        var run = await RunAsync("status");

        run.Exit.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("Traffic: secondary (us-west-2) serves: primary's gate is closed (failed over)");
        run.Stdout.Should().MatchRegex(@"gate\s+closed \(route53-api, inverted\)\s+open \(route53-api\)");
    }

    /// An arc gate is its routing control's state, read on the cluster's endpoints in turn: the first (nothing listens there)
    /// does not answer, the next does. Each stack gets a cluster endpoint of its own, so each answer is the one its read gets.
    [Fact]
    public async Task An_arc_gate_is_read_from_its_routing_control_on_the_first_cluster_endpoint_that_answers()
    {
        using var primaryCluster = new RecordingEndpoint();
        using var secondaryCluster = new RecordingEndpoint();
        primaryCluster.Then(200, """{"RoutingControlState":"Off"}""", "application/x-amz-json-1.0");
        secondaryCluster.Then(200, """{"RoutingControlState":"On"}""", "application/x-amz-json-1.0");
        var silent = $"http://127.0.0.1:{MotoServer.FreePort()}/v1";
        UseArcGates($"eu-west-1={silent},us-west-2={primaryCluster.Url}/v1", $"eu-west-1={silent},us-west-2={secondaryCluster.Url}/v1");

        var run = await RunAsync("status", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        run.Json["servingStack"]!.GetValue<string>().Should().Be("secondary", "the primary's routing control is Off");
        Region(run, "us-east-1")["gate"]!["position"]!.GetValue<string>().Should().Be("closed");
        Region(run, "us-west-2")["gate"]!["position"]!.GetValue<string>().Should().Be("open");
        Region(run, "us-east-1")["gate"]!["routingControlArn"]!.GetValue<string>().Should().EndWith("/routingcontrol/primary");
        primaryCluster.Requests.Should().ContainSingle().Which.Headers["X-Amz-Target"].Should().Be("ToggleCustomerAPI.GetRoutingControlState");
        primaryCluster.Requests.Single().Body.Should().Contain("/routingcontrol/primary");
    }

    [Fact]
    public async Task A_stack_deployed_before_the_trafficGate_output_is_read_as_a_route53_api_gate()
    {
        await UseStacksWithoutTrafficGateOutputAsync();
        await CloseGateAsync(Primary);

        var run = await RunAsync("status", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        run.Json["servingStack"]!.GetValue<string>().Should().Be("secondary");
        Region(run, "us-east-1")["gate"]!["kind"]!.GetValue<string>().Should().Be("route53-api");
    }

    [Fact]
    public async Task Recent_runs_are_listed_with_the_decision_each_recorded()
    {
        await RunAsync("start", "drill", "--wait");

        var run = await RunAsync("status", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        var drill = Region(run, "us-west-2")["executions"]!.AsArray().Should().ContainSingle().Subject!;
        drill["status"]!.GetValue<string>().Should().Be("SUCCEEDED");
        drill["reason"]!.GetValue<string>().Should().Be("the evidence and the flag allow it");
    }

    [Fact]
    public async Task A_primary_region_that_does_not_answer_is_shown_as_such_and_the_rest_still_reads()
    {
        var env = Environment();
        var dead = $"http://127.0.0.1:{MotoServer.FreePort()}";
        env["AWS_ENDPOINT_URL_DYNAMODB_US_EAST_1"] = dead;
        env["AWS_ENDPOINT_URL_ECS_US_EAST_1"] = dead;
        env["AWS_ENDPOINT_URL_SFN_US_EAST_1"] = dead;
        await PutItemAsync(new JsonObject { ["pk"] = "state", ["activeRegion"] = "us-east-1", ["epoch"] = 1 }, region: "us-west-2");

        var run = await RunAsync(env, "status", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        Region(run, "us-east-1")["desiredCount"].Should().BeNull();
        run.Json["errors"]!.AsArray().Select(e => e!.GetValue<string>()).Should().Contain("primary (us-east-1) tasks: no answer");
        Region(run, "us-west-2")["desiredCount"]!.GetValue<int>().Should().Be(1);
        var replica = run.Json["controlTable"]!["replicas"]!.AsArray().Should().ContainSingle().Subject!;
        replica["region"]!.GetValue<string>().Should().Be("us-west-2");
        replica["activeRegion"]!.GetValue<string>().Should().Be("us-east-1");
        run.Json["partial"]!.GetValue<bool>().Should().BeTrue();
        run.Stderr.Should().Contain("warning: could not read primary (us-east-1) runs: no answer");
    }

    [Fact]
    public async Task A_proxys_html_page_in_place_of_an_AWS_answer_is_said_in_one_line_never_pasted()
    {
        await using var proxy = new FaultProxy(Moto.Url);
        proxy.Inject(Fault.Status(502, "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center><hr>nginx</body></html>\n", "text/html"),
            RequestMatch.TargetEndsWith(".DescribeServices"));
        var env = Environment();
        env["AWS_ENDPOINT_URL"] = proxy.Url;

        var run = await RunAsync(env, "status", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        run.Json["errors"]!.AsArray().Select(e => e!.GetValue<string>()).Should().Contain("primary (us-east-1) tasks: HTTP 502 from ECS in us-east-1 (an HTML page, not an AWS error)");
        run.Stderr.Should().NotContain("<").And.NotContain("nginx");
    }

    [Fact]
    public async Task A_strongly_consistent_table_read_in_the_other_region_gives_both_regions_their_flag()
    {
        await PutItemAsync(new JsonObject { ["pk"] = "flag", ["mode"] = "block", ["reason"] = "INC-42" }, region: "us-east-1");
        var env = Environment();
        env["AWS_ENDPOINT_URL_DYNAMODB_US_WEST_2"] = $"http://127.0.0.1:{MotoServer.FreePort()}";

        var run = await RunAsync(env, "status", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        Region(run, "us-west-2")["flag"]!.GetValue<string>().Should().Be("block (override)");
        Region(run, "us-east-1")["flag"]!.GetValue<string>().Should().Be("block (override)");
        run.Stderr.Should().Contain("the control table in us-west-2 did not answer");
    }

    [Fact]
    public async Task When_pulumi_cannot_answer_the_outputs_saved_by_the_last_command_are_used()
    {
        (await RunAsync("status")).Exit.Should().Be(0);
        Pulumi.Answer("stack-output", "primary", "", exit: 255, stderr: "error: could not reach https://api.pulumi.com: dial tcp: i/o timeout\n");

        var run = await RunAsync("status", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        run.Stderr.Should().Contain("could not reach https://api.pulumi.com").And.Contain("using the outputs of stack primary saved at");
        Region(run, "us-east-1")["desiredCount"]!.GetValue<int>().Should().Be(2);
    }

    [Fact]
    public async Task Without_saved_outputs_a_pulumi_failure_is_the_error()
    {
        Pulumi.Answer("stack-output", "primary", "", exit: 255, stderr: "error: could not reach https://api.pulumi.com: dial tcp: i/o timeout\n");

        var run = await RunAsync("status");

        run.Exit.Should().Be(1, run.ToString());
        run.Stderr.Should().Contain("error: pulumi stack output failed for stack primary: could not reach https://api.pulumi.com");
    }

    [Fact]
    public async Task Watch_reads_again_every_interval_until_ctrl_c_which_ends_it_with_exit_0()
    {
        var run = await RunUntilAsync(text => Readings(text) >= 2, "status", "--watch", "--interval", "2");

        run.Exit.Should().Be(0, run.ToString());
        Readings(run.Stdout).Should().BeGreaterThanOrEqualTo(2, run.ToString());
        run.Stdout.Should().StartWith("Every 2s: failoverctl status, ");
        run.Stdout.Should().NotContain("\u001b[", "stdout is not a terminal: readings follow one another instead of being redrawn in place");
        run.Stderr.Should().NotContain("interrupted", "Ctrl-C is how a watch is meant to end");
    }

    [Fact]
    public async Task An_interval_under_two_seconds_is_refused()
    {
        var run = await RunAsync("status", "--watch", "--interval", "1");

        run.Exit.Should().Be(2, run.ToString());
        run.Stderr.Should().StartWith("error: --interval takes a number of seconds from 2 to 3600 (got 1)");
    }

    private static int Readings(string stdout) => System.Text.RegularExpressions.Regex.Matches(stdout, "^Traffic: ", System.Text.RegularExpressions.RegexOptions.Multiline).Count;
}
