using Failover.Contract;
using Failover.Infra.Config;
using Failover.Infra.Control;
using Failover.Infra.Estimates;
using Failover.Infra.Health;
using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra;

/// The stack outputs later stacks and tools read; their names are a contract, so they never change.
public static class StackOutputs
{
    // Read by the secondary's StackReference: renaming one breaks a deployed secondary.
    public const string ControlTableName = "controlTableName";
    public const string DecisionTableName = "decisionTableName";
    public const string EndpointHealthCheckId = "endpointHealthCheckId";
    public const string GateHealthCheckId = "gateHealthCheckId";
    public const string AlarmNameList = "alarmNameList";
    public const string AlarmArns = "alarmArns";
    public const string TriggerAlarmArns = "triggerAlarmArns";
    public const string AlbArnSuffix = "albArnSuffix";
    public const string TargetGroupArnSuffix = "targetGroupArnSuffix";
    public const string CalculatedHealthCheckId = "calculatedHealthCheckId";
    /// trafficGate arc: the primary's routing controls (both built by the primary) and the cluster endpoints they are moved through.
    public const string ArcPrimaryRoutingControlArn = "arcPrimaryRoutingControlArn";
    public const string ArcSecondaryRoutingControlArn = "arcSecondaryRoutingControlArn";
    public const string ArcClusterEndpoints = "arcClusterEndpoints";
    /// What decide probes of the primary itself (its load balancer's health URL).
    public const string ProbeUrl = "probeUrl";
    /// The modelled recovery time of this stack's promotion, for dashboards and tools: the same figures the compiler prints.
    public const string RecoveryTimeBudgetOutput = "recoveryTimeBudget";

    public static void Export(PulumiProgram program, StackConfig config, RoleProfile role, LoadBalancer loadBalancer, EcsService ecs,
        Autoscaling scaling, HealthAlarms alarms, RegionHealth health, FailoverRecord record, Orchestration orchestration)
    {
        program.Export("region", config.Region);
        program.Export("peerRegion", config.PeerRegion);
        program.Export("role", role.Name);
        program.Export("defaultFlag", Wire.Of(config.DefaultFlag));
        program.Export("dnsFailover", config.Dns.Failover.ToString().ToLowerInvariant());
        program.Export("albDnsName", loadBalancer.Alb.Out("dnsName"));
        program.Export("albZoneId", loadBalancer.Alb.Out("zoneId"));
        program.Export("albArn", loadBalancer.Alb.Out("arn"));
        program.Export("targetGroupArn", loadBalancer.TargetGroup.Out("arn"));
        program.Export("clusterName", ecs.Cluster.Out("name"));
        program.Export("clusterArn", ecs.Cluster.Out("arn"));
        program.Export("serviceName", ecs.Service.Out("name"));
        program.Export("serviceArn", ecs.Service.Out("arn"));
        program.Export("scalableTargetId", scaling.ResourceId);
        program.Export(CalculatedHealthCheckId, health.Calculated.Out("id"));
        program.Export(AlbArnSuffix, loadBalancer.Alb.Out("arnSuffix"));
        program.Export(TargetGroupArnSuffix, loadBalancer.TargetGroup.Out("arnSuffix"));
        program.Export(GateHealthCheckId, health.Gate.Check.Out("id"));
        program.Export(EndpointHealthCheckId, health.Endpoint.Out("id"));
        program.Export(ProbeUrl, health.ProbeUrl);
        program.Export("trafficGate", health.Gate.Describe());
        if (health.Gate.Controls is { } arc)
        {
            program.Export(ArcPrimaryRoutingControlArn, arc.Primary.Out("arn"));
            program.Export(ArcSecondaryRoutingControlArn, arc.Secondary.Out("arn"));
            program.Export(ArcClusterEndpoints, health.Gate.ClusterEndpoints!);
            program.Export("arcClusterArn", arc.ClusterArn);
            program.Export("arcControlPanelArn", arc.ControlPanel.Out("arn"));
            program.Export("arcSafetyRuleArn", arc.SafetyRule.Out("arn"));
        }
        program.Export("recordHealthCheckId", record.Guard.Out("id"));
        program.Export("alarmHealthCheckIds", Map.Of(health.AlarmChecks.Select(c => (c.Key, (Value?)c.Check.Out("id"))).ToArray()));
        program.Export("alarmNames", Value.List(alarms.All.Select(a => (Value)a.Alarm.Out("name"))));
        program.Export(AlarmArns, Value.List(alarms.All.Select(a => (Value)a.Alarm.Out("arn"))));
        program.Export(AlarmNameList, alarms.NameList);
        program.Export("recordFqdn", record.Record.Out("fqdn"));

        // The workflow, and what an operator tool needs to start and follow an execution.
        var table = orchestration.Table;
        program.Export(ControlTableName, table.Name);
        program.Export("controlTableArn", table.ArnIn(config.Region));
        program.Export("controlTableConsistency", config.Control.Consistency.ToString().ToLowerInvariant());
        if (table.DecisionTableName is { } log) program.Export(DecisionTableName, log);
        program.Export("topicArn", orchestration.Notifications.Arn);
        program.Export("stateMachineArn", orchestration.Workflow.Arn);
        program.Export("stateMachineName", orchestration.Workflow.StateMachine.Out("name"));
        // The triggers' entry point (the secondary's): what the probe and the alarm rule start; operators start the one above.
        if (orchestration.Workflow.TriggerArn is { } trigger) program.Export("triggerStateMachineArn", trigger);
        program.Export("workflowLogGroupName", orchestration.Workflow.LogGroup.Out("name"));
        program.Export("workflowActions", Value.Strings(WorkflowDefinition.ActionsFor(role.Role).Select(Wire.Of)));
        program.Export("readinessTimeoutSeconds", config.Workflow.ReadinessTimeoutSeconds);
        program.Export(RecoveryTimeBudgetOutput, Budget(RecoveryTimeBudget.For(config)));
        program.Export("functionArns", Map.Of(orchestration.Functions.All.Select(f => (f.Key, (Value?)f.Function.Function.Out("arn"))).ToArray()));
        program.Export("functionNames", Map.Of(orchestration.Functions.All.Select(f => (f.Key, (Value?)f.Function.Function.Out("name"))).ToArray()));
    }

    private static Map Budget(RecoveryTimeBudget budget) => Map.Of(
        ("action", budget.Action),
        ("objectiveSeconds", budget.ObjectiveSeconds),
        ("typicalSeconds", budget.TypicalSeconds),
        ("boundSeconds", budget.BoundSeconds),
        ("phases", Value.List(budget.Phases.Select(p => (Value)Map.Of(
            ("name", p.Name), ("typicalSeconds", p.TypicalSeconds), ("boundSeconds", p.BoundSeconds), ("from", p.From))))));

    /// What starts the workflow and what watches it.
    public static void ExportWatch(PulumiProgram program, Triggers.AlarmForwarding? forwarding, Triggers.WorkflowTriggers? triggers,
        IReadOnlyList<Triggers.DeadLetterQueue> deadLetters, IReadOnlyList<Watch.WatcherAlarm> watchers, Resource dashboard)
    {
        if (forwarding is not null) program.Export(TriggerAlarmArns, Value.List(forwarding.TriggerAlarmArns));
        if (triggers is not null)
        {
            program.Export("alarmRuleName", triggers.AlarmRule.Name);
            if (triggers.Probe is not null) program.Export("probeScheduleName", triggers.Probe.Out("name"));
        }
        program.Export("deadLetterQueues", Value.List(deadLetters.Select(d => (Value)Map.Of(("name", d.Name), ("region", d.Region), ("url", d.Queue.Out("url"))))));
        program.Export("watcherAlarmNames", Value.List(watchers.Select(w => (Value)w.Alarm.Out("name"))));
        program.Export("dashboardName", dashboard.Out("dashboardName"));
    }
}
