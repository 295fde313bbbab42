namespace Failover.Infra.Iam;

/// Every IAM action the stacks grant, named per service, so a reviewer audits the vocabulary in one file.
/// An independent test checks each against AWS's own IAM data (the action exists; scoped ones have a resource type).
public static class Actions
{
    public static class Logs
    {
        /// Write a container's log lines into streams of one log group.
        public static readonly IReadOnlyList<string> WriteStreams = ["logs:CreateLogStream", "logs:PutLogEvents"];
    }

    public static class Ecr
    {
        /// Pull the layers of images in one repository.
        public static readonly IReadOnlyList<string> PullImage = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];
        public static readonly IReadOnlyList<string> GetAuthorizationToken = ["ecr:GetAuthorizationToken"];
        /// An image's digest and push time in one repository, without pulling it.
        public static readonly IReadOnlyList<string> DescribeImages = ["ecr:DescribeImages"];
    }

    public static class Route53
    {
        /// Read and flip one health check's inversion (the traffic gate), with its version for optimistic locking.
        public static readonly IReadOnlyList<string> UpdateHealthCheck = ["route53:GetHealthCheck", "route53:UpdateHealthCheck"];
        /// What Route 53's checkers see of one health check.
        public static readonly IReadOnlyList<string> ReadHealthCheckStatus = ["route53:GetHealthCheckStatus"];
        /// One health check's configuration (a route53-api gate's inversion is its position), read only.
        public static readonly IReadOnlyList<string> GetHealthCheck = ["route53:GetHealthCheck"];
    }

    public static class RecoveryCluster
    {
        /// Read and set one ARC routing control's state (a traffic gate), through the cluster's data plane.
        public static readonly IReadOnlyList<string> MoveRoutingControl =
            ["route53-recovery-cluster:GetRoutingControlState", "route53-recovery-cluster:UpdateRoutingControlState"];
        /// Read one routing control's state (an arc gate's position) only.
        public static readonly IReadOnlyList<string> GetRoutingControlState = ["route53-recovery-cluster:GetRoutingControlState"];
    }

    public static class Ecs
    {
        public static readonly IReadOnlyList<string> DescribeService = ["ecs:DescribeServices"];
        /// Set one service's desired count.
        public static readonly IReadOnlyList<string> ScaleService = ["ecs:DescribeServices", "ecs:UpdateService"];
        /// Start a one-off task of a task definition (a recovery task).
        public static readonly IReadOnlyList<string> RunTask = ["ecs:RunTask"];
        /// What Step Functions' runTask.sync does with the task it started: wait for it, and stop it on a timeout or an abort.
        public static readonly IReadOnlyList<string> WatchTask = ["ecs:DescribeTasks", "ecs:StopTask"];
        /// A task definition's size, containers, ports and environment names.
        public static readonly IReadOnlyList<string> DescribeTaskDefinition = ["ecs:DescribeTaskDefinition"];
        /// Which tasks run in one cluster and what they run (their image digests).
        public static readonly IReadOnlyList<string> ListTasks = ["ecs:ListTasks"];
        public static readonly IReadOnlyList<string> DescribeTasks = ["ecs:DescribeTasks"];
    }

    public static class ApplicationAutoScaling
    {
        /// Move one scalable target's floor (RegisterScalableTarget is the documented update call).
        public static readonly IReadOnlyList<string> RegisterScalableTarget = ["application-autoscaling:RegisterScalableTarget"];
        public static readonly IReadOnlyList<string> DescribeScalableTargets = ["application-autoscaling:DescribeScalableTargets"];
    }

    public static class ElasticLoadBalancing
    {
        public static readonly IReadOnlyList<string> DescribeTargetHealth = ["elasticloadbalancing:DescribeTargetHealth"];
    }

    public static class CloudWatch
    {
        public static readonly IReadOnlyList<string> DescribeAlarms = ["cloudwatch:DescribeAlarms"];
        /// Publish a data point: how the workflow moves a metric traffic gate.
        public static readonly IReadOnlyList<string> PutMetricData = ["cloudwatch:PutMetricData"];
        /// Read metric values (the account's Fargate usage).
        public static readonly IReadOnlyList<string> GetMetrics = ["cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics"];
    }

    public static class DynamoDb
    {
        /// Strongly consistent reads of single items (the flag, the state item that holds the lock).
        public static readonly IReadOnlyList<string> ReadItem = ["dynamodb:GetItem"];
        /// One conditional update of the state item: take, release or record under the lock.
        public static readonly IReadOnlyList<string> UpdateItem = ["dynamodb:UpdateItem"];
        /// Write one decision record.
        public static readonly IReadOnlyList<string> PutItem = ["dynamodb:PutItem"];
        /// An operator's override: write or remove the flag item.
        public static readonly IReadOnlyList<string> SetItem = ["dynamodb:PutItem", "dynamodb:DeleteItem"];
        /// Every way to change an item, the batch and PartiQL forms included: what the table's resource policy keeps to its writers.
        public static readonly IReadOnlyList<string> WriteItems =
            ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate",
                "dynamodb:PartiQLDelete"];
    }

    public static class Lambda
    {
        public static readonly IReadOnlyList<string> InvokeFunction = ["lambda:InvokeFunction"];
    }

    public static class Sns
    {
        public static readonly IReadOnlyList<string> Publish = ["sns:Publish"];
    }

    public static class S3
    {
        /// Deliver objects into a bucket (ELB writing access logs).
        public static readonly IReadOnlyList<string> PutObject = ["s3:PutObject"];
        /// Every S3 action: only ever denied (a request without TLS), never granted.
        public static readonly IReadOnlyList<string> Any = ["s3:*"];
    }

    public static class Kms
    {
        /// What a publisher to an encrypted topic needs of its key: SNS encrypts with a data key on the publisher's behalf.
        public static readonly IReadOnlyList<string> EncryptForTopic = ["kms:GenerateDataKey", "kms:Decrypt"];

        /// The account's administration of a key it owns (the key policy's first statement), listed instead of kms:*: what
        /// Pulumi and an operator do with it, and encryption through IAM policies that name the key.
        public static readonly IReadOnlyList<string> AdministerKey =
        [
            "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:ListKeyPolicies", "kms:GetKeyRotationStatus", "kms:EnableKeyRotation",
            "kms:DisableKeyRotation", "kms:ListResourceTags", "kms:TagResource", "kms:UntagResource", "kms:UpdateKeyDescription",
            "kms:EnableKey", "kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias",
            "kms:UpdateAlias", "kms:ListGrants", "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey",
        ];
    }

    public static class Events
    {
        /// Forward an event to another region's bus.
        public static readonly IReadOnlyList<string> PutEvents = ["events:PutEvents"];
        /// Set up the rule through which Step Functions' `.sync` integrations learn that an ECS task stopped.
        public static readonly IReadOnlyList<string> ManageSyncRule = ["events:PutTargets", "events:PutRule", "events:DescribeRule"];
    }

    public static class States
    {
        public static readonly IReadOnlyList<string> StartExecution = ["states:StartExecution"];
        /// Whether an execution runs and on which machine: decide's check of its own run and of a lock's holder.
        public static readonly IReadOnlyList<string> DescribeExecution = ["states:DescribeExecution"];
        /// An operator lists runs and follows them (status, input, output), never their history (which holds a running run's lock token).
        public static readonly IReadOnlyList<string> ListExecutions = ["states:ListExecutions"];
    }

    public static class Sqs
    {
        public static readonly IReadOnlyList<string> SendMessage = ["sqs:SendMessage"];
    }

    public static class XRay
    {
        /// What an active-tracing Lambda function or state machine sends.
        public static readonly IReadOnlyList<string> WriteTraces = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"];
        /// Sampling rules a traced state machine reads.
        public static readonly IReadOnlyList<string> ReadSampling = ["xray:GetSamplingRules", "xray:GetSamplingTargets"];
    }

    public static class LogDelivery
    {
        /// What Step Functions needs to set up its execution log delivery into a log group (CloudWatch Logs vended logs).
        public static readonly IReadOnlyList<string> ManageVendedLogs =
        [
            "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries",
            "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
        ];
    }

    public static class ServiceQuotas
    {
        public static readonly IReadOnlyList<string> GetServiceQuota = ["servicequotas:GetServiceQuota"];
    }

    public static class Iam
    {
        /// Ask IAM whether a role's policies allow actions on resources, without acting.
        public static readonly IReadOnlyList<string> SimulatePrincipalPolicy = ["iam:SimulatePrincipalPolicy"];
        /// Hand a role to a service that acts with it (ECS starting a task as its execution role).
        public static readonly IReadOnlyList<string> PassRole = ["iam:PassRole"];
    }

    public static class Sts
    {
        public static readonly IReadOnlyList<string> AssumeRole = ["sts:AssumeRole"];
    }
}
