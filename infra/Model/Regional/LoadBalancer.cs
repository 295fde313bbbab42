using Failover.Infra.Config;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Regional;

/// What the load balancer needs to know.
public sealed record LoadBalancerProps
{
    public required Naming Naming { get; init; }
    public required Network Network { get; init; }
    /// HTTPS on 443 (and HTTP redirected) when set.
    public string? CertificateArn { get; init; }
    /// The container port the target group forwards to.
    public required int TargetPort { get; init; }
    public required string HealthCheckPath { get; init; }
    /// The account the access logs are written for (the bucket policy names it).
    public required AwsAccount Account { get; init; }
    /// Deletion protection, access logs, WAF.
    public required EdgeSettings Edge { get; init; }
}

/// The internet-facing ALB, its security group, the target group the service registers in, and the listeners.
/// ALB and target group are auto-named: a change that replaces them (port, protocol, target type, VPC) creates the new
/// one before deleting the old, which a fixed name would make fail; the Name tag still shows project and stack.
public sealed record LoadBalancer
{
    /// 5 s between target health checks and 2 to pass (AWS defaults: 30 s and 5): a new task is in service in ~10 s, not minutes.
    public const int TargetHealthCheckIntervalSeconds = 5, HealthyThreshold = 2;

    public required Resource Alb { get; init; }
    public required Resource TargetGroup { get; init; }
    public required Resource SecurityGroup { get; init; }
    /// Where the access logs go; null when albAccessLogs is false.
    public AccessLogBucket? AccessLogs { get; init; }
    /// The WebACL in front of the ALB; null unless waf is true.
    public WebFirewall? Firewall { get; init; }
    /// The listeners the ECS service must wait for: a target group is usable only once a listener forwards to it.
    public required IReadOnlyList<Resource> Listeners { get; init; }
    /// HTTPS when a certificate is configured; Route 53's endpoint check probes the same way users arrive.
    public required bool Https { get; init; }

    public int Port => Https ? 443 : 80;

    /// check-service reads target states; ELB's Describe* calls have no resource type, so this is on the unscoped allowlist.
    public void GrantReadTargetHealth(IamRole role) =>
        role.Grant(p => p.AllowUnscoped("ReadTargetHealth", Actions.ElasticLoadBalancing.DescribeTargetHealth));

    /// The ALB's only way out: to the service's tasks on the container port (traffic and target health checks alike). A rule of
    /// its own, not inline: the service's group already names this one, and two inline references would be a cycle.
    public void AllowTrafficTo(PulumiProgram program, Naming naming, Resource serviceSecurityGroup, int port) => program.Add(new Resource
    {
        Name = "alb-egress-to-service",
        Type = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        Properties = Map.Of(
            ("securityGroupId", SecurityGroup.Out("id")),
            ("description", "Requests and target health checks to the service's tasks"),
            ("ipProtocol", "tcp"),
            ("fromPort", port),
            ("toPort", port),
            ("referencedSecurityGroupId", serviceSecurityGroup.Out("id")),
            ("tags", naming.TagsNamed("alb-to-service"))),
    });

    public static LoadBalancer Create(PulumiProgram program, LoadBalancerProps props)
    {
        var https = props.CertificateArn is not null;
        var naming = props.Naming;
        var network = props.Network;
        var ingress = new List<Value> { Tcp(80, "HTTP from anywhere (redirected to HTTPS when a certificate is set)") };
        if (https) ingress.Add(Tcp(443, "HTTPS from anywhere"));

        var securityGroup = program.Add(new Resource
        {
            Name = "alb-security-group",
            Type = "aws:ec2/securityGroup:SecurityGroup",
            Properties = Map.Of(
                // Security groups are replaced on a description or VPC change: a prefix keeps the new name free.
                ("namePrefix", naming.NamePrefix("alb", 100)),
                // No inline egress: the provider then removes AWS's default allow-all rule, and the one way out is
                // AllowTrafficTo's rule. (A description change replaces the group: stacks from before lose the old rule too.)
                ("description", "Internet-facing ALB of the failover-protected service: out to its tasks only"),
                ("vpcId", network.VpcId),
                ("ingress", Value.List(ingress)),
                ("tags", naming.TagsNamed("alb"))),
        });

        var edge = props.Edge;
        var logs = edge.AccessLogs ? AccessLogBucket.Create(program, naming, props.Account, edge.AccessLogDays) : null;
        var alb = program.Add(new Resource
        {
            Name = "alb",
            Type = "aws:lb/loadBalancer:LoadBalancer",
            Properties = Map.Of(
                ("loadBalancerType", "application"),
                ("internal", false),
                ("securityGroups", Value.List(securityGroup.Out("id"))),
                ("subnets", Value.List(network.PublicSubnetIds)),
                ("dropInvalidHeaderFields", true),
                // A deletion (or a replacement, whose old ALB is deleted) fails until this is turned off by an update first.
                ("enableDeletionProtection", edge.DeletionProtection),
                ("accessLogs", logs is null ? null : Map.Of(("bucket", logs.Bucket.Out("id")), ("enabled", true))),
                ("tags", naming.TagsNamed(""))),
            Options = logs is null ? ResourceOptions.None : new ResourceOptions { DependsOn = [logs.Policy] },
        });
        var firewall = edge.Waf ? WebFirewall.Create(program, naming, alb, edge) : null;

        var targetGroup = program.Add(new Resource
        {
            Name = "target-group",
            Type = "aws:lb/targetGroup:TargetGroup",
            Properties = Map.Of(
                ("port", props.TargetPort),
                ("protocol", "HTTP"),
                ("targetType", "ip"),
                ("vpcId", network.VpcId),
                // 10 s instead of the 300 s default: draining is not what failover should wait on.
                ("deregistrationDelay", 10),
                ("healthCheck", Map.Of(
                    ("enabled", true),
                    ("path", props.HealthCheckPath),
                    ("protocol", "HTTP"),
                    ("matcher", "200-399"),
                    ("interval", TargetHealthCheckIntervalSeconds),
                    ("timeout", 4),
                    ("healthyThreshold", HealthyThreshold),
                    ("unhealthyThreshold", 2))),
                ("tags", naming.TagsNamed("tg"))),
        });

        var forward = Value.List(Map.Of(("type", "forward"), ("targetGroupArn", targetGroup.Out("arn"))));
        var listeners = new List<Resource>();
        if (https)
        {
            listeners.Add(program.Add(new Resource
            {
                Name = "https-listener",
                Type = "aws:lb/listener:Listener",
                Properties = Map.Of(
                    ("loadBalancerArn", alb.Out("arn")),
                    ("port", 443),
                    ("protocol", "HTTPS"),
                    ("sslPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06"),
                    ("certificateArn", props.CertificateArn!),
                    ("defaultActions", forward),
                    ("tags", naming.TagsNamed("https"))),
            }));
            listeners.Add(program.Add(new Resource
            {
                Name = "http-listener",
                Type = "aws:lb/listener:Listener",
                Properties = Map.Of(
                    ("loadBalancerArn", alb.Out("arn")),
                    ("port", 80),
                    ("protocol", "HTTP"),
                    ("defaultActions", Value.List(Map.Of(
                        ("type", "redirect"),
                        ("redirect", Map.Of(("port", "443"), ("protocol", "HTTPS"), ("statusCode", "HTTP_301")))))),
                    ("tags", naming.TagsNamed("http"))),
            }));
        }
        else
        {
            listeners.Add(program.Add(new Resource
            {
                Name = "http-listener",
                Type = "aws:lb/listener:Listener",
                Properties = Map.Of(
                    ("loadBalancerArn", alb.Out("arn")),
                    ("port", 80),
                    ("protocol", "HTTP"),
                    ("defaultActions", forward),
                    ("tags", naming.TagsNamed("http"))),
            }));
        }
        return new LoadBalancer
        {
            Alb = alb, TargetGroup = targetGroup, SecurityGroup = securityGroup, AccessLogs = logs, Firewall = firewall, Listeners = listeners, Https = https,
        };
    }

    private static Map Tcp(int port, string description) => Map.Of(
        ("description", description),
        ("protocol", "tcp"),
        ("fromPort", port),
        ("toPort", port),
        ("cidrBlocks", Value.List("0.0.0.0/0")));
}
