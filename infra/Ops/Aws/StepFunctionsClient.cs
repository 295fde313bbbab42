using System.Text.Json.Nodes;
using Failover.Functions.Aws;

namespace Failover.Ops.Aws;

/// One execution as Step Functions describes it.
public sealed record Execution(string Arn, string Name, string Status, DateTimeOffset? StartDate, DateTimeOffset? StopDate,
    string? Output = null, string? Error = null, string? Cause = null);

/// One event of an execution's history: its id, type, time and, for state events, the state's name.
public sealed record HistoryEvent(long Id, string Type, DateTimeOffset Timestamp, string? StateName, string? Error, string? Cause);

/// The Step Functions calls failoverctl makes (awsJson 1.0, target prefix AWSStepFunctions).
public sealed class StepFunctionsClient(AwsHttpClient client, string region)
{
    private const string Prefix = "AWSStepFunctions.";
    private readonly AwsService _service = new("Step Functions", "states",
        client.Environment.Endpoint("SFN", region, $"https://states.{region}.amazonaws.com"), region);

    public async Task<Execution> StartExecutionAsync(string stateMachineArn, string name, string input, CancellationToken cancellationToken)
    {
        var response = await CallAsync("StartExecution",
            new JsonObject { ["stateMachineArn"] = stateMachineArn, ["name"] = name, ["input"] = input }, cancellationToken);
        var arn = JsonRpc.OptionalString(response["executionArn"]) ?? throw new AwsMalformedResponseException(_service.Name, "StartExecution", "executionArn");
        return new Execution(arn, name, "RUNNING", Time(response["startDate"]), null);
    }

    public async Task<Execution> DescribeExecutionAsync(string executionArn, CancellationToken cancellationToken)
    {
        var response = await CallAsync("DescribeExecution", new JsonObject { ["executionArn"] = executionArn }, cancellationToken);
        return new Execution(executionArn, JsonRpc.OptionalString(response["name"]) ?? "",
            JsonRpc.OptionalString(response["status"]) ?? throw new AwsMalformedResponseException(_service.Name, "DescribeExecution", "status"),
            Time(response["startDate"]), Time(response["stopDate"]), JsonRpc.OptionalString(response["output"]), JsonRpc.OptionalString(response["error"]), JsonRpc.OptionalString(response["cause"]));
    }

    /// The newest executions first.
    public async Task<IReadOnlyList<Execution>> ListExecutionsAsync(string stateMachineArn, int max, CancellationToken cancellationToken)
    {
        var response = await CallAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = stateMachineArn, ["maxResults"] = max }, cancellationToken);
        return [.. (response["executions"] as JsonArray ?? []).OfType<JsonObject>().Select(e => new Execution(
            JsonRpc.OptionalString(e["executionArn"]) ?? "", JsonRpc.OptionalString(e["name"]) ?? "", JsonRpc.OptionalString(e["status"]) ?? "",
            Time(e["startDate"]), Time(e["stopDate"])))
            .OrderByDescending(e => e.StartDate)];
    }

    /// Every history event after `afterId`, oldest first (all pages).
    public async Task<IReadOnlyList<HistoryEvent>> HistoryAsync(string executionArn, long afterId, CancellationToken cancellationToken)
    {
        var events = new List<HistoryEvent>();
        string? token = null;
        do
        {
            var request = new JsonObject { ["executionArn"] = executionArn, ["maxResults"] = 1000, ["includeExecutionData"] = false };
            if (token is not null) request["nextToken"] = token;
            var response = await CallAsync("GetExecutionHistory", request, cancellationToken);
            foreach (var e in (response["events"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var id = e["id"] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
                if (id <= afterId) continue;
                var details = e.Where(p => p.Key.EndsWith("EventDetails", StringComparison.Ordinal)).Select(p => p.Value as JsonObject).FirstOrDefault();
                events.Add(new HistoryEvent(id, JsonRpc.OptionalString(e["type"]) ?? "", Time(e["timestamp"]) ?? DateTimeOffset.MinValue,
                    JsonRpc.OptionalString(details?["name"]), JsonRpc.OptionalString(details?["error"]), JsonRpc.OptionalString(details?["cause"])));
            }
            token = JsonRpc.OptionalString(response["nextToken"]);
        } while (token is not null);
        return [.. events.OrderBy(e => e.Id)];
    }

    private Task<JsonObject> CallAsync(string action, JsonObject request, CancellationToken cancellationToken) =>
        JsonRpc.CallAsync(client, _service, Prefix + action, request, cancellationToken, version: "1.0");

    // Step Functions sends times as epoch seconds with a fraction (some emulators: ISO-8601 text).
    private static DateTimeOffset? Time(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<double>(out var seconds) ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
        : node is JsonValue t && t.TryGetValue<string>(out var text)
          && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) ? parsed
        : null;
}
