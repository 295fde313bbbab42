namespace Failover.Contract;

/// The control table's items by partition key: the functions read and write them, the compiler's grants name them
/// (dynamodb:LeadingKeys), failoverctl sets the flag and reads the state.
public static class ControlTableItems
{
    public const string PartitionKey = "pk";
    /// The flag override: operators write it, the functions only read it.
    public const string Flag = "flag";
    /// The transition state and the lock that guards the next transition, in one item: each is one conditional write.
    public const string State = "state";
    /// decide's record of one run's decision: `decision#OWNER`.
    public const string DecisionPrefix = "decision#";
    /// The BLOCKED or ALERT condition last announced for one action: `notice#ACTION`. The failover and drill of the secondary's
    /// workflow and the failback of the primary's share one global table, and none may silence another.
    public const string NoticePrefix = "notice#";

    /// A stack's readiness plan, written by Pulumi at deploy: `readiness#STACK` (attribute `plan`, JSON).
    public const string ReadinessPrefix = "readiness#";
    /// The plan item's attribute holding the plan's JSON (a string: ReadinessJson's ReadinessPlan).
    public const string ReadinessPlanAttribute = "plan";
    /// The decision log's index of the last runs as measured (attributes `recent`, `lastSucceededDrill`).
    public const string Runs = "runs";

    public static string Decision(string owner) => DecisionPrefix + owner;

    public static string Readiness(string stack) => ReadinessPrefix + stack;

    public static string Notice(FailoverAction action) => NoticePrefix + Wire.Of(action);
}
