namespace Failover.Contract.Readiness;

/// What starts the readiness function: the schedule's input (`{"source": "schedule PREFIX-readiness"}`), or `{}` by hand. The
/// checks read everything else from the stack's plan.
public sealed record ReadinessRequest
{
    /// Who asked, for the log.
    public string? Source { get; init; }
}

/// One run of the readiness checks: every check's result, in CheckNames.All's order, and how many passed, failed and could not
/// tell. The readiness function returns it; `failoverctl readiness --output json` prints it.
public sealed record ReadinessReport
{
    /// The stack whose plan was checked (`failover-secondary`).
    public required string Stack { get; init; }
    public required int Passing { get; init; }
    public required int Failing { get; init; }
    public required int Unknown { get; init; }
    public required IReadOnlyList<CheckResult> Results { get; init; }

    public static ReadinessReport Of(string stack, IReadOnlyList<CheckResult> results) => new()
    {
        Stack = stack,
        Passing = results.Count(r => r.Status == CheckStatus.Pass),
        Failing = results.Count(r => r.Status == CheckStatus.Fail),
        Unknown = results.Count(r => r.Status == CheckStatus.Unknown),
        Results = results,
    };
}
