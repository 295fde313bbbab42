using Failover.Contract.Readiness;
using Failover.Functions.Aws.Readiness;

namespace Failover.Functions.Tests.Readiness;

[Collection("moto")]
public sealed class SameImageCheckTests(MotoServer moto)
{
    [Fact]
    public async Task The_same_image_pushed_to_both_regions_registries_passes_by_digest()
    {
        var context = await WorkloadWorld.Healthy().ArrangeAsync(moto);

        var result = await new SameImageCheck().RunAsync(context, CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Pass, result.Why);
        result.Why.Should().MatchRegex(@"^us-west-2 and us-east-1 both run sha256:[0-9a-f]{12}… \(container web; us-west-2 runs no task; tag 1\.4 in us-west-2's registry, us-east-1 runs no task; tag 1\.4 in us-east-1's registry\)$");
    }

    [Fact]
    public async Task A_tag_pushed_again_in_one_region_only_fails_naming_both_digests_and_regions()
    {
        var world = WorkloadWorld.Healthy() with { Images = [new(WorkloadWorld.Standby, "web", "1.4", "v1"), new(WorkloadWorld.Peer, "web", "1.4", "v2")] };
        var context = await world.ArrangeAsync(moto);

        var result = await new SameImageCheck().RunAsync(context, CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail, result.Why);
        result.Why.Should().MatchRegex(@"^us-west-2 runs (sha256:[0-9a-f]{12})… but us-east-1 runs (sha256:[0-9a-f]{12})… \(container web, repository web\)$");
        var digests = System.Text.RegularExpressions.Regex.Matches(result.Why, "sha256:[0-9a-f]{12}");
        digests[0].Value.Should().NotBe(digests[1].Value);
    }

    [Fact]
    public async Task A_public_image_with_no_running_task_is_unknown_saying_why()
    {
        const string nginx = "public.ecr.aws/nginx/nginx:latest";
        var world = WorkloadWorld.Healthy().WithStandbyContainer(c => c with { Image = nginx }).WithPeerContainer(c => c with { Image = nginx });
        var context = await world.ArrangeAsync(moto);

        var result = await new SameImageCheck().RunAsync(context, CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Unknown, result.Why);
        result.Why.Should().Be("no digest for container web in us-west-2: runs no task, and its image public.ecr.aws/nginx/nginx:latest is not in a private " +
            "ECR registry, so its tag cannot be resolved to a digest without pulling it; container web in us-east-1: runs no task, and its image " +
            "public.ecr.aws/nginx/nginx:latest is not in a private ECR registry, so its tag cannot be resolved to a digest without pulling it");
    }

    [Fact]
    public async Task The_digest_a_running_task_pulled_counts_over_the_tag_its_task_definition_names()
    {
        // moto's tasks report no image digest: the standby region's ECS is a recording endpoint that answers as AWS does, its
        // running task having pulled another image than the one tag 1.4 names in both registries now.
        using var ecs = new RecordingEndpoint();
        var arn = $"arn:aws:ecs:us-west-2:{WorkloadWorld.Account}:task-definition/failover-secondary:1";
        ecs.Then(200, $$"""{"services":[{"desiredCount":1,"runningCount":1,"taskDefinition":"{{arn}}","deployments":[]}],"failures":[]}""");
        ecs.Then(200, $$$"""{"taskDefinition":{"taskDefinitionArn":"{{{arn}}}","containerDefinitions":[{"name":"web","image":"{{{WorkloadWorld.EcrImage("us-west-2", "web:1.4")}}}"}]}}""");
        ecs.Then(200, """{"taskArns":["arn:aws:ecs:us-west-2:123456789012:task/failover-secondary/t1"]}""");
        ecs.Then(200, """{"tasks":[{"containers":[{"name":"web","imageDigest":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}]}],"failures":[]}""");
        var context = await WorkloadWorld.Healthy().ArrangeAsync(moto, new Dictionary<string, string> { ["AWS_ENDPOINT_URL_ECS_US_WEST_2"] = ecs.Url });

        var result = await new SameImageCheck().RunAsync(context, CancellationToken.None);

        result.Status.Should().Be(CheckStatus.Fail, result.Why);
        result.Why.Should().StartWith("us-west-2 runs sha256:0123456789ab… but us-east-1 runs sha256:");
    }
}
