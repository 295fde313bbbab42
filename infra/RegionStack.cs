using Failover.Infra.Config;
using Failover.Infra.Control;
using Failover.Infra.Health;
using Failover.Infra.Iam;
using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra;

/// One region stack, wired top to bottom like the architecture diagram in README.md: the program and the components
/// later layers grant to and read from.
public sealed record RegionStack
{
    public required PulumiProgram Program { get; init; }
    public required RoleProfile Role { get; init; }
    public required AwsAccount Account { get; init; }
    public required LoadBalancer LoadBalancer { get; init; }
    public required EcsService Ecs { get; init; }
    public required Autoscaling Scaling { get; init; }
    public required HealthAlarms Alarms { get; init; }
    public required RegionHealth Health { get; init; }
    public required FailoverRecord Record { get; init; }
    public required Orchestration Orchestration { get; init; }

    public static PulumiProgram Build(StackConfig config) => Create(config).Program;

    public static RegionStack Create(StackConfig config)
    {
        var role = RoleProfile.For(config);
        var naming = config.Naming;
        var program = new PulumiProgram(config.Project,
            $"Multi-region failover: the {role.Name} region ({config.Region}) of {config.Dns.DomainName}", ProviderVersions.Pinned);
        var account = new AwsAccount(
            program.AddVariable("partition", new Invoke("aws:index/getPartition:getPartition", Map.Of(), "partition")),
            program.AddVariable("account-id", new Invoke("aws:index/getCallerIdentity:getCallerIdentity", Map.Of(), "accountId")),
            config.Region);

        var network = Network.Create(program, naming, config.Network);
        var loadBalancer = LoadBalancer.Create(program, new LoadBalancerProps
        {
            Naming = naming,
            Network = network,
            CertificateArn = config.Dns.CertificateArn,
            TargetPort = config.Container.Port,
            HealthCheckPath = config.Container.HealthCheckPath,
        });
        var ecs = EcsService.Create(program, new EcsServiceProps
        {
            Naming = naming,
            Account = account,
            Container = config.Container,
            DesiredCount = role.DesiredCount,
            LogRetentionDays = config.LogRetentionDays,
            Network = network,
            LoadBalancer = loadBalancer,
        });
        var scaling = Autoscaling.Create(program, new AutoscalingProps
        {
            Naming = naming,
            Ecs = ecs,
            Floor = role.ScalingFloor,
            Max = config.Capacity.AutoscalingMax,
            CpuTargetPercent = config.Capacity.CpuTargetPercent,
        });

        var alarms = HealthAlarms.Create(program, new HealthAlarmsProps
        {
            Naming = naming,
            Settings = config.Alarms,
            IdleStandby = role.IdleStandby,
            LoadBalancer = loadBalancer,
            Ecs = ecs,
        });
        var health = RegionHealth.Create(program, new RegionHealthProps
        {
            Naming = naming,
            Account = account,
            Alarms = alarms,
            LoadBalancer = loadBalancer,
            HealthCheckPath = config.Container.HealthCheckPath,
            EndpointCheckIntervalSeconds = config.Dns.EndpointCheckIntervalSeconds,
            EndpointFailureThreshold = config.Dns.EndpointFailureThreshold,
        });
        var record = FailoverRecord.Create(program, new FailoverRecordProps
        {
            Naming = naming,
            Dns = config.Dns,
            RecordType = role.RecordType,
            LoadBalancer = loadBalancer,
            Health = health,
        });

        var orchestration = Orchestration.Create(program, new OrchestrationProps
        {
            Config = config,
            Role = role,
            Account = account,
            Ecs = ecs,
            Scaling = scaling,
            LoadBalancer = loadBalancer,
            Alarms = alarms,
            Health = health,
        });

        StackOutputs.Export(program, config, role, loadBalancer, ecs, scaling, alarms, health, record, orchestration);
        return new RegionStack
        {
            Program = program, Role = role, Account = account, LoadBalancer = loadBalancer, Ecs = ecs, Scaling = scaling,
            Alarms = alarms, Health = health, Record = record, Orchestration = orchestration,
        };
    }
}
