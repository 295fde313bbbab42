using System.Text.Json.Nodes;

namespace Failover.Functions.Aws;

/// The one Step Functions call decide makes: which state machine an execution belongs to and whether it still runs. Asked in
/// the execution's own region (its ARN names it), so a lock held by the other stack's run is checked where that run lives.
public sealed class StepFunctionsClient(AwsHttpClient client, string region)
{
    private const string Prefix = "AWSStepFunctions.";
    private readonly AwsService _service = new("StepFunctions", "states",
        client.Environment.Endpoint("SFN", region, $"https://states.{region}.amazonaws.com"), region);

    /// RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE, and the state machine it ran on.
    public sealed record Execution(string Status, string StateMachineArn);

    /// The execution, or null when Step Functions knows none by that ARN.
    public async Task<Execution?> DescribeExecutionAsync(string executionArn, CancellationToken cancellationToken)
    {
        JsonObject response;
        try
        {
            response = await JsonRpc.CallAsync(client, _service, Prefix + "DescribeExecution", new JsonObject { ["executionArn"] = executionArn },
                cancellationToken, version: "1.0");
        }
        catch (AwsServiceException e) when (e.Code is "ExecutionDoesNotExist" or "InvalidArn")
        {
            return null;
        }
        return new Execution(
            JsonRpc.OptionalString(response["status"]) ?? throw new AwsMalformedResponseException(_service.Name, "DescribeExecution", "status"),
            JsonRpc.OptionalString(response["stateMachineArn"]) ?? throw new AwsMalformedResponseException(_service.Name, "DescribeExecution", "stateMachineArn"));
    }

    /// The region an execution ARN names (arn:PARTITION:states:REGION:ACCOUNT:execution:MACHINE:NAME), or null for anything else.
    public static string? RegionOf(string executionArn)
    {
        var parts = executionArn.Split(':');
        return parts.Length >= 8 && parts[0] == "arn" && parts[2] == "states" && parts[5] == "execution" && parts[3].Length > 0 ? parts[3] : null;
    }

    /// The state machine ARN an execution ARN belongs to by its name, or null for anything else.
    public static string? MachineOf(string executionArn)
    {
        var parts = executionArn.Split(':');
        return RegionOf(executionArn) is null ? null : $"{string.Join(':', parts[..5])}:stateMachine:{parts[6]}";
    }
}
