using System.Text.Json;
using System.Text.RegularExpressions;

namespace Failover.Ops.Tests.Examples;

/// The example preview role (infra/Ops/examples/preview-role-policy.json) reads what `pulumi preview --refresh` reads of
/// the compiled programs, and nothing it could change anything with: a pull request's preview runs code nobody has merged.
public sealed partial class PreviewRolePolicyTests
{
    /// What a refresh of each resource type (and each provider function the programs call) reads, per the provider's Read:
    /// a type that appears in a golden program without a row here fails the test until someone lists its reads.
    private static readonly Dictionary<string, string[]> ReadsByType = new(StringComparer.Ordinal)
    {
        ["aws:appautoscaling/policy:Policy"] = ["application-autoscaling:DescribeScalingPolicies"],
        ["aws:appautoscaling/target:Target"] = ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:ListTagsForResource"],
        ["aws:cloudwatch/dashboard:Dashboard"] = ["cloudwatch:GetDashboard"],
        ["aws:cloudwatch/eventRule:EventRule"] = ["events:DescribeRule", "events:ListTagsForResource"],
        ["aws:cloudwatch/eventTarget:EventTarget"] = ["events:ListTargetsByRule"],
        ["aws:cloudwatch/logGroup:LogGroup"] = ["logs:DescribeLogGroups", "logs:ListTagsForResource"],
        ["aws:cloudwatch/metricAlarm:MetricAlarm"] = ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
        ["aws:cloudwatch/compositeAlarm:CompositeAlarm"] = ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
        ["aws:dynamodb/table:Table"] = ["dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTimeToLive", "dynamodb:ListTagsOfResource"],
        ["aws:dynamodb/resourcePolicy:ResourcePolicy"] = ["dynamodb:GetResourcePolicy"],
        ["aws:dynamodb/tableItem:TableItem"] = ["dynamodb:GetItem"],
        ["aws:ec2/internetGateway:InternetGateway"] = ["ec2:DescribeInternetGateways"],
        ["aws:ec2/routeTable:RouteTable"] = ["ec2:DescribeRouteTables"],
        ["aws:ec2/routeTableAssociation:RouteTableAssociation"] = ["ec2:DescribeRouteTables"],
        ["aws:ec2/securityGroup:SecurityGroup"] = ["ec2:DescribeSecurityGroups"],
        ["aws:ec2/subnet:Subnet"] = ["ec2:DescribeSubnets"],
        ["aws:ec2/vpc:Vpc"] = ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeNetworkAcls", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups"],
        ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"] = ["ec2:DescribeSecurityGroupRules"],
        ["aws:ecs/cluster:Cluster"] = ["ecs:DescribeClusters"],
        ["aws:ecs/service:Service"] = ["ecs:DescribeServices"],
        ["aws:ecs/taskDefinition:TaskDefinition"] = ["ecs:DescribeTaskDefinition"],
        ["aws:iam/role:Role"] = ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"],
        ["aws:iam/rolePolicy:RolePolicy"] = ["iam:GetRolePolicy"],
        ["aws:kms/alias:Alias"] = ["kms:ListAliases"],
        ["aws:kms/key:Key"] = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
        ["aws:lambda/function:Function"] = ["lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:ListVersionsByFunction"],
        ["aws:lb/listener:Listener"] = ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeTags"],
        ["aws:lb/loadBalancer:LoadBalancer"] = ["elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeTags"],
        ["aws:lb/targetGroup:TargetGroup"] = ["elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTags"],
        ["aws:route53/healthCheck:HealthCheck"] = ["route53:GetHealthCheck", "route53:ListTagsForResource"],
        ["aws:route53/record:Record"] = ["route53:ListResourceRecordSets"],
        ["aws:s3/bucket:Bucket"] = ["s3:ListBucket", "s3:GetBucketTagging", "s3:GetBucketPolicy", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration"],
        ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"] = ["s3:GetLifecycleConfiguration"],
        ["aws:s3/bucketPolicy:BucketPolicy"] = ["s3:GetBucketPolicy"],
        ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"] = ["s3:GetBucketPublicAccessBlock"],
        ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"] = ["s3:GetEncryptionConfiguration"],
        ["aws:scheduler/schedule:Schedule"] = ["scheduler:GetSchedule"],
        ["aws:scheduler/scheduleGroup:ScheduleGroup"] = ["scheduler:GetScheduleGroup", "scheduler:ListTagsForResource"],
        ["aws:sfn/stateMachine:StateMachine"] = ["states:DescribeStateMachine", "states:ListTagsForResource"],
        ["aws:sns/topic:Topic"] = ["sns:GetTopicAttributes", "sns:ListTagsForResource"],
        ["aws:sns/topicPolicy:TopicPolicy"] = ["sns:GetTopicAttributes"],
        ["aws:sns/topicSubscription:TopicSubscription"] = ["sns:GetSubscriptionAttributes"],
        ["aws:sqs/queue:Queue"] = ["sqs:GetQueueAttributes", "sqs:ListQueueTags"],
        ["aws:sqs/queuePolicy:QueuePolicy"] = ["sqs:GetQueueAttributes"],
        ["aws:wafv2/webAcl:WebAcl"] = ["wafv2:GetWebACL", "wafv2:ListTagsForResource"],
        ["aws:wafv2/webAclAssociation:WebAclAssociation"] = ["wafv2:GetWebACLForResource"],
        // The provider functions the programs call; getCallerIdentity and getPartition need no permission.
        ["aws:index/getAvailabilityZones:getAvailabilityZones"] = ["ec2:DescribeAvailabilityZones"],
        ["aws:route53/getZone:getZone"] = ["route53:GetHostedZone"],
        ["aws:iam/getSessionContext:getSessionContext"] = ["iam:GetRole"],
        ["aws:index/getCallerIdentity:getCallerIdentity"] = [],
        ["aws:index/getPartition:getPartition"] = [],
        // Pulumi's own: a provider reads nothing, a StackReference reads the state backend.
        ["pulumi:providers:aws"] = [],
        ["pulumi:pulumi:StackReference"] = ["s3:GetObject"],
    };

    /// Actions that read without a Describe/Get/List name, each with why a preview needs it.
    private static readonly Dictionary<string, string> ReadsNamedOtherwise = new(StringComparer.Ordinal)
    {
        ["kms:Decrypt"] = "the awskms secrets provider: a preview decrypts the stack's encrypted config",
    };

    private static readonly IReadOnlyList<string> PolicyActions = ReadPolicyActions();

    private static IReadOnlyList<string> ReadPolicyActions()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Repo.Path("infra", "Ops", "examples", "preview-role-policy.json")));
        var actions = new List<string>();
        foreach (var statement in document.RootElement.GetProperty("Statement").EnumerateArray())
        {
            statement.GetProperty("Effect").GetString().Should().Be("Allow", "the example grants; it denies nothing a role without grants could do");
            var action = statement.GetProperty("Action");
            actions.AddRange(action.ValueKind == JsonValueKind.Array ? action.EnumerateArray().Select(a => a.GetString()!) : [action.GetString()!]);
        }
        return actions;
    }

    /// Every resource type and provider function in the compiled golden programs: the stacks', and those a variant's delta adds.
    public static TheoryData<string> GoldenTypes()
    {
        var types = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Repo.Path("tests", "golden")).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".diff", StringComparison.Ordinal)))
            foreach (Match m in TypeOrFunction().Matches(File.ReadAllText(file)))
                types.Add(m.Groups["type"].Value);
        return new TheoryData<string>(types);
    }

    [Theory]
    [MemberData(nameof(GoldenTypes))]
    public void Every_resource_type_in_the_compiled_programs_is_readable_by_the_preview_role(string type)
    {
        ReadsByType.Should().ContainKey(type, $"{type} is in a compiled program: list what refreshing it reads, and grant that in preview-role-policy.json");
        if (ReadsByType[type].Length > 0) PolicyActions.Should().Contain(ReadsByType[type], $"a preview refreshes every {type}");
    }

    [Fact]
    public void The_goldens_were_found() => GoldenTypes().Count.Should().BeGreaterThan(20);

    [Fact]
    public void The_preview_role_has_no_action_that_changes_anything()
    {
        var writes = PolicyActions.Where(a => !ReadAction().IsMatch(a) && !ReadsNamedOtherwise.ContainsKey(a)).ToList();
        writes.Should().BeEmpty("a preview only reads: every action is a Describe, Get or List (or a named read such as kms:Decrypt)");
        PolicyActions.Should().NotContain(a => a.Contains('*'), "no wildcard action: it would include writes");
    }

    [Fact]
    public void The_preview_role_reads_no_execution_history_nor_secrets() =>
        PolicyActions.Should().NotContain(["states:GetExecutionHistory", "secretsmanager:GetSecretValue", "ssm:GetParameter", "s3:GetObjectVersion"]);

    [GeneratedRegex(@"^\+?\s+(?:type|function): ""(?<type>[a-z-]+:[^""]+)""$", RegexOptions.Multiline)]
    private static partial Regex TypeOrFunction();

    [GeneratedRegex("^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*$")]
    private static partial Regex ReadAction();
}
