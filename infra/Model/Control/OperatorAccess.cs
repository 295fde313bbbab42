using Failover.Contract;
using Failover.Infra.Config;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// What the operator role reaches and who may write the control table.
public sealed record OperatorAccessProps
{
    public required Naming Naming { get; init; }
    public required AwsAccount Account { get; init; }
    public required ControlTable Table { get; init; }
    public required Workflow Workflow { get; init; }
    /// The functions of this stack that write the control table (decide, release-lock).
    public required IReadOnlyList<LambdaFunction> TableWriters { get; init; }
    /// The other stack's name prefix and region: its operator role sets the flag in this replica too.
    public required string PeerPrefix { get; init; }
    public required string PeerRegion { get; init; }
    /// The identity deploying this stack (its role, not its session): Pulumi writes the stack's readiness plan into the table.
    public required Value Deployer { get; init; }
}

/// The operator role of this stack (`PREFIX-operator`: set the flag, start the operators' entry point, follow runs) and the
/// control table replica's resource policy, which lets only this stack's workflow functions, the two stacks' operator roles
/// (the flag item only) and DynamoDB's replication write it: an identity policy elsewhere in the account that grants
/// dynamodb:PutItem on `*` can no longer forge a lock, a state or a flag here.
public sealed record OperatorAccess
{
    public required IamRole Role { get; init; }
    public required Resource TablePolicy { get; init; }

    /// A fixed name: the other stack's table policy names it before it exists.
    public static string RoleName(string prefix) => $"{prefix}-operator";

    public static Value RoleArn(AwsAccount account, string prefix) => Value.Format($"arn:{account.Partition}:iam::{account.AccountId}:role/{RoleName(prefix)}");

    /// Global tables replicate through this service-linked role; a resource policy that denies it stops replication
    /// ("DynamoDB global tables security", Amazon DynamoDB Developer Guide).
    public static Value ReplicationRoleArn(AwsAccount account) =>
        Value.Format($"arn:{account.Partition}:iam::{account.AccountId}:role/aws-service-role/replication.dynamodb.amazonaws.com/AWSServiceRoleForDynamoDBReplication");

    /// What Pulumi's table item calls to write, update and remove a readiness plan.
    private static readonly IReadOnlyList<string> PlanWrites = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"];

    public static OperatorAccess Create(PulumiProgram program, OperatorAccessProps props)
    {
        var (naming, account, table) = (props.Naming, props.Account, props.Table);
        var replicas = new[] { table.ArnIn(account.Region), table.ArnIn(props.PeerRegion) };
        var flagOnly = new Condition("ForAllValues:StringEquals", "dynamodb:LeadingKeys", [ControlTableItems.Flag]);
        var role = new IamRole("operator", "operator", "Operators of the failover: set the user request flag, start the operators' workflow, follow runs",
            TrustPolicy.ForAccount(account.Partition, account.AccountId), name: RoleName(naming.Prefix));
        role.Grant(p => p
            // The flag in both replicas: failoverctl writes both of an eventually consistent table.
            .Allow("SetTheFlag", Actions.DynamoDb.SetItem, replicas, flagOnly)
            .Allow("ReadTheControlItems", Actions.DynamoDb.ReadItem, replicas,
                new Condition("ForAllValues:StringLike", "dynamodb:LeadingKeys", [ControlTableItems.Flag, ControlTableItems.State, ControlTableItems.NoticePrefix + "*"]))
            .Allow("StartOperatorRuns", Actions.States.StartExecution, props.Workflow.Arn)
            .Allow("ListRuns", Actions.States.ListExecutions, props.Workflow.NamedArns)
            .Allow("FollowRuns", Actions.States.DescribeExecution, [.. props.Workflow.NamedArns.Select(Workflow.ExecutionsOf)]));
        role.Declare(program, naming);

        var operators = new[] { role.Resource.Out("arn"), RoleArn(account, props.PeerPrefix) };
        // The deployer may write its readiness plan item and nothing else: it could rewrite this policy anyway, so naming it here
        // gives it nothing new, while any other identity's PutItem on "*" still cannot touch the lock, the state or the flag.
        var writers = props.TableWriters.Select(f => f.Role.Resource.Out("arn")).Concat(operators).Append(ReplicationRoleArn(account)).Append(props.Deployer).ToArray();
        var own = table.ArnIn(account.Region);
        var everyone = Principal.Anyone;
        var policy = new PolicyDocument()
            .DenyPrincipal("OnlyTheWorkflowAndOperatorsWrite", everyone, Actions.DynamoDb.WriteItems, own, Condition.ArnNotLike("aws:PrincipalArn", writers))
            .DenyPrincipal("OperatorsWriteTheFlagOnly", everyone, Actions.DynamoDb.SetItem, own,
                Condition.ArnLike("aws:PrincipalArn", operators),
                new Condition("ForAnyValue:StringNotEquals", "dynamodb:LeadingKeys", [ControlTableItems.Flag]))
            // This stack's own plan only: the peer's plan is the peer's deploy to write, in the peer's replica.
            .DenyPrincipal("TheDeployerWritesItsReadinessPlanOnly", everyone, PlanWrites, own,
                Condition.ArnLike("aws:PrincipalArn", props.Deployer),
                new Condition("ForAnyValue:StringNotEquals", "dynamodb:LeadingKeys", [ControlTableItems.Readiness(naming.Prefix)]))
            .DenyPrincipal("TheDeployerUsesNoOtherWrite", everyone, [.. Actions.DynamoDb.WriteItems.Except(PlanWrites)], own,
                Condition.ArnLike("aws:PrincipalArn", props.Deployer))
            // The forms that name no key in a condition IAM can read: operators use neither.
            .DenyPrincipal("OperatorsUseNoOtherWrite", everyone, [.. Actions.DynamoDb.WriteItems.Except(Actions.DynamoDb.SetItem)], own,
                Condition.ArnLike("aws:PrincipalArn", operators));
        var tablePolicy = program.Add(new Resource
        {
            Name = "control-table-policy",
            Type = "aws:dynamodb/resourcePolicy:ResourcePolicy",
            Properties = Map.Of(("resourceArn", own), ("policy", policy.ToValue())),
            Options = new ResourceOptions { DependsOn = [role.Resource, .. props.TableWriters.Select(f => f.Role.Resource)] },
        });
        return new OperatorAccess { Role = role, TablePolicy = tablePolicy };
    }
}
