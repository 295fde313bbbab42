namespace Failover.Contract;

/// The names of the outputs a compiled stack exports: the compiler exports them (infra/Model/StackExports.cs), the secondary's
/// StackReference and failoverctl read them. Renaming one breaks a deployed secondary and every operator's tool, so they never change.
public static class StackOutputs
{
    public const string Region = "region";
    public const string PeerRegion = "peerRegion";
    /// `primary` or `secondary`.
    public const string Role = "role";
    public const string DefaultFlag = "defaultFlag";
    public const string DnsFailover = "dnsFailover";
    public const string AlbDnsName = "albDnsName";
    public const string AlbZoneId = "albZoneId";
    public const string AlbArn = "albArn";
    public const string TargetGroupArn = "targetGroupArn";
    public const string ClusterName = "clusterName";
    public const string ClusterArn = "clusterArn";
    public const string ServiceName = "serviceName";
    public const string ServiceArn = "serviceArn";
    public const string ScalableTargetId = "scalableTargetId";
    public const string CalculatedHealthCheckId = "calculatedHealthCheckId";
    public const string AlbArnSuffix = "albArnSuffix";
    public const string TargetGroupArnSuffix = "targetGroupArnSuffix";
    public const string GateHealthCheckId = "gateHealthCheckId";
    public const string EndpointHealthCheckId = "endpointHealthCheckId";
    /// What decide probes of the primary itself (its load balancer's health URL).
    public const string ProbeUrl = "probeUrl";
    /// The traffic gate: its kind and where its position is read (a map).
    public const string TrafficGate = "trafficGate";
    /// trafficGate arc: the primary's routing controls (both built by the primary) and the cluster endpoints they are moved through.
    public const string ArcPrimaryRoutingControlArn = "arcPrimaryRoutingControlArn";
    public const string ArcSecondaryRoutingControlArn = "arcSecondaryRoutingControlArn";
    public const string ArcClusterEndpoints = "arcClusterEndpoints";
    public const string ArcClusterArn = "arcClusterArn";
    public const string ArcControlPanelArn = "arcControlPanelArn";
    public const string ArcSafetyRuleArn = "arcSafetyRuleArn";
    public const string RecordHealthCheckId = "recordHealthCheckId";
    public const string AlarmHealthCheckIds = "alarmHealthCheckIds";
    public const string AlarmNames = "alarmNames";
    public const string AlarmArns = "alarmArns";
    /// The stack's own health alarms, comma-separated.
    public const string AlarmNameList = "alarmNameList";
    public const string TriggerAlarmArns = "triggerAlarmArns";
    public const string RecordFqdn = "recordFqdn";
    public const string ControlTableName = "controlTableName";
    public const string ControlTableArn = "controlTableArn";
    public const string ControlTableConsistency = "controlTableConsistency";
    public const string DecisionTableName = "decisionTableName";
    public const string TopicArn = "topicArn";
    /// The operators' entry point (failoverctl starts it).
    public const string StateMachineArn = "stateMachineArn";
    public const string StateMachineName = "stateMachineName";
    /// The triggers' entry point (the secondary's): what the probe and the alarm rule start.
    public const string TriggerStateMachineArn = "triggerStateMachineArn";
    public const string WorkflowLogGroupName = "workflowLogGroupName";
    public const string WorkflowActions = "workflowActions";
    public const string ReadinessTimeoutSeconds = "readinessTimeoutSeconds";
    /// The modelled recovery time of this stack's promotion, for dashboards and tools: the same figures the compiler prints.
    public const string RecoveryTimeBudget = "recoveryTimeBudget";
    public const string FunctionArns = "functionArns";
    public const string FunctionNames = "functionNames";
    public const string AlarmRuleName = "alarmRuleName";
    public const string ProbeScheduleName = "probeScheduleName";
    public const string DeadLetterQueues = "deadLetterQueues";
    public const string WatcherAlarmNames = "watcherAlarmNames";
    public const string DashboardName = "dashboardName";
}
