using Failover.Infra.Yaml;

namespace Failover.Infra.Tests;

public sealed class TaggingTests
{
    // Types whose AWS API takes no tags (the schema oracle checks the rest against the provider's own types).
    private static readonly HashSet<string> Untaggable =
        ["aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:iam/rolePolicy:RolePolicy", "aws:dynamodb/resourcePolicy:ResourcePolicy", "aws:dynamodb/tableItem:TableItem", "aws:appautoscaling/policy:Policy", "aws:route53/record:Record",
            "pulumi:pulumi:StackReference", "aws:kms/alias:Alias", "aws:sns/topicSubscription:TopicSubscription", "aws:sns/topicPolicy:TopicPolicy",
            "aws:sqs/queuePolicy:QueuePolicy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketPolicy:BucketPolicy",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:wafv2/webAclAssociation:WebAclAssociation", "aws:cloudwatch/eventTarget:EventTarget", "aws:scheduler/schedule:Schedule", "aws:cloudwatch/dashboard:Dashboard",
            // An explicit provider is no AWS resource: what it creates carries the tags.
            "pulumi:providers:aws"];

    [Theory]
    [InlineData("primary")]
    [InlineData("secondary")]
    public void Every_taggable_resource_carries_the_configured_tags_and_project_stack_role(string role)
    {
        var program = TestStacks.Program(role, ("tags", "{\"Team\":\"platform\"}"));

        foreach (var resource in program.Resources.Where(r => !Untaggable.Contains(r.Type)))
        {
            var tags = resource.Prop("tags").Should().BeOfType<Map>($"{resource.Name} should be tagged").Subject.Entries;
            tags.Should().Contain("Team", new Str("platform"));
            tags.Should().Contain("Project", new Str("failover"));
            tags.Should().Contain("Stack", new Str(role));
            tags.Should().Contain("Role", new Str(role));
        }
    }
}
