using Failover.Functions.Tests.Moto;

namespace Failover.Functions.Tests.Contract;

/// Each handler's response, as the runtime loop serializes it, carries every field the workflow reads (FunctionContract.Results).
[Collection("moto")]
public sealed class ResultContractTests(MotoServer moto)
{
    // Paths that leave the optional fields out (no lock taken, nothing shifted, nothing recorded): the contract's fields must still be there.
    private static readonly IReadOnlyDictionary<string, string> Requests = new Dictionary<string, string>
    {
        [HandlerNames.Decide] = """{"action":"failover","source":"ops","executionId":"exec-1"}""",
        [HandlerNames.ScaleService] = """{"action":"failover"}""",
        [HandlerNames.CheckService] = "{}",
        [HandlerNames.ShiftTraffic] = """{"action":"drill"}""",
        [HandlerNames.ReleaseLock] = """{"action":"failover","lockId":"x","executionId":"exec-1","outcome":"FAILED"}""",
    };

    public static TheoryData<string> Handlers() => [.. FunctionContract.All.Select(h => h.Name)];

    [Theory]
    [MemberData(nameof(Handlers))]
    public async Task A_response_carries_every_result_field_the_contract_names(string handler)
    {
        var world = await World.ArrangeAsync(moto);

        // The functions that act do so only for the run holding the lock: the request carries its token.
        var response = handler is HandlerNames.ScaleService or HandlerNames.ShiftTraffic
            ? await world.InvokeHoldingLockAsync(handler, Requests[handler])
            : await world.InvokeAsync(handler, Requests[handler]);

        response.AsObject().Select(field => field.Key).Should().Contain(FunctionContract.Find(handler)!.Results, response.ToJsonString());
    }
}
