using Failover.Infra.Control;
using Failover.Infra.Health;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Tests;

/// A secondary stack plus what the orchestration layer will add, built from production pieces only: an explicit provider
/// for another region, every resource option, every built-in, a function environment from the contract and a role with
/// every grant helper. The oracles check it, so the model is proven before the next layers rely on it.
internal static class ModelProgram
{
    public static PulumiProgram WithEveryOption()
    {
        var config = TestStacks.Config("secondary");
        var stack = RegionStack.Create(config);
        var program = stack.Program;
        var naming = config.Naming;
        var peer = stack.Providers.For("us-east-1");

        var role = new IamRole("probe", "probe", "Exercises every grant helper",
            TrustPolicy.ForService("lambda.amazonaws.com", stack.Account.AccountId, stack.Account.Arn("lambda", "function:*")));
        // The primary's gate, endpoint check and alarms as the secondary imports them.
        var primary = stack.Orchestration.Primary;
        primary.Gate.GrantMove(role, GateMove.Close);
        // The route53-api kind too, on this stack's own gate check: the shipped stacks use the metric gate.
        (GateSwitch.Of(stack.Health.Gate, Infra.Config.Role.Secondary) with { Kind = Infra.Config.TrafficGateKind.Route53Api }).GrantMove(role, GateMove.Move);
        primary.Endpoint.GrantReadStatus(role);
        stack.Ecs.GrantScale(role);
        stack.Ecs.GrantDescribe(role);
        stack.Scaling.GrantSetFloor(role);
        stack.LoadBalancer.GrantReadTargetHealth(role);
        primary.Alarms.GrantDescribe(role);
        role.Declare(program, naming);

        program.Add(new Resource
        {
            Name = "probe-function",
            Type = "aws:lambda/function:Function",
            Properties = Map.Of(
                ("code", new FileArchive("functions/dist/lambda.zip")),
                ("role", role.Resource.Out("arn")),
                ("handler", HandlerNames.CheckService),
                ("runtime", "provided.al2023"),
                ("architectures", Value.List("x86_64")),
                ("environment", new FunctionEnvironment(FunctionContract.CheckService)
                    .Set(EnvNames.ClusterName, stack.Ecs.Cluster.Out("name"))
                    .Set(EnvNames.ServiceName, stack.Ecs.Service.Out("name"))
                    .Set(EnvNames.TargetGroupArn, stack.LoadBalancer.TargetGroup.Out("arn"))
                    .Build()),
                ("tags", naming.TagsNamed("probe"))),
        });
        program.Add(new Resource
        {
            Name = "probe-topic",
            Type = "aws:sns/topic:Topic",
            Properties = Map.Of(("tags", naming.TagsNamed("probe"))),
            Options = new ResourceOptions
            {
                Provider = peer,
                Protect = true,
                RetainOnDelete = true,
                Aliases = [new Alias { Name = "old-probe-topic" }],
            },
        });
        program.Add(new Resource
        {
            Name = "probe-secret",
            Type = "aws:ssm/parameter:Parameter",
            Properties = Map.Of(("type", "SecureString"), ("value", new Secret("not-a-real-secret")), ("tags", naming.TagsNamed("probe"))),
        });
        program.AddVariable("peer-zones", new Invoke("aws:index/getAvailabilityZones:getAvailabilityZones", Map.Of(("state", "available")), "names", peer));
        return program;
    }
}
