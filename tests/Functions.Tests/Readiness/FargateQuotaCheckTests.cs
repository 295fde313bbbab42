using Failover.Contract.Readiness;
using Failover.Functions.Aws.Readiness;

namespace Failover.Functions.Tests.Readiness;

// moto lacks Fargate's quota: GetServiceQuota is answered by the Service Quotas stand-in; the usage metric is moto's CloudWatch.
// moto reports one running task per service (MOTO_ECS_SERVICE_RUNNING=1), so a move to 3 active tasks of 1 vCPU adds 2 vCPU.
[Collection("moto")]
public sealed class FargateQuotaCheckTests(MotoServer moto)
{
    [Fact]
    public async Task A_quota_whose_headroom_covers_the_tasks_the_move_adds_passes()
    {
        using var quotas = ServiceQuotasStandIn.FargateVcpu(WorkloadWorld.Standby, 6);
        var world = WorkloadWorld.Healthy() with { Usage = new Dictionary<string, double> { [WorkloadWorld.Standby] = 4, [WorkloadWorld.Peer] = 50 } };
        var context = await world.ArrangeAsync(moto, quotas.Environment);

        var result = await new FargateQuotaCheck().RunAsync(context, CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Pass, result.Why);
        result.Why.Should().Be("us-west-2's Fargate On-Demand vCPU quota 6 minus 4 in use (AWS/Usage ResourceCount, the figure Service Quotas compares) " +
            "leaves 2, enough for the move's 2 more task(s) × 1 vCPU = 2 (active count 3, 1 running)");
    }

    [Fact]
    public async Task A_quota_whose_headroom_is_short_of_the_tasks_the_move_adds_fails()
    {
        using var quotas = ServiceQuotasStandIn.FargateVcpu(WorkloadWorld.Standby, 6);
        var world = WorkloadWorld.Healthy() with { Usage = new Dictionary<string, double> { [WorkloadWorld.Standby] = 4.5 }, TaskVcpu = 0.5, ActiveCount = 5 };
        var context = await world.ArrangeAsync(moto, quotas.Environment);

        var result = await new FargateQuotaCheck().RunAsync(context, CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail, result.Why);
        result.Why.Should().Be("us-west-2's Fargate On-Demand vCPU quota 6 minus 4.5 in use (AWS/Usage ResourceCount, the figure Service Quotas compares) " +
            "leaves 1.5, short of the move's 4 more task(s) × 0.5 vCPU = 2 (active count 5, 1 running)");
    }

    [Fact]
    public async Task Usage_is_the_newest_minute_not_a_peak_before_a_scale_down()
    {
        using var quotas = ServiceQuotasStandIn.FargateVcpu(WorkloadWorld.Standby, 6);
        var world = WorkloadWorld.Healthy() with
        {
            Usage = new Dictionary<string, double> { [WorkloadWorld.Standby] = 4 }, EarlierUsage = new Dictionary<string, double> { [WorkloadWorld.Standby] = 6 },
        };
        var context = await world.ArrangeAsync(moto, quotas.Environment);

        var result = await new FargateQuotaCheck().RunAsync(context, CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Pass, result.Why);
        result.Why.Should().StartWith("us-west-2's Fargate On-Demand vCPU quota 6 minus 4 in use");
    }

    [Fact]
    public async Task A_quota_never_raised_is_its_AWS_default()
    {
        using var quotas = ServiceQuotasStandIn.FargateVcpu(WorkloadWorld.Standby, 6, applied: false);
        var context = await WorkloadWorld.Healthy().ArrangeAsync(moto, quotas.Environment);

        var result = await new FargateQuotaCheck().RunAsync(context, CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Pass, result.Why);
        result.Why.Should().StartWith("us-west-2's Fargate On-Demand vCPU quota 6 minus 0 in use");
    }

    [Fact]
    public async Task No_usage_published_is_nothing_in_use()
    {
        using var quotas = ServiceQuotasStandIn.FargateVcpu(WorkloadWorld.Standby, 2);
        var context = await WorkloadWorld.Healthy().ArrangeAsync(moto, quotas.Environment);

        var result = await new FargateQuotaCheck().RunAsync(context, CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Pass, result.Why);
        result.Why.Should().StartWith("us-west-2's Fargate On-Demand vCPU quota 2 minus 0 in use (AWS/Usage ResourceCount, the figure Service Quotas compares; " +
            "none published in 15 minutes) leaves 2, enough");
    }

    [Fact]
    public async Task An_unreachable_Service_Quotas_is_unknown()
    {
        var closed = $"http://127.0.0.1:{MotoServer.FreePort()}";
        var context = await WorkloadWorld.Healthy().ArrangeAsync(moto, new Dictionary<string, string> { ["AWS_ENDPOINT_URL_SERVICE_QUOTAS"] = closed }, attempts: 1);

        var result = await ReadinessChecks.RunOneAsync(new FargateQuotaCheck(), context, TimeSpan.FromSeconds(30), CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Unknown, result.Why);
        result.Why.Should().StartWith($"could not read what it compares: ServiceQuotas at {closed}/ could not be reached");
    }
}
