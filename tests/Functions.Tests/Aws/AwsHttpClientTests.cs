using System.Diagnostics;
using System.Text.Json.Nodes;
using Failover.Functions.Aws;

namespace Failover.Functions.Tests.Aws;

public sealed class AwsHttpClientTests : IDisposable
{
    private readonly RecordingEndpoint _aws = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _aws.Dispose();
        _http.Dispose();
    }

    private EcsClient Ecs(int attempts = 4, string? endpoint = null)
    {
        var env = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "secret", ["AWS_SESSION_TOKEN"] = "token", ["AWS_REGION"] = "eu-west-1",
            ["AWS_ENDPOINT_URL_ECS"] = endpoint ?? _aws.Url, ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1",
        };
        var aws = AwsEnvironment.From(k => env.GetValueOrDefault(k));
        return new EcsClient(new AwsHttpClient(_http, aws, new AwsRetryPolicy(attempts, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20)), TimeProvider.System), aws.Region);
    }

    private const string Service = """{"services":[{"serviceName":"s","desiredCount":2,"runningCount":1,"deployments":[{"status":"PRIMARY","rolloutState":"IN_PROGRESS"}]}]}""";

    [Fact]
    public async Task Throttling_and_server_errors_are_retried_until_success()
    {
        _aws.Then(400, """{"__type":"com.amazonaws#ThrottlingException","message":"Rate exceeded"}""");
        _aws.Then(503, """{"__type":"ServiceUnavailable","message":"busy"}""");
        _aws.Then(200, Service);

        var service = await Ecs().DescribeServiceAsync("c", "s", CancellationToken.None);

        service.DesiredCount.Should().Be(2);
        service.PrimaryRolloutState.Should().Be("IN_PROGRESS");
        _aws.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task A_client_error_is_not_retried_and_carries_code_and_request_id()
    {
        _aws.Then(400, """{"__type":"ClusterNotFoundException","message":"Cluster not found."}""");

        var act = () => Ecs().DescribeServiceAsync("c", "s", CancellationToken.None);

        var error = (await act.Should().ThrowAsync<AwsServiceException>()).Which;
        error.Code.Should().Be("ClusterNotFoundException");
        error.StatusCode.Should().Be(400);
        error.RequestId.Should().Be("req-1");
        error.ErrorType.Should().Be("AwsServiceError");
        _aws.Requests.Should().HaveCount(1);
    }

    [Fact]
    public async Task Retries_stop_at_the_bound_and_surface_the_last_error()
    {
        for (var i = 0; i < 5; i++) _aws.Then(500, """{"__type":"InternalFailure","message":"oops"}""");

        var act = () => Ecs(attempts: 3).DescribeServiceAsync("c", "s", CancellationToken.None);

        (await act.Should().ThrowAsync<AwsServiceException>()).Which.Code.Should().Be("InternalFailure");
        _aws.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_a_typed_error_after_the_retries() =>
        (await ((Func<Task>)(() => Ecs(attempts: 2, endpoint: $"http://127.0.0.1:{MotoServer.FreePort()}").DescribeServiceAsync("c", "s", CancellationToken.None)))
            .Should().ThrowAsync<AwsUnreachableException>()).Which.ErrorType.Should().Be("AwsUnreachable");

    [Fact]
    public async Task The_service_specific_endpoint_override_wins_and_requests_use_the_json_protocol()
    {
        _aws.Then(200, Service);

        await Ecs().DescribeServiceAsync("c", "s", CancellationToken.None);

        var request = _aws.Requests.Single();
        request.Headers["X-Amz-Target"].Should().Be("AmazonEC2ContainerServiceV20141113.DescribeServices");
        request.Headers["Content-Type"].Should().Be("application/x-amz-json-1.1");
        request.Headers["X-Amz-Security-Token"].Should().Be("token");
        request.Headers["Authorization"].Should().StartWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/").And.Contain("/eu-west-1/ecs/aws4_request");
        JsonNode.Parse(request.Body)!["services"]![0]!.GetValue<string>().Should().Be("s");
    }

    [Theory]
    [InlineData("""<ErrorResponse><Error><Type>Sender</Type><Code>TargetGroupNotFound</Code><Message>nope</Message></Error><RequestId>r</RequestId></ErrorResponse>""", "TargetGroupNotFound", "nope")]
    [InlineData("""{"__type":"com.amazon#AccessDeniedException","Message":"denied"}""", "AccessDeniedException", "denied")]
    public void Errors_are_read_from_xml_and_json_bodies(string body, string code, string message) =>
        AwsHttpClient.ParseError(body).Should().Be((code, message));

    [Theory]
    [InlineData("<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>", "an HTML page")]
    [InlineData("<html><body>Service Unavailable</body></html>", "an HTML page")]
    [InlineData("", "an empty body")]
    [InlineData("gateway timeout\nupstream: 10.0.0.1", "'gateway timeout'")]
    public async Task A_body_that_is_no_AWS_error_is_said_as_its_status_service_and_region_never_pasted(string body, string what)
    {
        _aws.Then(502, body, "text/html");

        var act = () => Ecs(attempts: 1).DescribeServiceAsync("c", "s", CancellationToken.None);

        var error = (await act.Should().ThrowAsync<AwsServiceException>()).Which;
        error.Message.Should().Be($"HTTP 502 from ECS in eu-west-1 ({what}, not an AWS error; request id req-1)");
        error.ErrorType.Should().Be("AwsServerError");
    }
}

/// Our SigV4 against botocore's: the same request, credentials and time must give the same Authorization header.
public sealed class SigV4Tests
{
    [Theory]
    [InlineData("GET", "https://route53.amazonaws.com/2013-04-01/healthcheck/abc-123/status", "", "route53", "us-east-1", null)]
    [InlineData("POST", "https://ecs.eu-west-1.amazonaws.com/", """{"cluster":"c"}""", "ecs", "eu-west-1", "application/x-amz-json-1.1")]
    [InlineData("POST", "https://monitoring.us-east-1.amazonaws.com/", "Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.1=a%20b", "monitoring", "us-east-1", "application/x-www-form-urlencoded; charset=utf-8")]
    public async Task Our_signature_matches_botocore(string method, string url, string body, string service, string region, string? contentType)
    {
        var when = new DateTime(2026, 11, 25, 12, 34, 56, DateTimeKind.Utc);
        var credentials = new Amazon.Runtime.ImmutableCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token");
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method == "POST")
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType!);
        }
        SigV4.Sign(request, bytes, credentials, region, service, when);
        var ours = request.Headers.GetValues("Authorization").Single();

        var script = """
            import sys, datetime
            from unittest import mock
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            method, url, body, service, region, ctype = sys.argv[1:7]
            headers = {"Content-Type": ctype} if ctype else {}
            request = AWSRequest(method=method, url=url, data=body.encode() if method == "POST" else None, headers=headers)
            fixed = datetime.datetime(2026, 11, 25, 12, 34, 56)
            with mock.patch("botocore.auth.get_current_datetime", return_value=fixed):
                SigV4Auth(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token"), service, region).add_auth(request)
            print(request.headers["Authorization"])
            """;
        var start = new ProcessStartInfo("python3", ["-c", script, method, url, body, service, region, contentType ?? ""]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var python = Process.Start(start)!;
        var botocore = (await python.StandardOutput.ReadToEndAsync()).Trim();
        await python.WaitForExitAsync();
        python.ExitCode.Should().Be(0, await python.StandardError.ReadToEndAsync());

        ours.Should().Be(botocore);
    }
}
