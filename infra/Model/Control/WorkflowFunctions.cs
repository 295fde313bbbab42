using Failover.Contract;

namespace Failover.Infra.Control;

/// The functions one stack's workflow invokes, one per kind of Task: the functions themselves (Orchestration), or what the
/// definition names them by (their ARNs, known before deploy). The primary has one more, for the failback's last step.
public sealed record WorkflowFunctions<T> where T : class
{
    public required T Decide { get; init; }
    public required T ScaleService { get; init; }
    public required T CheckService { get; init; }
    public required T ShiftTraffic { get; init; }
    public required T ReleaseLock { get; init; }
    /// The primary's only: it runs the scale-service handler against the secondary's service.
    public T? ScaleStandby { get; init; }

    /// Each function under its key (its name without the stack's prefix), in the order they are created.
    public IReadOnlyList<(string Key, T Function)> All =>
    [
        (HandlerNames.Decide, Decide), (HandlerNames.ScaleService, ScaleService), (HandlerNames.CheckService, CheckService),
        (HandlerNames.ShiftTraffic, ShiftTraffic), (HandlerNames.ReleaseLock, ReleaseLock),
        .. ScaleStandby is { } standby ? [(Orchestration.ScaleStandby, standby)] : Array.Empty<(string, T)>(),
    ];

    public WorkflowFunctions<TOut> Select<TOut>(Func<T, TOut> map) where TOut : class => new()
    {
        Decide = map(Decide), ScaleService = map(ScaleService), CheckService = map(CheckService), ShiftTraffic = map(ShiftTraffic),
        ReleaseLock = map(ReleaseLock), ScaleStandby = ScaleStandby is { } standby ? map(standby) : null,
    };
}
