using Failover.Contract;
using Failover.Infra.Config;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// The control table (docs/design.md §5): the flag override and the state item that holds the lock, a global table owned by the
/// primary stack with a replica in the secondary's region; each region's functions use their own replica. With
/// multi-Region strong consistency, which supports no TTL, decision records live in a second, eventually consistent
/// global table with TTL (they need no cross-region agreement); with eventual consistency they share the control table.
public sealed record ControlTable
{
    public required Value Name { get; init; }
    /// The decision log's table when it is not the control table (strong mode).
    public Value? DecisionTableName { get; init; }
    public required TableConsistency Consistency { get; init; }
    public required AwsAccount Account { get; init; }
    public required string PeerRegion { get; init; }
    /// The table resources, in the owning (primary) stack only.
    public IReadOnlyList<Resource> Owned { get; init; } = [];

    /// The table's replica in one region: the same name, that region's ARN.
    public Value ArnIn(string region) => TableArn(Name, region);

    /// The decision log's replica in one region: the decision table's in strong mode, the control table's otherwise.
    public Value DecisionLogArnIn(string region) => DecisionTableName is { } log ? TableArn(log, region) : ArnIn(region);

    private Value TableArn(Value name, string region) => name switch
    {
        Ref r => Value.Format($"arn:{Account.Partition}:dynamodb:{region}:{Account.AccountId}:table/{r}"),
        _ => throw new InvalidOperationException("A table name is a reference to the table or to the primary stack's output."),
    };

    // The items each grant may touch, by partition key: the functions never write the flag (operators do), and decide
    // writes records only under decision#, so a defect cannot overwrite the flag or forge a transition in a record's place.
    private static Condition Items(params Value[] keys) => new("ForAllValues:StringLike", "dynamodb:LeadingKeys", keys);

    private const string FlagItem = ControlTableItems.Flag, StateItem = ControlTableItems.State, DecisionItems = ControlTableItems.DecisionPrefix + "*",
        RunIndexItem = ControlTableItems.Runs;

    /// The decision log's replica in this region: its own table in strong mode, the control table otherwise.
    private Value DecisionLogArn => DecisionTableName is { } log ? TableArn(log, Account.Region) : ArnIn(Account.Region);

    /// decide: reads the flag and the state, takes the lock (one conditional update of the state item), records its
    /// decision; in eventual mode it also reads the peer replica's state before taking the lock. It reads and updates the
    /// notice item of each action this stack's workflow runs (`actions`), and no other stack's: the last BLOCKED or ALERT it announced.
    public void GrantDecide(IamRole role, IReadOnlyList<FailoverAction> actions) => role.Grant(p =>
    {
        var notices = actions.Select(a => (Value)ControlTableItems.Notice(a)).ToArray();
        p.Allow("ReadFlagAndLock", Actions.DynamoDb.ReadItem, ArnIn(Account.Region), Items(FlagItem, StateItem));
        p.Allow("TakeLock", Actions.DynamoDb.UpdateItem, ArnIn(Account.Region), Items(StateItem));
        p.Allow("ReadAndRecordNotices", [.. Actions.DynamoDb.ReadItem, .. Actions.DynamoDb.UpdateItem], ArnIn(Account.Region), Items(notices));
        p.Allow("RecordDecision", Actions.DynamoDb.PutItem, DecisionLogArn, Items(DecisionItems));
        if (Consistency == TableConsistency.Eventual)
            p.Allow("ReadPeerReplicaLock", Actions.DynamoDb.ReadItem, ArnIn(PeerRegion), Items(StateItem));
    });

    /// release-lock: one conditional update of the state item, and a read of it when a retry must answer as the first call did;
    /// at a run's end, its measured record onto its decision record (an update, never a put: only a record decide wrote) and
    /// into the run index (read, then a conditional update).
    public void GrantRelease(IamRole role) => role.Grant(p => p
        .Allow("ReadLock", Actions.DynamoDb.ReadItem, ArnIn(Account.Region), Items(StateItem))
        .Allow("ReleaseLock", Actions.DynamoDb.UpdateItem, ArnIn(Account.Region), Items(StateItem))
        .Allow("ReadRunIndex", Actions.DynamoDb.ReadItem, DecisionLogArn, Items(RunIndexItem))
        .Allow("RecordRun", Actions.DynamoDb.UpdateItem, DecisionLogArn, Items(DecisionItems, RunIndexItem)));

    /// shift-traffic and scale-service: a strongly consistent read of the lock, to act only for the run that holds it.
    public void GrantReadLock(IamRole role) => role.Grant(p => p
        .Allow("ReadLockBeforeActing", Actions.DynamoDb.ReadItem, ArnIn(Account.Region), Items(StateItem)));

    /// The settings release-lock reads to find the tables: the lock's, and the decision log it records runs in.
    public FunctionEnvironment SetReleaseEnvironment(FunctionEnvironment environment)
    {
        environment.Set(EnvNames.ControlTableName, Name);
        if (DecisionTableName is { } log) environment.Set(EnvNames.DecisionTableName, log);
        return environment;
    }

    /// The settings decide reads to find the tables and the consistency mode.
    public FunctionEnvironment SetDecideEnvironment(FunctionEnvironment environment)
    {
        environment.Set(EnvNames.ControlTableName, Name);
        if (DecisionTableName is { } log) environment.Set(EnvNames.DecisionTableName, log);
        if (Consistency == TableConsistency.Eventual) environment.Set(EnvNames.ControlTablePeerRegion, PeerRegion);
        return environment;
    }

    /// The primary owns the tables; Pulumi refuses to delete them (state that cannot be rebuilt) and so does DynamoDB.
    public static ControlTable CreateOwned(PulumiProgram program, Naming naming, AwsAccount account, ControlSettings settings, string peerRegion)
    {
        var strong = settings.Consistency == TableConsistency.Strong;
        var control = program.Add(Table("control-table", naming.Named("control"), naming.TagsNamed("control"), peerRegion,
            strong ? "STRONG" : "EVENTUAL", ttl: !strong, witness: strong ? settings.WitnessRegion : null, stream: !strong));
        var log = strong
            ? program.Add(Table("decision-log-table", naming.Named("decisions"), naming.TagsNamed("decisions"), peerRegion, "EVENTUAL", ttl: true, witness: null, stream: true))
            : null;
        return new ControlTable
        {
            Name = control.Out("name"),
            DecisionTableName = log?.Out("name"),
            Consistency = settings.Consistency,
            Account = account,
            PeerRegion = peerRegion,
            Owned = log is null ? [control] : [control, log],
        };
    }

    /// The secondary reads the tables the primary owns from its outputs.
    public static ControlTable FromPrimary(PrimaryStack primary, AwsAccount account, ControlSettings settings, string peerRegion) => new()
    {
        Name = primary.Output(StackOutputs.ControlTableName),
        DecisionTableName = settings.Consistency == TableConsistency.Strong ? primary.Output(StackOutputs.DecisionTableName) : null,
        Consistency = settings.Consistency,
        Account = account,
        PeerRegion = peerRegion,
    };

    private static Resource Table(string logicalName, string name, Map tags, string peerRegion, string consistencyMode, bool ttl, string? witness,
        bool stream) => new()
    {
        Name = logicalName,
        Type = "aws:dynamodb/table:Table",
        Properties = Map.Of(
            ("name", name),
            // On demand: a handful of reads and writes per decision; nothing to provision or throttle.
            ("billingMode", "PAY_PER_REQUEST"),
            ("hashKey", ControlTableItems.PartitionKey),
            ("attributes", Value.List(Map.Of(("name", ControlTableItems.PartitionKey), ("type", "S")))),
            ("pointInTimeRecovery", Map.Of(("enabled", true))),
            ("deletionProtectionEnabled", true),
            // An eventually consistent global table replicates through its stream; one with multi-Region strong consistency does not
            // need one ("For MRSC, Streams are not required", CloudFormation AWS::DynamoDB::GlobalTable StreamSpecification), and
            // nothing else reads it: no stream, no one to leak the lock's history to.
            ("streamEnabled", stream),
            ("streamViewType", stream ? new Str("NEW_AND_OLD_IMAGES") : null),
            ("replicas", Value.List(Map.Of(
                ("regionName", peerRegion),
                ("consistencyMode", consistencyMode),
                ("pointInTimeRecovery", true),
                ("deletionProtectionEnabled", true),
                ("propagateTags", true)))),
            ("globalTableWitness", witness is null ? null : Map.Of(("regionName", witness))),
            // Multi-Region strong consistency does not support TTL, so only the eventually consistent tables expire items.
            ("ttl", ttl ? Map.Of(("attributeName", "ttl"), ("enabled", true)) : null),
            ("tags", tags)),
        Options = new ResourceOptions { Protect = true },
    };
}
