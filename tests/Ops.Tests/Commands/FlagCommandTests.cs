using System.Text.Json.Nodes;
using Failover.Ops.Tests.Harness;

namespace Failover.Ops.Tests.Commands;

/// `failoverctl flag`: the override decide reads, written with who, when and until when; bad arguments write nothing.
public sealed class FlagCommandTests(MotoServer moto) : OpsWorld(moto)
{
    [Fact]
    public async Task Set_writes_the_override_with_the_callers_identity_the_time_and_the_expiry()
    {
        Now = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

        var run = await RunAsync("flag", "set", "block", "--reason", "INC-42: database migration", "--ttl", "2h");

        run.Exit.Should().Be(0, run.ToString());
        var item = await ItemAsync("flag");
        item.Should().NotBeNull();
        item!["mode"]!.GetValue<string>().Should().Be("block");
        item["reason"]!.GetValue<string>().Should().Be("INC-42: database migration");
        // moto's GetCallerIdentity answers this identity for the test credentials.
        item["setBy"]!.GetValue<string>().Should().StartWith("arn:aws:sts::123456789012:");
        item["setAt"]!.GetValue<string>().Should().Be("2026-11-26T09:00:00.000Z");
        item["expiresAt"]!.GetValue<string>().Should().Be("2026-11-26T11:00:00.000Z");
        run.Stdout.Should().Contain("Flag set to block until 2026-11-26T11:00:00.000Z (2h00m)");
    }

    [Fact]
    public async Task Set_without_ttl_holds_until_cleared()
    {
        var run = await RunAsync("flag", "set", "auto", "--reason", "back to normal");

        run.Exit.Should().Be(0, run.ToString());
        var item = await ItemAsync("flag");
        item!["mode"]!.GetValue<string>().Should().Be("auto");
        item.ContainsKey("expiresAt").Should().BeFalse();
        run.Stdout.Should().Contain("until cleared (no expiry)");
    }

    [Fact]
    public async Task The_override_written_is_the_one_decide_resolves()
    {
        Now = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        (await RunAsync("flag", "set", "force", "--reason", "evacuate us-east-1", "--ttl", "30m")).Exit.Should().Be(0);

        // The secondary's decide (the failover's) reads its own region's replica, with its own reader and resolver.
        var env = new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = "testing", ["AWS_SECRET_ACCESS_KEY"] = "testing", ["AWS_REGION"] = "us-west-2", ["AWS_ENDPOINT_URL"] = Moto.Url };
        var clients = new Functions.Aws.AwsClients(k => env.GetValueOrDefault(k), new HttpClient(), TimeProvider.System, Functions.Aws.AwsRetryPolicy.Default);
        var written = await clients.ControlTable("failover-control").GetFlagAsync(CancellationToken.None);
        Functions.Handlers.FlagResolver.Resolve(written, FlagMode.Auto, Now.Value.AddMinutes(29)).Mode.Should().Be(FlagMode.Force);
        Functions.Handlers.FlagResolver.Resolve(written, FlagMode.Auto, Now.Value.AddMinutes(31)).Mode.Should().Be(FlagMode.Auto);
    }

    [Theory]
    [InlineData("unknown flag mode 'sometimes'", "flag", "set", "sometimes", "--reason", "x")]
    [InlineData("unknown flag mode 'true'", "flag", "set", "true", "--reason", "x")]
    [InlineData("--reason is required", "flag", "set", "block")]
    [InlineData("--reason is required", "flag", "set", "block", "--reason", "  ")]
    [InlineData("--reason must be one line of plain text", "flag", "set", "block", "--reason", "line one\nline two")]
    [InlineData("force needs --ttl", "flag", "set", "force", "--reason", "evacuate")]
    [InlineData("--ttl takes a whole number and a unit", "flag", "set", "block", "--reason", "x", "--ttl", "2 hours")]
    [InlineData("--ttl takes a whole number and a unit", "flag", "set", "block", "--reason", "x", "--ttl", "0h")]
    [InlineData("--ttl must be between 1m and 7d", "flag", "set", "force", "--reason", "x", "--ttl", "8d")]
    [InlineData("--ttl must be between 1m and 7d", "flag", "set", "force", "--reason", "x", "--ttl", "30s")]
    public async Task Bad_arguments_are_refused_and_nothing_is_read_or_written(string error, params string[] args)
    {
        var run = await RunAsync(args);

        run.Exit.Should().Be(2, run.ToString());
        run.Stderr.Should().StartWith("error: ").And.Contain(error);
        run.Stderr.Trim().Split('\n').Should().HaveCount(1, "one clear sentence");
        run.Stdout.Should().BeEmpty();
        (await ItemAsync("flag")).Should().BeNull();
        Pulumi.Calls.Should().BeEmpty("the arguments are checked before any stack is read");
    }

    [Fact]
    public async Task A_reason_longer_than_decide_keeps_is_refused()
    {
        var run = await RunAsync("flag", "set", "block", "--reason", new string('x', 1025));

        run.Exit.Should().Be(2);
        run.Stderr.Should().Contain("--reason is at most 1024 characters (got 1025)");
        (await ItemAsync("flag")).Should().BeNull();
    }

    [Fact]
    public async Task An_unknown_stack_is_named_and_nothing_is_written()
    {
        var run = await RunAsync("flag", "set", "block", "--reason", "x", "--primary-stack", "prod-east");

        run.Exit.Should().Be(1, run.ToString());
        run.Stderr.Should().Contain("stack prod-east").And.Contain("no stack named 'prod-east' found");
        (await ItemAsync("flag")).Should().BeNull();
    }

    [Fact]
    public async Task Get_shows_the_override_and_the_flag_in_force_in_each_region()
    {
        Now = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        await RunAsync("flag", "set", "block", "--reason", "INC-42", "--ttl", "1h");
        Now = Now!.Value.AddMinutes(10);

        var run = await RunAsync("flag", "get", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        var json = run.Json;
        var current = json["overrides"]!.AsArray().Should().ContainSingle("a strongly consistent table is read once").Subject!["override"]!;
        current["mode"]!.GetValue<string>().Should().Be("block");
        current["expired"]!.GetValue<bool>().Should().BeFalse();
        json["regions"]!.AsArray().Select(r => (r!["region"]!.GetValue<string>(), r["effective"]!.GetValue<string>()))
            .Should().Equal(("us-east-1", "block"), ("us-west-2", "block"));
    }

    [Fact]
    public async Task Get_after_the_expiry_shows_each_stacks_default_in_force()
    {
        Now = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        await RunAsync("flag", "set", "block", "--reason", "INC-42", "--ttl", "1h");
        Now = Now!.Value.AddHours(2);

        var run = await RunAsync("flag", "get");

        run.Exit.Should().Be(0, run.ToString());
        run.Stdout.Should().Contain("expired 2026-11-26T10:00:00.000Z");
        run.Stdout.Should().MatchRegex(@"primary\s+us-east-1\s+auto\s+default: override expired");
    }

    [Fact]
    public async Task Get_says_when_pulumi_config_differs_from_the_deployed_default()
    {
        Pulumi.Config("secondary", ("failover:role", "secondary"), ("failover:defaultFlag", "block"));

        var run = await RunAsync("flag", "get");

        run.Exit.Should().Be(0, run.ToString());
        run.Stderr.Should().Contain("secondary: pulumi config says block but the deployed default is auto; it takes effect at the next deploy");
    }

    [Fact]
    public async Task Get_shows_the_flag_in_force_when_pulumi_config_cannot_be_read()
    {
        await RunAsync("flag", "set", "block", "--reason", "INC-42");
        Pulumi.Answer("config", "primary", "", exit: 255, stderr: "error: could not reach https://api.pulumi.com\n");

        var run = await RunAsync("flag", "get");

        run.Exit.Should().Be(0, run.ToString());
        run.Stdout.Should().MatchRegex(@"primary\s+us-east-1\s+block\s+override\s+auto\s+unknown");
        run.Stderr.Should().Contain("warning: pulumi config failed for stack primary: could not reach https://api.pulumi.com");
    }

    [Fact]
    public async Task Clear_removes_the_override()
    {
        await RunAsync("flag", "set", "block", "--reason", "INC-42");

        var run = await RunAsync("flag", "clear");

        run.Exit.Should().Be(0, run.ToString());
        (await ItemAsync("flag")).Should().BeNull();
    }

    [Theory]
    [InlineData("automatic", "Route 53 moves traffic on any alarm without the workflow")]
    [InlineData("endpoint", "Route 53 still moves traffic by itself when the primary's endpoint check fails")]
    public async Task Block_says_plainly_what_it_cannot_stop_when_dns_moves_without_the_workflow(string mode, string warning)
    {
        Primary["dnsFailover"] = mode;
        Pulumi.Outputs("primary", Primary);

        var run = await RunAsync("flag", "set", "block", "--reason", "INC-42");

        run.Exit.Should().Be(0, run.ToString());
        run.Stderr.Should().Contain(warning);
    }

    [Fact]
    public async Task Block_in_gated_mode_has_nothing_to_warn_about()
    {
        var run = await RunAsync("flag", "set", "block", "--reason", "INC-42");

        run.Exit.Should().Be(0, run.ToString());
        run.Stderr.Should().NotContain("warning");
    }

    [Fact]
    public async Task A_strongly_consistent_table_is_written_once_in_the_secondarys_region()
    {
        var run = await RunAsync("flag", "set", "block", "--reason", "INC-42");

        run.Exit.Should().Be(0, run.ToString());
        (await ItemAsync("flag", "us-west-2"))!["mode"]!.GetValue<string>().Should().Be("block");
        (await ItemAsync("flag", "us-east-1")).Should().BeNull("one write is the whole table's");
    }

    [Fact]
    public async Task When_the_secondarys_replica_does_not_answer_the_primarys_is_written()
    {
        var env = Environment();
        env["AWS_ENDPOINT_URL_DYNAMODB_US_WEST_2"] = $"http://127.0.0.1:{MotoServer.FreePort()}";

        var run = await RunAsync(env, "flag", "set", "block", "--reason", "us-west-2 is down");

        run.Exit.Should().Be(0, run.ToString());
        (await ItemAsync("flag", "us-east-1"))!["mode"]!.GetValue<string>().Should().Be("block");
        run.Stdout.Should().Contain("in us-east-1");
        run.Stderr.Should().Contain("the control table in us-west-2 did not answer");
    }

    [Fact]
    public async Task A_replica_that_hangs_is_given_up_on_within_the_call_budget()
    {
        // Accepts connections and never answers: a region in trouble, not one that refuses.
        using var hung = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        hung.Start(100);
        var env = Environment();
        env["AWS_ENDPOINT_URL_DYNAMODB_US_WEST_2"] = $"http://127.0.0.1:{((System.Net.IPEndPoint)hung.LocalEndpoint).Port}";
        Now = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var run = await RunAsync(env, "flag", "set", "block", "--reason", "us-west-2 hangs");

        run.Exit.Should().Be(0, run.ToString());
        (await ItemAsync("flag", "us-east-1"))!["mode"]!.GetValue<string>().Should().Be("block");
        clock.Elapsed.Should().BeLessThan(3 * Failover.Ops.Aws.OpsAws.CallBudget, "a hung region costs one call budget, not five 30-second attempts");
    }

    private void Eventual()
    {
        Primary["controlTableConsistency"] = "eventual";
        Secondary["controlTableConsistency"] = "eventual";
        Pulumi.Outputs("primary", Primary);
        Pulumi.Outputs("secondary", Secondary);
    }

    [Fact]
    public async Task An_eventually_consistent_table_is_written_in_both_replicas_since_each_regions_decide_reads_its_own()
    {
        Eventual();

        var run = await RunAsync("flag", "set", "block", "--reason", "INC-42", "--ttl", "1h");

        run.Exit.Should().Be(0, run.ToString());
        (await ItemAsync("flag", "us-west-2"))!["mode"]!.GetValue<string>().Should().Be("block");
        (await ItemAsync("flag", "us-east-1"))!["mode"]!.GetValue<string>().Should().Be("block");
        run.Stdout.Should().Contain("in us-west-2 and us-east-1");
    }

    [Fact]
    public async Task An_eventually_consistent_replica_that_does_not_answer_is_named_and_the_other_is_written()
    {
        Eventual();
        var env = Environment();
        env["AWS_ENDPOINT_URL_DYNAMODB_US_EAST_1"] = $"http://127.0.0.1:{MotoServer.FreePort()}";

        var run = await RunAsync(env, "flag", "set", "block", "--reason", "us-east-1 is down");

        run.Exit.Should().Be(0, run.ToString());
        (await ItemAsync("flag", "us-west-2"))!["mode"]!.GetValue<string>().Should().Be("block");
        run.Stderr.Should().Contain("the control table in us-east-1 did not answer").And.Contain("it gets this by replication once its region answers");
    }

    [Fact]
    public async Task With_an_eventually_consistent_table_each_region_shows_the_flag_of_its_own_replica()
    {
        Eventual();
        await PutItemAsync(new JsonObject { ["pk"] = "flag", ["mode"] = "block", ["reason"] = "set while us-east-1 was cut off" }, region: "us-west-2");

        var run = await RunAsync("flag", "get", "--output", "json");

        run.Exit.Should().Be(0, run.ToString());
        run.Json["regions"]!.AsArray().Select(r => (r!["region"]!.GetValue<string>(), r["effective"]!.GetValue<string>()))
            .Should().Equal(("us-east-1", "auto"), ("us-west-2", "block"));
        run.Stderr.Should().Contain("the replicas hold different overrides");
    }
}
