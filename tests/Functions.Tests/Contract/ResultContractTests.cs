using Failover.Functions.Tests.Harness;
using Failover.Functions.Tests.Handlers;

namespace Failover.Functions.Tests.Contract;

/// Each handler's response, as the runtime loop serializes it, carries every field the workflow reads (FunctionContract.Results).
[Collection("moto")]
public sealed class ResultContractTests(MotoServer moto)
{
    public static TheoryData<string> Handlers() => [.. FunctionContract.All.Select(h => h.Name)];

    [Theory]
    [MemberData(nameof(Handlers))]
    public async Task A_response_carries_every_result_field_the_contract_names(string handler)
    {
        var world = await World.ArrangeAsync(moto);
        // The readiness checks hold the account against the stack's plan, which Pulumi writes at deploy.
        if (handler == HandlerNames.Readiness) await world.PutReadinessPlanAsync(SamplePlans.Secondary);

        // The functions that act do so only for the run holding the lock: the request carries its token.
        var response = handler is HandlerNames.ScaleService or HandlerNames.ShiftTraffic
            ? await world.InvokeHoldingLockAsync(handler, HandlerRequests.Minimal[handler])
            : await world.InvokeAsync(handler, HandlerRequests.Minimal[handler]);

        response.AsObject().Select(field => field.Key).Should().Contain(FunctionContract.Find(handler)!.Results, response.ToJsonString());
    }
}
