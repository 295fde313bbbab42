using Failover.Contract;
using Failover.Infra.Config;
using Failover.Infra.Control;
using Failover.Infra.Estimates;
using Failover.Infra.Health;
using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra;

/// What each stack exports, under the names of the contract's StackOutputs.
public static class StackExports
{
    public static void Export(PulumiProgram program, StackConfig config, RoleProfile role, LoadBalancer loadBalancer, EcsService ecs,
        Autoscaling scaling, HealthAlarms alarms, RegionHealth health, FailoverRecord record, Orchestration orchestration)
    {
        program.Export(StackOutputs.Region, config.Region);
        program.Export(StackOutputs.PeerRegion, config.PeerRegion);
        program.Export(StackOutputs.Role, role.Name);
        program.Export(StackOutputs.DefaultFlag, Wire.Of(config.DefaultFlag));
        program.Export(StackOutputs.DnsFailover, config.Dns.Failover.ToString().ToLowerInvariant());
        program.Export(StackOutputs.AlbDnsName, loadBalancer.Alb.Out("dnsName"));
        program.Export(StackOutputs.AlbZoneId, loadBalancer.Alb.Out("zoneId"));
        program.Export(StackOutputs.AlbArn, loadBalancer.Alb.Out("arn"));
        program.Export(StackOutputs.TargetGroupArn, loadBalancer.TargetGroup.Out("arn"));
        program.Export(StackOutputs.ClusterName, ecs.Cluster.Out("name"));
        program.Export(StackOutputs.ClusterArn, ecs.Cluster.Out("arn"));
        program.Export(StackOutputs.ServiceName, ecs.Service.Out("name"));
        program.Export(StackOutputs.ServiceArn, ecs.Service.Out("arn"));
        program.Export(StackOutputs.ScalableTargetId, scaling.ResourceId);
        program.Export(StackOutputs.CalculatedHealthCheckId, health.Calculated.Out("id"));
        program.Export(StackOutputs.AlbArnSuffix, loadBalancer.Alb.Out("arnSuffix"));
        program.Export(StackOutputs.TargetGroupArnSuffix, loadBalancer.TargetGroup.Out("arnSuffix"));
        program.Export(StackOutputs.GateHealthCheckId, health.Gate.Check.Out("id"));
        program.Export(StackOutputs.EndpointHealthCheckId, health.Endpoint.Out("id"));
        program.Export(StackOutputs.ProbeUrl, health.ProbeUrl);
        program.Export(StackOutputs.TrafficGate, health.Gate.Describe());
        if (health.Gate.Controls is { } arc)
        {
            program.Export(StackOutputs.ArcPrimaryRoutingControlArn, arc.Primary.Out("arn"));
            program.Export(StackOutputs.ArcSecondaryRoutingControlArn, arc.Secondary.Out("arn"));
            program.Export(StackOutputs.ArcClusterEndpoints, health.Gate.ClusterEndpoints!);
            program.Export(StackOutputs.ArcClusterArn, arc.ClusterArn);
            program.Export(StackOutputs.ArcControlPanelArn, arc.ControlPanel.Out("arn"));
            program.Export(StackOutputs.ArcSafetyRuleArn, arc.SafetyRule.Out("arn"));
        }
        program.Export(StackOutputs.RecordHealthCheckId, record.Guard.Out("id"));
        program.Export(StackOutputs.AlarmHealthCheckIds, Map.Of(health.AlarmChecks.Select(c => (c.Key, (Value?)c.Check.Out("id"))).ToArray()));
        program.Export(StackOutputs.AlarmNames, Value.List(alarms.All.Select(a => (Value)a.Alarm.Out("name"))));
        program.Export(StackOutputs.AlarmArns, Value.List(alarms.All.Select(a => (Value)a.Alarm.Out("arn"))));
        program.Export(StackOutputs.AlarmNameList, alarms.NameList);
        program.Export(StackOutputs.RecordFqdn, record.Record.Out("fqdn"));

        // The workflow, and what an operator tool needs to start and follow an execution.
        var table = orchestration.Table;
        program.Export(StackOutputs.ControlTableName, table.Name);
        program.Export(StackOutputs.ControlTableArn, table.ArnIn(config.Region));
        program.Export(StackOutputs.ControlTableConsistency, config.Control.Consistency.ToString().ToLowerInvariant());
        if (table.DecisionTableName is { } log) program.Export(StackOutputs.DecisionTableName, log);
        program.Export(StackOutputs.TopicArn, orchestration.Notifications.Arn);
        program.Export(StackOutputs.StateMachineArn, orchestration.Workflow.Arn);
        program.Export(StackOutputs.StateMachineName, orchestration.Workflow.StateMachine.Out("name"));
        // The triggers' entry point (the secondary's): what the probe and the alarm rule start; operators start the one above.
        if (orchestration.Workflow.TriggerArn is { } trigger) program.Export(StackOutputs.TriggerStateMachineArn, trigger);
        program.Export(StackOutputs.WorkflowLogGroupName, orchestration.Workflow.LogGroup.Out("name"));
        program.Export(StackOutputs.WorkflowActions, Value.Strings(role.WorkflowActions.Select(Wire.Of)));
        program.Export(StackOutputs.ReadinessTimeoutSeconds, config.Workflow.ReadinessTimeoutSeconds);
        program.Export(StackOutputs.RecoveryTimeBudget, Budget(RecoveryTimeBudget.For(config)));
        program.Export(StackOutputs.FunctionArns, Map.Of(orchestration.Functions.All.Select(f => (f.Key, (Value?)f.Function.Function.Out("arn"))).ToArray()));
        program.Export(StackOutputs.FunctionNames, Map.Of(orchestration.Functions.All.Select(f => (f.Key, (Value?)f.Function.Function.Out("name"))).ToArray()));
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
        if (forwarding is not null) program.Export(StackOutputs.TriggerAlarmArns, Value.List(forwarding.TriggerAlarmArns));
        if (triggers is not null)
        {
            program.Export(StackOutputs.AlarmRuleName, triggers.AlarmRule.Name);
            if (triggers.Probe is not null) program.Export(StackOutputs.ProbeScheduleName, triggers.Probe.Out("name"));
        }
        program.Export(StackOutputs.DeadLetterQueues, Value.List(deadLetters.Select(d => (Value)Map.Of(("name", d.Name), ("region", d.Region), ("url", d.Queue.Out("url"))))));
        program.Export(StackOutputs.WatcherAlarmNames, Value.List(watchers.Select(w => (Value)w.Name)));
        program.Export(StackOutputs.DashboardName, dashboard.Out("dashboardName"));
    }
}
