using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Failover.Functions.Aws;
using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Aws;

/// Where a region's calls go in production (no endpoint override): that region's public endpoint, signed for that region. A
/// transport stands in for the network and answers each call with the smallest valid body.
public sealed class RegionalEndpointTests
{
    private sealed class Transport : HttpMessageHandler
    {
        public ConcurrentQueue<(Uri Uri, string Scope, string? Target)> Seen { get; } = new();

        /// The run's token: the control table answers that it holds the lock for a failback.
        public string Token { get; } = Guid.NewGuid().ToString();

        public bool HoldsLock { get; init; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var scope = request.Headers.GetValues("Authorization").Single().Split("Credential=")[1].Split(',')[0].Split('/');
            var target = request.Headers.TryGetValues("X-Amz-Target", out var t) ? t.Single() : null;
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Seen.Enqueue((request.RequestUri!, $"{scope[2]}/{scope[3]}", target));
            var (text, type) = target switch
            {
                "AmazonEC2ContainerServiceV20141113.DescribeServices" =>
                    ("""{"services":[{"serviceName":"s","desiredCount":1,"runningCount":1,"deployments":[{"status":"PRIMARY","rolloutState":"COMPLETED"}]}]}""", "application/x-amz-json-1.1"),
                "AnyScaleFrontendService.DescribeScalableTargets" => ("""{"ScalableTargets":[{"MinCapacity":1,"MaxCapacity":6}]}""", "application/x-amz-json-1.1"),
                "DynamoDB_20120810.GetItem" when HoldsLock && body.Contains("\"state\"", StringComparison.Ordinal) =>
                    (LockTableStub.Item(LockToken.Hash(Token), "failback"), "application/x-amz-json-1.0"),
                "AWSStepFunctions.DescribeExecution" => ($$"""{"status":"RUNNING","stateMachineArn":"{{Machine}}"}""", "application/x-amz-json-1.0"),
                null when body.Contains("Action=DescribeTargetHealth", StringComparison.Ordinal) =>
                    ("<DescribeTargetHealthResponse><DescribeTargetHealthResult><TargetHealthDescriptions><member><TargetHealth><State>healthy</State>" +
                     "</TargetHealth></member></TargetHealthDescriptions></DescribeTargetHealthResult></DescribeTargetHealthResponse>", "text/xml"),
                _ => ("{}", "application/x-amz-json-1.0"),
            };
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(text, Encoding.UTF8, type) };
        }
    }

    private const string Machine = "arn:aws:states:us-west-2:123456789012:stateMachine:failover-secondary-failover";

    // The primary's function (us-east-1) addressing the secondary's service (us-west-2); no AWS_ENDPOINT_URL of any kind.
    private static Dictionary<string, string> Environment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "secret", ["AWS_REGION"] = "us-east-1",
        ["SERVICE_REGION"] = "us-west-2", ["CLUSTER_NAME"] = "c", ["SERVICE_NAME"] = "s", ["TARGET_GROUP_ARN"] = "arn:tg",
        ["ACTIVE_DESIRED_COUNT"] = "3", ["ACTIVE_MIN_CAPACITY"] = "2", ["STANDBY_DESIRED_COUNT"] = "1", ["STANDBY_MIN_CAPACITY"] = "1",
        ["CONTROL_TABLE_NAME"] = "control", ["DEFAULT_FLAG"] = "auto", ["PRIMARY_REGION"] = "us-east-1", ["SECONDARY_REGION"] = "us-west-2",
        ["OPERATOR_STATE_MACHINE_ARN"] = Machine,
    };

    [Fact]
    public async Task Scale_service_with_a_service_region_calls_that_regions_ecs_and_application_auto_scaling()
    {
        using var transport = new Transport { HoldsLock = true };

        await World.Invoke("scale-service", $$"""{"action":"failback","lockId":"{{transport.Token}}"}""", Environment(), TimeProvider.System, transport: transport);

        // The lock is read where the failback took it: the function's own region's replica.
        transport.Seen.Select(s => $"{s.Uri.GetLeftPart(UriPartial.Authority)} {s.Scope}").Distinct().Should().BeEquivalentTo(
            "https://dynamodb.us-east-1.amazonaws.com us-east-1/dynamodb",
            "https://ecs.us-west-2.amazonaws.com us-west-2/ecs",
            "https://application-autoscaling.us-west-2.amazonaws.com us-west-2/application-autoscaling");
    }

    [Fact]
    public async Task Check_service_with_a_service_region_calls_that_regions_ecs_and_load_balancing()
    {
        using var transport = new Transport();

        var response = JsonNode.Parse(await World.Invoke("check-service", "{}", Environment(), TimeProvider.System, transport: transport))!;

        response["ready"]!.GetValue<bool>().Should().BeTrue();
        transport.Seen.Select(s => $"{s.Uri.GetLeftPart(UriPartial.Authority)} {s.Scope}").Distinct().Should().BeEquivalentTo(
            "https://ecs.us-west-2.amazonaws.com us-west-2/ecs",
            "https://elasticloadbalancing.us-west-2.amazonaws.com us-west-2/elasticloadbalancing");
    }

    [Fact]
    public async Task Decide_reads_the_peer_replica_at_the_peer_regions_dynamodb_endpoint_and_writes_its_own()
    {
        using var transport = new Transport();
        var env = Environment();
        env["AWS_REGION"] = "us-west-2";
        env["CONTROL_TABLE_PEER_REGION"] = "us-east-1";

        var response = JsonNode.Parse(await World.Invoke("decide",
            """{"action":"failover","source":"alarm","executionId":"arn:aws:states:us-west-2:123456789012:execution:failover-secondary-failover:exec-1","lockId":"t","force":true}""", env, TimeProvider.System,
            transport: transport))!;

        response["decision"]!.GetValue<string>().Should().Be("FAILOVER");
        transport.Seen.Select(s => $"{s.Target} {s.Uri.GetLeftPart(UriPartial.Authority)} {s.Scope}").Should().Equal(
            "AWSStepFunctions.DescribeExecution https://states.us-west-2.amazonaws.com us-west-2/states", // which entry point runs it
            "DynamoDB_20120810.GetItem https://dynamodb.us-west-2.amazonaws.com us-west-2/dynamodb", // flag
            "DynamoDB_20120810.GetItem https://dynamodb.us-west-2.amazonaws.com us-west-2/dynamodb", // state
            "DynamoDB_20120810.GetItem https://dynamodb.us-east-1.amazonaws.com us-east-1/dynamodb", // the peer's state
            "DynamoDB_20120810.UpdateItem https://dynamodb.us-west-2.amazonaws.com us-west-2/dynamodb", // the lock
            "DynamoDB_20120810.GetItem https://dynamodb.us-west-2.amazonaws.com us-west-2/dynamodb", // the last notice announced
            "DynamoDB_20120810.PutItem https://dynamodb.us-west-2.amazonaws.com us-west-2/dynamodb"); // the record
    }

    [Fact]
    public void A_regional_override_applies_to_its_region_alone_and_comes_before_the_service_and_general_ones()
    {
        var env = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "secret", ["AWS_REGION"] = "us-west-2",
            ["AWS_ENDPOINT_URL_DYNAMODB_US_EAST_1"] = "http://127.0.0.1:1111",
        };
        var aws = AwsEnvironment.From(env.GetValueOrDefault);

        aws.Endpoint("DynamoDB", "us-east-1", "https://dynamodb.us-east-1.amazonaws.com").Should().Be(new Uri("http://127.0.0.1:1111"));
        aws.Endpoint("DynamoDB", "us-west-2", "https://dynamodb.us-west-2.amazonaws.com").Should().Be(new Uri("https://dynamodb.us-west-2.amazonaws.com"));
        aws.Endpoint("ECS", "us-east-1", "https://ecs.us-east-1.amazonaws.com").Should().Be(new Uri("https://ecs.us-east-1.amazonaws.com"));

        env["AWS_ENDPOINT_URL_DYNAMODB"] = "http://127.0.0.1:2222";
        env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:3333";
        aws = AwsEnvironment.From(env.GetValueOrDefault);
        aws.Endpoint("DynamoDB", "us-east-1", "https://dynamodb.us-east-1.amazonaws.com").Should().Be(new Uri("http://127.0.0.1:1111"));
        aws.Endpoint("DynamoDB", "us-west-2", "https://dynamodb.us-west-2.amazonaws.com").Should().Be(new Uri("http://127.0.0.1:2222"));
        aws.Endpoint("ECS", "us-east-1", "https://ecs.us-east-1.amazonaws.com").Should().Be(new Uri("http://127.0.0.1:3333"));
    }
}
