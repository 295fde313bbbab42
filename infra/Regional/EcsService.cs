using System.Text.RegularExpressions;
using Failover.Infra.Config;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Regional;

/// The ECS cluster, the Fargate task definition with its container health check, and the service behind the ALB.
public sealed partial record EcsService
{
    public const string ContainerName = "app";

    public required Resource Cluster { get; init; }
    public required Resource Service { get; init; }
    public required Resource LogGroup { get; init; }
    /// Tasks this stack starts with: the active count in the primary, the standby count in the secondary.
    public required int DesiredCount { get; init; }

    public static EcsService Create(PulumiProgram program, StackConfig config, Network network, LoadBalancer loadBalancer, Value accountId)
    {
        var prefix = config.NamePrefix;
        var container = config.Container;

        var cluster = program.Add(new Resource
        {
            Name = "cluster",
            Type = "aws:ecs/cluster:Cluster",
            Properties = Map.Of(
                ("name", prefix),
                // Container Insights publishes RunningTaskCount, which one of the health alarms watches.
                ("settings", Value.List(Map.Of(("name", "containerInsights"), ("value", "enabled")))),
                ("tags", Map.Of(config.TagsNamed(prefix)))),
        });

        var logGroup = program.Add(new Resource
        {
            Name = "log-group",
            Type = "aws:cloudwatch/logGroup:LogGroup",
            Properties = Map.Of(
                ("name", $"/ecs/{prefix}"),
                ("retentionInDays", config.LogRetentionDays),
                ("tags", Map.Of(config.TagsNamed($"/ecs/{prefix}")))),
        });

        var executionRole = program.Add(new Resource
        {
            Name = "task-execution-role",
            Type = "aws:iam/role:Role",
            Properties = Map.Of(
                ("name", $"{prefix}-task-execution"),
                ("description", "Lets ECS pull the image and write the container's logs"),
                ("assumeRolePolicy", TrustPolicy.ForService("ecs-tasks.amazonaws.com", accountId)),
                ("tags", Map.Of(config.TagsNamed($"{prefix}-task-execution")))),
        });
        var executionPolicy = program.Add(new Resource
        {
            Name = "task-execution-policy",
            Type = "aws:iam/rolePolicy:RolePolicy",
            Properties = Map.Of(
                ("name", "pull-image-and-write-logs"),
                ("role", executionRole.Out("id")),
                ("policy", ExecutionPolicy(config, logGroup).ToValue())),
        });

        var taskDefinition = program.Add(new Resource
        {
            Name = "task-definition",
            Type = "aws:ecs/taskDefinition:TaskDefinition",
            Properties = Map.Of(
                ("family", prefix),
                ("cpu", container.Cpu.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("memory", container.Memory.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("networkMode", "awsvpc"),
                ("requiresCompatibilities", Value.List("FARGATE")),
                ("executionRoleArn", executionRole.Out("arn")),
                ("runtimePlatform", Map.Of(("operatingSystemFamily", "LINUX"), ("cpuArchitecture", "X86_64"))),
                ("containerDefinitions", new ToJson(Value.List(ContainerDefinition(config, logGroup)))),
                ("tags", Map.Of(config.TagsNamed(prefix)))),
        });

        var securityGroup = program.Add(new Resource
        {
            Name = "service-security-group",
            Type = "aws:ec2/securityGroup:SecurityGroup",
            Properties = Map.Of(
                ("name", $"{prefix}-service"),
                ("description", "Tasks of the failover-protected service: reachable from the ALB only"),
                ("vpcId", network.VpcId),
                ("ingress", Value.List(Map.Of(
                    ("description", "Application port from the ALB"),
                    ("protocol", "tcp"),
                    ("fromPort", container.Port),
                    ("toPort", container.Port),
                    ("securityGroups", Value.List(loadBalancer.SecurityGroup.Out("id")))))),
                ("egress", Value.List(LoadBalancer.AllEgress())),
                ("tags", Map.Of(config.TagsNamed($"{prefix}-service")))),
        });

        var desired = config.Role == Role.Primary ? config.Capacity.ActiveCount : config.Capacity.StandbyCount;
        var service = program.Add(new Resource
        {
            Name = "service",
            Type = "aws:ecs/service:Service",
            Properties = Map.Of(
                ("name", prefix),
                ("cluster", cluster.Out("arn")),
                ("taskDefinition", taskDefinition.Out("arn")),
                ("desiredCount", desired),
                ("launchType", "FARGATE"),
                ("platformVersion", "LATEST"),
                ("networkConfiguration", Map.Of(
                    ("subnets", Value.List(network.SubnetIds)),
                    ("securityGroups", Value.List(securityGroup.Out("id"))),
                    ("assignPublicIp", network.AssignPublicIp))),
                ("loadBalancers", Value.List(Map.Of(
                    ("targetGroupArn", loadBalancer.TargetGroup.Out("arn")),
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
                ("tags", Map.Of(config.TagsNamed(prefix)))),
            Options = new ResourceOptions
            {
                DependsOn = [.. loadBalancer.Listeners, executionPolicy],
                // Autoscaling and the failover workflow own the running count; `pulumi up` must not undo a failover.
                IgnoreChanges = ["desiredCount"],
            },
        });

        return new EcsService { Cluster = cluster, Service = service, LogGroup = logGroup, DesiredCount = desired };
    }

    private static Map ContainerDefinition(StackConfig config, Resource logGroup)
    {
        var container = config.Container;
        return Map.Of(
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
                    ("awslogs-region", config.Region),
                    ("awslogs-stream-prefix", ContainerName))))));
    }

    private static PolicyDocument ExecutionPolicy(StackConfig config, Resource logGroup)
    {
        var policy = new PolicyDocument()
            .Allow(["logs:CreateLogStream", "logs:PutLogEvents"], Value.Format($"{logGroup.Out("arn")}:log-stream:*"));
        var ecr = EcrImage().Match(config.Container.Image);
        if (ecr.Success)
        {
            policy.Allow(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                $"arn:aws:ecr:{ecr.Groups["region"].Value}:{ecr.Groups["account"].Value}:repository/{ecr.Groups["repository"].Value}");
            policy.AllowUnscoped("ecr:GetAuthorizationToken");
        }
        return policy;
    }

    [GeneratedRegex(@"^(?<account>\d{12})\.dkr\.ecr\.(?<region>[a-z0-9-]+)\.amazonaws\.com/(?<repository>[^:@]+)")]
    private static partial Regex EcrImage();
}
