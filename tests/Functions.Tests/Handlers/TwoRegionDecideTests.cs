using System.Diagnostics;
using System.Text.Json.Nodes;
using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Handlers;

/// "Two decide calls in two regions at once": the secondary's decide (us-west-2) and the primary's (us-east-1), each with its own
/// replica of the control table. Strong mode is one table (a multi-Region strongly consistent table behaves as one); eventual mode
/// is two moto servers, one replica each, with replication done by hand (copying the `state` item) or not at all (the lag).
[Collection("moto")]
public sealed class TwoRegionDecideTests(MotoServer moto, PeerRegionMoto peerRegion) : IClassFixture<PeerRegionMoto>
{
    private const string West = "us-west-2";
    private const string East = "us-east-1";
    private const string UpdateItem = "DynamoDB_20120810.UpdateItem";
    private const string GetItem = "DynamoDB_20120810.GetItem";

    /// The primary region's replica (us-east-1); the collection's moto holds the secondary's (us-west-2).
    private MotoServer EastMoto => peerRegion.Server;

    // The triggering alarm is the evidence, verified by its live state: both regions' functions see the same primary, and no other
    // source is asked.
    private static string Request(string action, string executionId, string alarmState = "ALARM") =>
        new JsonObject
        {
            // One token per run, as the workflow makes it.
            ["action"] = action, ["source"] = "alarm", ["executionId"] = executionId, ["lockId"] = TokenOf(executionId),
            ["alarm"] = new JsonObject { ["alarmName"] = "failover-primary-healthy-hosts", ["state"] = new JsonObject { ["value"] = alarmState } },
        }.ToJsonString();

    private const string Alarm = "failover-primary-healthy-hosts";

    private Dictionary<string, string> TriggerOnly(Dictionary<string, string> env)
    {
        env["PRIMARY_ALARM_NAMES"] = Alarm;
        env["PRIMARY_ENDPOINT_HEALTH_CHECK_ID"] = "";
        // The primary's CloudWatch is one, whichever replica a region's decide reads.
        env["AWS_ENDPOINT_URL_CLOUDWATCH"] = moto.Url;
        return env;
    }

    /// The secondary's decide: its replica at `local` (default the collection's moto), and with `peer` the peer read of us-east-1 there.
    private Dictionary<string, string> WestDecide(World world, string? peer, string? local = null)
    {
        var env = TriggerOnly(world.Environment());
        if (local is not null) env["AWS_ENDPOINT_URL"] = local;
        if (peer is not null)
        {
            env["CONTROL_TABLE_PEER_REGION"] = East;
            env["AWS_ENDPOINT_URL_DYNAMODB_US_EAST_1"] = peer;
        }
        return env;
    }

    /// The primary's decide: its replica at `local` (default the peer-region moto), and with `peer` the peer read of us-west-2 there.
    private Dictionary<string, string> EastDecide(World world, string? peer, string? local = null)
    {
        var env = AsPrimary(TriggerOnly(world.Environment()));
        env["AWS_ENDPOINT_URL"] = local ?? EastMoto.Url;
        if (peer is not null)
        {
            env["CONTROL_TABLE_PEER_REGION"] = West;
            env["AWS_ENDPOINT_URL_DYNAMODB_US_WEST_2"] = peer;
        }
        return env;
    }

    /// Runs decide for a running execution named `name` of its region's workflow: the secondary's (us-west-2) or the primary's
    /// (us-east-1), started on both moto servers, so that each region's decide finds it whichever one it asks.
    private async Task<JsonNode> DecideAsync(Dictionary<string, string> env, string name, string action = "failover", string alarmState = "ALARM")
    {
        var executionArn = await RunAsync(name, env.GetValueOrDefault("AWS_REGION") == East);
        await moto.WorldAsync("alarm-state", Alarm, alarmState);
        return JsonNode.Parse(await World.Invoke("decide", Request(action, executionArn, alarmState), env, TimeProvider.System))!;
    }

    private async Task<string> RunAsync(string name, bool primary)
    {
        var entry = primary ? "primary" : "operator";
        await EastMoto.WorldAsync("start-execution", name, entry);
        return (await moto.WorldAsync("start-execution", name, entry))!["arn"]!.GetValue<string>();
    }

    /// A run's token: opaque, and the same on every call of the run.
    private static string TokenOf(string executionId) => Failover.Functions.Aws.LockToken.Hash($"token of {executionId}");

    /// exec-west's own lock as its first decide wrote it: its execution, its token's hash, a lease 30 minutes ahead.
    private async Task<string> OwnLockAsync()
    {
        var run = await RunAsync("exec-west", primary: false);
        var lease = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
        return $$"""{"pk":"state","lockOwner":"{{run}}","lockTokenHash":"{{Failover.Functions.Aws.LockToken.Hash(TokenOf(run))}}","lockLeaseExpiresAt":{{lease}}}""";
    }

    /// The primary's decide is an execution of the primary's workflow; the secondary's are its peers.
    private static Dictionary<string, string> AsPrimary(Dictionary<string, string> env)
    {
        env["AWS_REGION"] = East;
        env["OPERATOR_STATE_MACHINE_ARN"] = "arn:aws:states:us-east-1:123456789012:stateMachine:failover-primary-failover";
        env.Remove("TRIGGER_STATE_MACHINE_ARN");
        env["PEER_STATE_MACHINE_ARNS"] = "arn:aws:states:us-west-2:123456789012:stateMachine:failover-secondary-failover," +
                                         "arn:aws:states:us-west-2:123456789012:stateMachine:failover-secondary-failover-trigger";
        return env;
    }

    private async Task<World> ArrangeBothReplicasAsync()
    {
        var world = await World.ArrangeAsync(moto);
        await EastMoto.ResetAsync();
        await EastMoto.WorldAsync("create-table", world.Table, East);
        return world;
    }

    private Task<JsonNode?> EastLock() => EastMoto.WorldAsync("lock", East);

    /// What a global table's replication does, late: the `state` item written in us-east-1 lands in us-west-2.
    private async Task ReplicateStateEastToWestAsync(World world)
    {
        var state = await EastMoto.WorldAsync("raw-item", "state", East);
        await world.Ask("put-raw-item", state!.ToJsonString(), West);
    }

    // ---- strong mode: one table ----

    [Theory]
    [InlineData("failover", "ALARM")]
    [InlineData("failback", "OK")]
    public async Task Strong_two_regions_deciding_at_once_on_one_table_exactly_one_takes_the_lock_each_round(string action, string alarmState)
    {
        var world = await World.ArrangeAsync(moto);
        if (action == "failback") await world.Ask("put-item", """{"pk":"state","activeRegion":"us-west-2","epoch":1}""");
        // moto keeps one table per region and has no global tables. A strongly consistent global table is one table, so both
        // regions' DynamoDB calls go through one proxy that pins them to moto's us-west-2 table (moto reads `region/` in the
        // User-Agent before the signature's region; the primary's still sign for us-east-1), and that forwards the lock writes
        // one at a time, as DynamoDB applies each atomically (moto does not).
        using var table = new FaultProxy(moto.Url);
        table.SetForwardedHeader("User-Agent", "failover-tests region/us-west-2");
        table.Inject(Fault.OneAtATime, RequestMatch.Target(UpdateItem));
        var west = TriggerOnly(world.Environment());
        west["AWS_ENDPOINT_URL_DYNAMODB"] = table.Url;
        var east = AsPrimary(TriggerOnly(world.Environment()));
        east["AWS_ENDPOINT_URL_DYNAMODB"] = table.Url;

        for (var round = 1; round <= 6; round++)
        {
            var responses = await Task.WhenAll(
                DecideAsync(west, $"west-{round}", action, alarmState),
                DecideAsync(east, $"east-{round}", action, alarmState));

            var winner = responses.Should().ContainSingle(r => r["lockId"]!.GetValue<string>().Length > 0, "round {0}: {1} / {2}", round, responses[0].ToJsonString(),
                responses[1].ToJsonString()).Subject;
            winner["decision"]!.GetValue<string>().Should().Be(action.ToUpperInvariant());
            var loser = responses.Single(r => r != winner);
            loser["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
            loser["reason"]!.GetValue<string>().Should().Contain("another execution");
            var token = winner["lockId"]!.GetValue<string>();
            var owner = (await world.Ask("lock"))!["owner"]!.GetValue<string>();
            owner.Should().EndWith(winner == responses[0] ? $":west-{round}" : $":east-{round}");

            // The winner's workflow fails and gives the lock back (FAILED records no transition): the next round starts free.
            var released = JsonNode.Parse(await World.Invoke("release-lock", $$"""{"action":"{{action}}","lockId":"{{token}}","executionId":"{{owner}}","outcome":"FAILED"}""",
                winner == responses[0] ? west : east, TimeProvider.System))!;
            released["released"]!.GetValue<bool>().Should().BeTrue();
            (await world.Ask("lock")).Should().BeNull();
        }
        CheckServiceTests.Scopes(table).Should().BeEquivalentTo([$"{West}/dynamodb", $"{East}/dynamodb"]);
    }

    // ---- eventual mode: two replicas ----

    [Fact]
    public async Task Eventual_a_lock_taken_in_the_peer_region_and_not_yet_replicated_stops_a_decide_here()
    {
        var world = await ArrangeBothReplicasAsync();
        var east = await DecideAsync(EastDecide(world, peer: moto.Url), "exec-east");
        east["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        using var peerRead = new FaultProxy(EastMoto.Url);

        // Not replicated: this region's replica shows no lock; only the peer read can see it.
        var west = await DecideAsync(WestDecide(world, peer: peerRead.Url), "exec-west");

        west["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        west["lockId"]!.GetValue<string>().Should().BeEmpty();
        west["reason"]!.GetValue<string>().Should()
            .Be("another execution holds the lock in the peer region's replica ('arn:aws:states:us-east-1:123456789012:execution:failover-primary-failover:exec-east' " +
                "in us-east-1); eventual consistency: not acting");
        (await world.Ask("lock")).Should().BeNull();
        (await EastLock())!["owner"]!.GetValue<string>().Should().EndWith(":exec-east");
        // One strongly consistent read of the state item, signed for the peer's region.
        var read = peerRead.Requests.Should().ContainSingle().Subject.Request;
        read.Target.Should().Be(GetItem);
        JsonNode.Parse(read.Body)!["ConsistentRead"]!.GetValue<bool>().Should().BeTrue();
        JsonNode.Parse(read.Body)!["Key"]!["pk"]!["S"]!.GetValue<string>().Should().Be("state");
        CheckServiceTests.Scopes(peerRead).Should().Equal($"{East}/dynamodb");
    }

    [Fact]
    public async Task Eventual_without_the_peer_read_both_regions_act_the_hazard_the_mitigation_addresses()
    {
        var world = await ArrangeBothReplicasAsync();
        var east = await DecideAsync(EastDecide(world, peer: null), "exec-east");

        var west = await DecideAsync(WestDecide(world, peer: null), "exec-west");

        // Each condition held in its own replica: two workflows fail over at once, and replication later keeps only one lock.
        east["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        west["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        (await EastLock())!["owner"]!.GetValue<string>().Should().EndWith(":exec-east");
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-west");
    }

    [Fact]
    public async Task Eventual_once_the_lock_has_replicated_this_regions_replica_stops_the_second_decide_by_itself()
    {
        var world = await ArrangeBothReplicasAsync();
        await DecideAsync(EastDecide(world, peer: moto.Url), "exec-east");
        await ReplicateStateEastToWestAsync(world);

        var west = await DecideAsync(WestDecide(world, peer: null), "exec-west");

        west["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        west["reason"]!.GetValue<string>().Should().StartWith("another execution holds the lock");
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-east");
    }

    [Theory]
    [InlineData("reset", "AwsUnreachable")]
    [InlineData("stopped", "AwsUnreachable")]
    [InlineData("hang", "AwsUnreachable")]
    [InlineData("500", "AwsServerError")]
    public async Task Eventual_a_peer_replica_that_cannot_be_read_does_not_stop_a_failover_and_the_reason_says_so(string peerFault, string errorType)
    {
        var world = await ArrangeBothReplicasAsync();
        using var peer = new FaultProxy(EastMoto.Url);
        switch (peerFault)
        {
            case "reset": peer.Inject(Fault.Reset); break;
            case "hang": peer.Inject(Fault.Hang); break;
            case "500": peer.Inject(Fault.Status(500, """{"__type":"InternalServerError","message":"injected"}""")); break;
        }
        var peerUrl = peerFault == "stopped" ? $"http://127.0.0.1:{MotoServer.FreePort()}" : peer.Url;
        var clock = Stopwatch.StartNew();

        var west = await DecideAsync(WestDecide(world, peer: peerUrl), "exec-west");

        west["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        west["lockId"]!.GetValue<string>().Should().NotBeNullOrEmpty().And.NotContain("exec-west");
        west["reason"]!.GetValue<string>().Should().EndWith($"; peer replica in us-east-1 unreadable ({errorType}): acting on this region's replica alone");
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-west");
        // A hung peer costs its budget (2 s), not the invocation's minute.
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(8));
        if (peerFault != "stopped") peer.Requests.Should().NotBeEmpty();
    }

    [Fact]
    public async Task Eventual_a_transition_the_peer_has_recorded_and_this_replica_has_not_makes_the_decision_stale()
    {
        var world = await ArrangeBothReplicasAsync();
        // Here the last transition known is epoch 2 (failback: primary active); the peer has since recorded epoch 3 (a failover).
        await world.Ask("put-item", """{"pk":"state","activeRegion":"us-east-1","epoch":2}""", West);
        await EastMoto.WorldAsync("put-item", """{"pk":"state","activeRegion":"us-west-2","epoch":3}""", East);

        var west = await DecideAsync(WestDecide(world, peer: EastMoto.Url), "exec-west");

        west["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        west["reason"]!.GetValue<string>().Should().Contain("(epoch 3)").And.Contain("(epoch 2)").And.Contain("stale");
        (await world.Ask("lock")).Should().BeNull();
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("unreadable")]
    [InlineData("own")]
    public async Task Eventual_a_peer_lock_that_would_not_stop_the_local_write_does_not_stop_the_peer_read_either(string kind)
    {
        var world = await ArrangeBothReplicasAsync();
        var peerLock = kind switch
        {
            "expired" => $$"""{"pk":"state","lockOwner":"exec-crashed","lockLeaseExpiresAt":{{DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()}}}""",
            "unreadable" => """{"pk":"state","lockOwner":"exec-other"}""",
            // This execution's own lock, replicated there (a retried decide re-enters it).
            _ => await OwnLockAsync(),
        };
        await EastMoto.WorldAsync("put-item", peerLock, East);

        var west = await DecideAsync(WestDecide(world, peer: EastMoto.Url), "exec-west");

        west["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        west["lockId"]!.GetValue<string>().Should().NotBeNullOrEmpty().And.NotContain("exec-west");
    }

    [Fact]
    public async Task Eventual_only_a_run_about_to_take_the_lock_reads_the_peer()
    {
        var world = await ArrangeBothReplicasAsync();
        using var peer = new FaultProxy(EastMoto.Url);

        var west = await DecideAsync(WestDecide(world, peer: peer.Url), "exec-west", alarmState: "OK");

        west["decision"]!.GetValue<string>().Should().Be("NO_ACTION");
        peer.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Residual_race_documented_in_the_design_both_regions_read_the_peer_before_either_writes_and_both_act()
    {
        // The window docs/design.md §5 names: between one decide's peer read and its own conditional write (plus replication lag), the
        // other region's decide does the same. Each lock write is held until both functions have reached theirs, so both peer
        // reads happen first and find no lock. The mitigation narrows the window; it cannot close it.
        var world = await ArrangeBothReplicasAsync();
        using var westLocal = new FaultProxy(moto.Url);
        using var eastLocal = new FaultProxy(EastMoto.Url);
        var atTheWrite = 0;
        var bothHaveReadThePeer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task HoldTheWrite()
        {
            if (Interlocked.Increment(ref atTheWrite) == 2) bothHaveReadThePeer.TrySetResult();
            await bothHaveReadThePeer.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
        westLocal.Inject(Fault.BeforeForward(HoldTheWrite), RequestMatch.Target(UpdateItem), times: 1);
        eastLocal.Inject(Fault.BeforeForward(HoldTheWrite), RequestMatch.Target(UpdateItem), times: 1);

        var responses = await Task.WhenAll(
            DecideAsync(WestDecide(world, peer: EastMoto.Url, local: westLocal.Url), "exec-west"),
            DecideAsync(EastDecide(world, peer: moto.Url, local: eastLocal.Url), "exec-east"));

        responses.Select(r => r["decision"]!.GetValue<string>()).Should().Equal("FAILOVER", "FAILOVER");
        responses.Select(r => r["reason"]!.GetValue<string>()).Should().NotContain(r => r.Contains("peer"));
        (await world.Ask("lock"))!["owner"]!.GetValue<string>().Should().EndWith(":exec-west");
        (await EastLock())!["owner"]!.GetValue<string>().Should().EndWith(":exec-east");
    }
}
