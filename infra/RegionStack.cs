using Failover.Infra.Config;
using Failover.Infra.Health;
using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra;

/// One region stack, wired top to bottom like the architecture diagram in README.md.
public static class RegionStack
{
    public static PulumiProgram Build(StackConfig config)
    {
        var program = new PulumiProgram(config.Project,
            $"Multi-region failover: the {config.Role.ToString().ToLowerInvariant()} region ({config.Region}) of {config.Dns.DomainName}");
        var accountId = program.AddVariable("account-id", new Invoke(
            "aws:index/getCallerIdentity:getCallerIdentity", Map.Of(), "accountId"));

        var network = Network.Create(program, config);
        var loadBalancer = LoadBalancer.Create(program, config, network);
        var ecs = EcsService.Create(program, config, network, loadBalancer, accountId);
        var scaling = Autoscaling.Create(program, config, ecs);

        var alarms = HealthAlarms.Create(program, config, loadBalancer, ecs);
        var health = RegionHealth.Create(program, config, alarms, loadBalancer);
        var record = FailoverRecord.Create(program, config, loadBalancer, health);

        StackOutputs.Export(program, config, loadBalancer, ecs, scaling, alarms, health, record);
        return program;
    }
}
