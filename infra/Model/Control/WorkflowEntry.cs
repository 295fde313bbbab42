namespace Failover.Infra.Control;

/// A workflow's entry point: the operators' state machine (a run may ask for force), or the triggers' (the alarm rule and the
/// probe start it; a run there never forces and is always unattended, whatever its input says).
public enum WorkflowEntry { Operator, Trigger }
