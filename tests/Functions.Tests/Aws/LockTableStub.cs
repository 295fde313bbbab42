using Failover.Functions.Aws;

namespace Failover.Functions.Tests.Aws;

/// A control table's DynamoDB endpoint that answers every GetItem with the lock held for one action by one token: how tests of
/// the functions that act, against stubbed services, give them the lock a workflow run would hold (`Token` is its lockId).
public sealed class LockTableStub : IDisposable
{
    private readonly RecordingEndpoint _endpoint = new();

    public LockTableStub(string action, int answers = 16)
    {
        var item = Item(LockToken.Hash(Token), action);
        for (var i = 0; i < answers; i++) _endpoint.Then(200, item, "application/x-amz-json-1.0");
    }

    public string Token { get; } = Guid.NewGuid().ToString();

    /// The state item as DynamoDB's GetItem returns it, holding the lock for `action` under the token whose hash is given.
    public static string Item(string tokenHash, string action) =>
        "{\"Item\":{\"pk\":{\"S\":\"state\"},\"lockOwner\":{\"S\":\"arn:aws:states:us-west-2:123456789012:execution:failover-secondary-failover:run\"}," +
        $"\"lockTokenHash\":{{\"S\":\"{tokenHash}\"}},\"lockAction\":{{\"S\":\"{action}\"}}}}}}";

    /// What points a function's control table here.
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL_DYNAMODB"] = _endpoint.Url, ["CONTROL_TABLE_NAME"] = "failover-control",
    };

    public void Dispose() => _endpoint.Dispose();
}
