namespace Failover.Functions.Tests.Contract;

/// One request per handler for the contract's tests: a handler with none fails them.
internal static class HandlerRequests
{
    /// A request each handler accepts, so that only the environment can be wrong (EnvironmentContractTests).
    public static readonly IReadOnlyDictionary<string, string> Valid = new Dictionary<string, string>
    {
        [HandlerNames.Decide] = """{"action":"failover","source":"ops","executionId":"exec-1","lockId":"t"}""",
        [HandlerNames.ScaleService] = """{"action":"failover","lockId":"x"}""",
        [HandlerNames.CheckService] = "{}",
        [HandlerNames.ShiftTraffic] = """{"action":"failover","lockId":"x"}""",
        [HandlerNames.ReleaseLock] = """{"action":"failover","lockId":"x","executionId":"exec-1","outcome":"SUCCEEDED"}""",
        [HandlerNames.Readiness] = """{"source":"schedule"}""",
    };

    /// Requests on paths that leave the optional fields out (no lock taken, nothing shifted, nothing recorded): the contract's
    /// result fields must still be there (ResultContractTests).
    public static readonly IReadOnlyDictionary<string, string> Minimal = new Dictionary<string, string>
    {
        [HandlerNames.Decide] = """{"action":"failover","source":"ops","executionId":"exec-1"}""",
        [HandlerNames.ScaleService] = """{"action":"failover"}""",
        [HandlerNames.CheckService] = "{}",
        [HandlerNames.ShiftTraffic] = """{"action":"drill"}""",
        [HandlerNames.ReleaseLock] = """{"action":"failover","lockId":"x","executionId":"exec-1","outcome":"FAILED"}""",
        [HandlerNames.Readiness] = "{}",
    };
}
