using Failover.Functions.Aws;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// The handlers this binary serves, by the name the function's handler setting (_HANDLER) gives.
public static class HandlerCatalog
{
    /// `probe`: decide's client for the primary's health URL, outside the AWS clients (no signing, no redirects).
    public static IHandler? Find(string? name, Func<string, string?> env, AwsClients aws, TimeProvider time, DirectProbe probe) => name switch
    {
        HandlerNames.Decide => new JsonHandler<DecideRequest, DecideResponse>(FunctionsJson.Default.DecideRequest, FunctionsJson.Default.DecideResponse,
            new DecideHandler(env, aws, time, probe).HandleAsync),
        HandlerNames.ShiftTraffic => new JsonHandler<ActionRequest, ShiftTrafficResponse>(FunctionsJson.Default.ActionRequest, FunctionsJson.Default.ShiftTrafficResponse,
            new ShiftTrafficHandler(env, aws, time).HandleAsync),
        HandlerNames.ScaleService => new JsonHandler<ScaleServiceRequest, ScaleServiceResponse>(FunctionsJson.Default.ScaleServiceRequest,
            FunctionsJson.Default.ScaleServiceResponse, new ScaleServiceHandler(env, aws).HandleAsync),
        HandlerNames.CheckService => new JsonHandler<CheckServiceRequest, CheckServiceResponse>(FunctionsJson.Default.CheckServiceRequest,
            FunctionsJson.Default.CheckServiceResponse, new CheckServiceHandler(env, aws, time).HandleAsync),
        HandlerNames.ReleaseLock => new JsonHandler<ReleaseLockRequest, ReleaseLockResponse>(FunctionsJson.Default.ReleaseLockRequest, FunctionsJson.Default.ReleaseLockResponse,
            new ReleaseLockHandler(env, aws, time).HandleAsync),
        _ => null,
    };
}
