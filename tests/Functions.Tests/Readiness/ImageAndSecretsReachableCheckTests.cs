using Failover.Contract.Readiness;
using Failover.Functions.Aws.Readiness;

namespace Failover.Functions.Tests.Readiness;

[Collection("moto")]
public sealed class ImageAndSecretsReachableCheckTests(MotoServer moto)
{
    private static async Task<CheckResult> RunAsync(ReadinessContext context) =>
        await new ImageAndSecretsReachableCheck().RunAsync(context, CancellationToken.None);

    [Fact]
    public async Task An_image_and_secrets_of_the_recovery_region_pass()
    {
        var result = await RunAsync(await WorkloadWorld.Healthy().ArrangeAsync(moto));

        result.Status.Should().Be(CheckStatus.Pass, result.Why);
        result.Why.Should().Be("us-west-2 has image web:1.4, secret DB_PASSWORD, secret API_KEY");
    }

    [Fact]
    public async Task An_image_in_the_registry_of_the_region_the_move_leaves_fails()
    {
        var image = WorkloadWorld.EcrImage(WorkloadWorld.Peer, "web:1.4");
        var result = await RunAsync(await WorkloadWorld.Healthy().WithStandbyContainer(c => c with { Image = image }).ArrangeAsync(moto));

        result.Status.Should().Be(CheckStatus.Fail, result.Why);
        result.Why.Should().Be($"us-west-2 cannot start the standby's task: image {image} is in us-east-1's registry, the region this move leaves, not us-west-2's");
    }

    [Fact]
    public async Task An_image_missing_from_the_recovery_regions_registry_fails()
    {
        var world = WorkloadWorld.Healthy() with { Images = [new(WorkloadWorld.Peer, "web", "1.4", "v1"), new(WorkloadWorld.Standby, "web", "1.3", "v0")] };

        var result = await RunAsync(await world.ArrangeAsync(moto));

        result.Status.Should().Be(CheckStatus.Fail, result.Why);
        result.Why.Should().Be($"us-west-2 cannot start the standby's task: image web:1.4 is not in us-west-2's registry ({WorkloadWorld.EcrImage("us-west-2", "web:1.4")})");
    }

    [Fact]
    public async Task A_secret_read_from_the_region_the_move_leaves_fails_naming_it()
    {
        // The peer's own secret of that name: it exists, but in the region a failover leaves.
        var world = WorkloadWorld.Healthy().WithStandbyContainer(c => c with
            { Secrets = [new SecretSpec("DB_PASSWORD", "secretsmanager", "app/db", WorkloadWorld.Peer, Create: false), c.Secrets[1]] });

        var result = await RunAsync(await world.ArrangeAsync(moto));

        result.Status.Should().Be(CheckStatus.Fail, result.Why);
        result.Why.Should().Be("us-west-2 cannot start the standby's task: secret DB_PASSWORD is read from us-east-1, the region this move leaves, not us-west-2 " +
            "(arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf)");
    }

    [Fact]
    public async Task A_secret_or_parameter_missing_from_the_recovery_region_fails()
    {
        var world = WorkloadWorld.Healthy().WithStandbyContainer(c => c with
        {
            Secrets = [c.Secrets[0] with { Create = false }, c.Secrets[1] with { Create = false, ByArn = false }],
        });

        var result = await RunAsync(await world.ArrangeAsync(moto));

        result.Status.Should().Be(CheckStatus.Fail, result.Why);
        result.Why.Should().Be("us-west-2 cannot start the standby's task: secret DB_PASSWORD: no Secrets Manager secret " +
            "arn:aws:secretsmanager:us-west-2:123456789012:secret:app/db-AbCdEf in us-west-2; secret API_KEY: no SSM parameter /app/api-key in us-west-2");
    }

    [Fact]
    public async Task A_public_image_passes_saying_its_own_availability_is_not_checked()
    {
        var world = WorkloadWorld.Healthy().WithStandbyContainer(c => c with { Image = "public.ecr.aws/nginx/nginx:latest" });

        var result = await RunAsync(await world.ArrangeAsync(moto));

        result.Status.Should().Be(CheckStatus.Pass, result.Why);
        result.Why.Should().Be("us-west-2 has secret DB_PASSWORD, secret API_KEY; image public.ecr.aws/nginx/nginx:latest is in a public registry, " +
            "in no AWS region: its own availability is not checked");
    }
}
