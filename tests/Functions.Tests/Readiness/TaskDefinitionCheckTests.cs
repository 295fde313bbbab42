using Failover.Contract.Readiness;
using Failover.Functions.Aws.Readiness;

namespace Failover.Functions.Tests.Readiness;

[Collection("moto")]
public sealed class TaskDefinitionCheckTests(MotoServer moto)
{
    [Fact]
    public async Task Task_definitions_alike_in_size_ports_and_names_pass_whatever_their_values()
    {
        // The arranged environment values and secret ARNs differ by region, as real ones do.
        var context = await WorkloadWorld.Healthy().ArrangeAsync(moto);

        var result = await new TaskDefinitionCheck().RunAsync(context, CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Pass, result.Why);
        result.Why.Should().Be("cpu 1024, memory 2048, container web (ports 80, 2 environment and 2 secret names) match " +
            "(failover-secondary:1 in us-west-2, failover-primary:1 in us-east-1)");
    }

    [Fact]
    public async Task Every_difference_is_named_in_the_one_sentence()
    {
        var world = WorkloadWorld.Healthy().WithPeerContainer(c => c with
        {
            Ports = [8080],
            Environment = [.. c.Environment, "FEATURE_X"],
            Secrets = [c.Secrets[0]],
        });
        world = world with { StandbySide = world.StandbySide with { Cpu = "512" } };
        var context = await world.ArrangeAsync(moto);

        var result = await new TaskDefinitionCheck().RunAsync(context, CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail, result.Why);
        result.Why.Should().Be("us-west-2 vs us-east-1: cpu 512 vs 1024; container web: port 80 vs 8080, environment names only in us-east-1: FEATURE_X, " +
            "secret names only in us-west-2: API_KEY (failover-secondary:1 in us-west-2, failover-primary:1 in us-east-1)");
    }

    [Fact]
    public async Task A_container_on_one_side_only_fails_naming_it()
    {
        var world = WorkloadWorld.Healthy();
        world = world with { PeerSide = world.PeerSide with { Containers = [.. world.PeerSide.Containers, new ContainerSpec("sidecar", "public.ecr.aws/aws-observability/aws-otel-collector:latest", [], [], [])] } };
        var context = await world.ArrangeAsync(moto);

        var result = await new TaskDefinitionCheck().RunAsync(context, CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail, result.Why);
        result.Why.Should().StartWith("us-west-2 vs us-east-1: containers only in us-east-1: sidecar (");
    }
}
