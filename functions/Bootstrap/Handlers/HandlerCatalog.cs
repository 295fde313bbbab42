using Failover.Functions.Aws;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// The handlers this binary serves, by the name the function's handler setting (_HANDLER) gives.
public static class HandlerCatalog
{
    /// `probe`: decide's client for the primary's health URL, outside the AWS clients (no signing, no redirects). Each handler is
    /// bound to its descriptor: a handler whose request or response type is not the descriptor's does not compile.
    public static IHandler? Find(string? name, Func<string, string?> env, AwsClients aws, TimeProvider time, DirectProbe probe) => name switch
    {
        HandlerNames.Decide => JsonHandler.For(FunctionContract.Decide, new DecideHandler(env, aws, time, probe).HandleAsync),
        HandlerNames.ShiftTraffic => JsonHandler.For(FunctionContract.ShiftTraffic, new ShiftTrafficHandler(env, aws, time).HandleAsync),
        HandlerNames.ScaleService => JsonHandler.For(FunctionContract.ScaleService, new ScaleServiceHandler(env, aws).HandleAsync),
        HandlerNames.CheckService => JsonHandler.For(FunctionContract.CheckService, new CheckServiceHandler(env, aws, time).HandleAsync),
        HandlerNames.ReleaseLock => JsonHandler.For(FunctionContract.ReleaseLock, new ReleaseLockHandler(env, aws, time).HandleAsync),
        HandlerNames.Readiness => JsonHandler.For(FunctionContract.Readiness, new ReadinessHandler(env, aws, time).HandleAsync),
        _ => null,
    };
}
