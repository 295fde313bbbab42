using System.Globalization;
using System.Text.RegularExpressions;
using Failover.Infra.Config;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Regional;

/// What the ECS service needs to know.
public sealed record EcsServiceProps
{
    public required Naming Naming { get; init; }
    public required AwsAccount Account { get; init; }
    public required ContainerSettings Container { get; init; }
    /// Tasks the stack starts with (the role decides).
    public required int DesiredCount { get; init; }
    public required int LogRetentionDays { get; init; }
    public required Network Network { get; init; }
    public required LoadBalancer LoadBalancer { get; init; }
}

/// The ECS cluster, the Fargate task definition with its container health check, and the service behind the ALB.
public sealed partial record EcsService
{
    public const string ContainerName = "app";

    public required Resource Cluster { get; init; }
    public required Resource Service { get; init; }
    public required Resource LogGroup { get; init; }
    /// The service's task definition; its family is the stack's prefix, a fixed name IAM can scope to.
    public required Resource TaskDefinition { get; init; }
    public required string TaskDefinitionFamily { get; init; }
    /// The role ECS assumes to start the service's tasks: whoever runs that task definition must be allowed to pass it.
    public required Resource ExecutionRole { get; init; }
    public required Resource SecurityGroup { get; init; }
    /// Where the service's tasks run, and whether they get a public IP: a one-off task of the same definition needs the same.
    public required IReadOnlyList<Value> TaskSubnetIds { get; init; }
    public required bool AssignPublicIp { get; init; }
    /// Tasks this stack starts with: the active count in the primary, the standby count in the secondary.
    public required int DesiredCount { get; init; }

    /// scale-service reads and sets this one service's desired count.
    public void GrantScale(IamRole role) =>
        role.Grant(p => p.Allow("ScaleService", Actions.Ecs.ScaleService, Service.Out("arn")));

    /// check-service reads this one service's counts and deployments.
    public void GrantDescribe(IamRole role) =>
        role.Grant(p => p.Allow("DescribeService", Actions.Ecs.DescribeService, Service.Out("arn")));

    public static EcsService Create(PulumiProgram program, EcsServiceProps props)
    {
        var naming = props.Naming;
        var container = props.Container;

        var cluster = program.Add(new Resource
        {
            Name = "cluster",
            Type = "aws:ecs/cluster:Cluster",
            Properties = Map.Of(
                // A fixed name on purpose: only a name change replaces a cluster, and operators look for it by name.
                ("name", naming.Prefix),
                // Container Insights publishes RunningTaskCount, which one of the health alarms watches.
                ("settings", Value.List(Map.Of(("name", "containerInsights"), ("value", "enabled")))),
                ("tags", naming.TagsNamed(""))),
        });

        var logGroup = program.Add(new Resource
        {
            Name = "log-group",
            Type = "aws:cloudwatch/logGroup:LogGroup",
            Properties = Map.Of(
                ("namePrefix", $"/ecs/{naming.Prefix}-"),
                ("retentionInDays", props.LogRetentionDays),
                ("tags", naming.TagsNamed("logs"))),
        });

        // Lets ECS, for this account only, pull the image and write the logs. No aws:SourceArn: AWS documents it for task
        // roles, not for the execution role the Fargate agent assumes, and a key the agent does not send would stop every task.
        var executionRole = new IamRole("task-execution", "task-execution", "Lets ECS pull the image and write the container's logs",
            TrustPolicy.ForService("ecs-tasks.amazonaws.com", props.Account.AccountId));
        executionRole.Grant(p => p.Allow("WriteContainerLogs", Actions.Logs.WriteStreams, Value.Format($"{logGroup.Out("arn")}:log-stream:*")));
        GrantPull(executionRole, props.Account, container.Image);
        var executionRoleResource = executionRole.Declare(program, naming);

        var family = naming.Prefix;
        var taskDefinition = program.Add(new Resource
        {
            Name = "task-definition",
            Type = "aws:ecs/taskDefinition:TaskDefinition",
            Properties = Map.Of(
                // Families are versioned, not unique: a replacement is a new revision of the same family.
                ("family", family),
                ("cpu", container.Cpu.ToString(CultureInfo.InvariantCulture)),
                ("memory", container.Memory.ToString(CultureInfo.InvariantCulture)),
                ("networkMode", "awsvpc"),
                ("requiresCompatibilities", Value.List("FARGATE")),
                ("executionRoleArn", executionRoleResource.Out("arn")),
                ("runtimePlatform", Map.Of(("operatingSystemFamily", "LINUX"), ("cpuArchitecture", "X86_64"))),
                ("containerDefinitions", new ToJson(Value.List(ContainerDefinition(container, props.Account.Region, logGroup)))),
                ("tags", naming.TagsNamed(""))),
        });

        var securityGroup = program.Add(new Resource
        {
            Name = "service-security-group",
            Type = "aws:ec2/securityGroup:SecurityGroup",
            Properties = Map.Of(
                ("namePrefix", naming.NamePrefix("service", 100)),
                ("description", "Tasks of the failover-protected service: reachable from the ALB only"),
                ("vpcId", props.Network.VpcId),
                ("ingress", Value.List(Map.Of(
                    ("description", "Application port from the ALB"),
                    ("protocol", "tcp"),
                    ("fromPort", container.Port),
                    ("toPort", container.Port),
                    ("securityGroups", Value.List(props.LoadBalancer.SecurityGroup.Out("id")))))),
                ("egress", Value.List(props.Network.EgressPorts.Select(p => (Value)Egress(p)))),
                ("tags", naming.TagsNamed("service"))),
        });
        props.LoadBalancer.AllowTrafficTo(program, naming, securityGroup, container.Port);

        var service = program.Add(new Resource
        {
            Name = "service",
            Type = "aws:ecs/service:Service",
            Properties = Map.Of(
                // A fixed name (the stack's prefix, like the cluster): the primary's failback scales the secondary's service back to
                // standby by name, before the secondary exists. A replacement (launch type) must then delete the old service first.
                ("name", naming.Prefix),
                ("cluster", cluster.Out("arn")),
                ("taskDefinition", taskDefinition.Out("arn")),
                ("desiredCount", props.DesiredCount),
                ("launchType", "FARGATE"),
                ("platformVersion", "LATEST"),
                ("networkConfiguration", Map.Of(
                    ("subnets", Value.List(props.Network.TaskSubnetIds)),
                    ("securityGroups", Value.List(securityGroup.Out("id"))),
                    ("assignPublicIp", props.Network.AssignPublicIp))),
                ("loadBalancers", Value.List(Map.Of(
                    ("targetGroupArn", props.LoadBalancer.TargetGroup.Out("arn")),
                    ("containerName", ContainerName),
                    ("containerPort", container.Port)))),
                // Time for the app to start before failing ALB checks count against a new task.
                ("healthCheckGracePeriodSeconds", 30),
                ("deploymentCircuitBreaker", Map.Of(("enable", true), ("rollback", true))),
                ("deploymentMinimumHealthyPercent", 100),
                ("deploymentMaximumPercent", 200),
                ("enableEcsManagedTags", true),
                ("propagateTags", "SERVICE"),
                ("waitForSteadyState", false),
                ("tags", naming.TagsNamed(""))),
            Options = new ResourceOptions
            {
                DependsOn = [.. props.LoadBalancer.Listeners, executionRole.PolicyResource],
                // Autoscaling and the failover workflow own the running count; `pulumi up` must not undo a failover.
                IgnoreChanges = ["desiredCount"],
                // The fixed name survives the replacing changes (launch type); the region is down for the replacement.
                DeleteBeforeReplace = true,
            },
        });

        return new EcsService
        {
            Cluster = cluster,
            Service = service,
            LogGroup = logGroup,
            TaskDefinition = taskDefinition,
            TaskDefinitionFamily = family,
            ExecutionRole = executionRoleResource,
            SecurityGroup = securityGroup,
            TaskSubnetIds = props.Network.TaskSubnetIds,
            AssignPublicIp = props.Network.AssignPublicIp,
            DesiredCount = props.DesiredCount,
        };
    }

    /// Out to anywhere on one TCP port. 443 is what a task needs without NAT or VPC endpoints (ECR's API and registry, the
    /// image layers in S3, CloudWatch Logs, Secrets Manager, the application's own AWS calls), all at public addresses;
    /// DNS needs no rule (security groups do not filter the VPC's resolver).
    private static Map Egress(int port) => Map.Of(
        ("description", port == 443 ? "HTTPS to AWS APIs: image pulls, logs, secrets" : $"TCP {port} (taskEgressPorts)"),
        ("protocol", "tcp"),
        ("fromPort", port),
        ("toPort", port),
        ("cidrBlocks", Value.List("0.0.0.0/0")));

    private static Map ContainerDefinition(ContainerSettings container, string region, Resource logGroup) => Map.Of(
        ("name", ContainerName),
        ("image", container.Image),
        ("essential", true),
        ("portMappings", Value.List(Map.Of(("containerPort", container.Port), ("protocol", "tcp")))),
        // CMD-SHELL: the command's exit status decides; non-zero marks the task unhealthy and ECS replaces it.
        ("healthCheck", Map.Of(
            ("command", Value.List("CMD-SHELL", container.HealthCheckCommand)),
            ("interval", 10),
            ("timeout", 5),
            ("retries", 3),
            ("startPeriod", 30))),
        ("logConfiguration", Map.Of(
            ("logDriver", "awslogs"),
            ("options", Map.Of(
                ("awslogs-group", logGroup.Out("name")),
                ("awslogs-region", region),
                ("awslogs-stream-prefix", ContainerName))))));

    // An ECR image scopes the pull to its one repository; a public image needs no permission at all.
    private static void GrantPull(IamRole role, AwsAccount account, string image)
    {
        if (EcrRepositoryArn(account, image) is not { } repository) return;
        role.Grant(p => p
            .Allow("PullImage", Actions.Ecr.PullImage, repository)
            .AllowUnscoped("GetRegistryToken", Actions.Ecr.GetAuthorizationToken));
    }

    /// The repository of a private ECR image (or its replica in `region`: registry replication keeps the account and the name),
    /// or null for any other registry.
    public static Value? EcrRepositoryArn(AwsAccount account, string image, string? region = null)
    {
        var ecr = EcrImage().Match(image);
        if (!ecr.Success) return null;
        var repository = $"{ecr.Groups["account"].Value}:repository/{ecr.Groups["repository"].Value}";
        return Value.Format($"arn:{account.Partition}:ecr:{region ?? ecr.Groups["region"].Value}:{repository}");
    }

    /// The region of a private ECR image, or null for any other registry.
    public static string? EcrImageRegion(string image) => EcrImage().Match(image) is { Success: true } m ? m.Groups["region"].Value : null;

    // Private registries: ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]/REPOSITORY[:tag|@digest].
    [GeneratedRegex(@"^(?<account>\d{12})\.dkr\.ecr(-fips)?\.(?<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?/(?<repository>[^:@]+)")]
    private static partial Regex EcrImage();
}
