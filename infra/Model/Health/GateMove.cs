namespace Failover.Infra.Health;

/// Which way a grant lets shift-traffic move a gate: its statement's Sid says so to an auditor.
public enum GateMove
{
    /// A failback opens the primary's gate.
    Open,
    /// A failover closes it.
    Close,
    /// Either way (the secondary's gate, which a failback that cannot reach the secondary's region closes, and a later run opens).
    Move,
}
