namespace Failover.Infra.Iam;

/// The only actions a policy may grant on `"*"`, each because AWS defines no resource type for it
/// (Service Authorization Reference); an independent test checks that against AWS's IAM data.
public static class UnscopedActions
{
    public static readonly IReadOnlyDictionary<string, string> Allowlist = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ecr:GetAuthorizationToken"] = "returns a registry-wide login token; the action has no resource type",
        ["application-autoscaling:DescribeScalableTargets"] = "Describe* calls of Application Auto Scaling have no resource type; it reads bounds only",
        ["elasticloadbalancing:DescribeTargetHealth"] = "ELB Describe* calls have no resource type; it reads target states only",
        ["xray:PutTraceSegments"] = "X-Ray trace writes have no resource type; active tracing of the functions and the state machine",
        ["xray:PutTelemetryRecords"] = "X-Ray telemetry writes have no resource type; active tracing",
        ["xray:GetSamplingRules"] = "X-Ray sampling reads have no resource type; a traced state machine reads its sampling rules",
        ["xray:GetSamplingTargets"] = "X-Ray sampling reads have no resource type; a traced state machine reports its sampling",
        ["logs:CreateLogDelivery"] = "vended-log delivery actions have no resource type; Step Functions sets up its execution logging with them",
        ["logs:GetLogDelivery"] = "vended-log delivery; Step Functions execution logging",
        ["logs:UpdateLogDelivery"] = "vended-log delivery; Step Functions execution logging",
        ["logs:DeleteLogDelivery"] = "vended-log delivery; Step Functions execution logging",
        ["logs:ListLogDeliveries"] = "vended-log delivery; Step Functions execution logging",
        ["logs:PutResourcePolicy"] = "account-level log resource policy, no resource type; Step Functions lets its delivery write to the group",
        ["logs:DescribeResourcePolicies"] = "account-level, no resource type; Step Functions checks the log resource policy",
        ["cloudwatch:PutMetricData"] = "its only resource type is an optional OTLP dataset a plain data point does not use; each grant is held to one traffic gate's namespace (cloudwatch:namespace) and region (aws:RequestedRegion)",
        ["ecs:DescribeTaskDefinition"] = "task definitions have no resource type for this read; the readiness checks compare the two stacks' definitions",
        ["cloudwatch:GetMetricData"] = "its only resource type is an optional OTLP dataset a plain metric query does not use; the readiness checks read the account's Fargate usage",
        ["cloudwatch:GetMetricStatistics"] = "metric reads have no resource type; the readiness checks read the account's Fargate usage",
        ["logs:DescribeLogGroups"] = "listing has no resource type; Step Functions checks the destination log group",
    };
}
