using System.Text.RegularExpressions;
using Failover.Infra.Config;
using Failover.Infra.Iam;
using Failover.Infra.Tests.Control;
using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Iam;

/// Every role's exact grants in the shipped stacks, one test per role: a table of `action | resource [| condition]` rows,
/// resources as the program writes them. Adding, removing or widening a grant fails the role's test until its table (and
/// docs/iam.md) says so. tests/oracles/iam-simulate.mjs checks what these grants allow.
public sealed partial class RoleGrantTests
{
    private static PulumiProgram Primary => RoleGrants.Primary.Value;
    private static PulumiProgram Secondary => RoleGrants.Secondary.Value;

    [Fact]
    public void Task_execution()
    {
        RoleGrants.Expect(Primary, "task-execution", """
            logs:CreateLogStream | ${log-group.arn}:log-stream:*
            logs:PutLogEvents    | ${log-group.arn}:log-stream:*
            """);
        RoleGrants.Expect(Secondary, "task-execution", """
            logs:CreateLogStream | ${log-group.arn}:log-stream:*
            logs:PutLogEvents    | ${log-group.arn}:log-stream:*
            """);
        // A private ECR image: that one repository, and the registry login that has no resource type.
        RoleGrants.Expect(TestStacks.Program("primary"), "task-execution", """
            logs:CreateLogStream        | ${log-group.arn}:log-stream:*
            logs:PutLogEvents           | ${log-group.arn}:log-stream:*
            ecr:BatchGetImage           | arn:${partition}:ecr:us-east-1:123456789012:repository/app
            ecr:GetDownloadUrlForLayer  | arn:${partition}:ecr:us-east-1:123456789012:repository/app
            ecr:GetAuthorizationToken   | *
            """);
    }

    [Fact]
    public void Decide_function()
    {
        RoleGrants.Expect(Primary, "decide-function", """
            logs:CreateLogStream         | ${decide-log-group.arn}:log-stream:*
            logs:PutLogEvents            | ${decide-log-group.arn}:log-stream:*
            xray:PutTraceSegments        | *
            xray:PutTelemetryRecords     | *
            dynamodb:GetItem             | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=flag,state
            dynamodb:UpdateItem          | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=state
            dynamodb:GetItem             | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=notice#failback
            dynamodb:UpdateItem          | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=notice#failback
            dynamodb:PutItem             | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${decision-log-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=decision#*
            states:DescribeExecution     | arn:${partition}:states:us-east-1:${account-id}:execution:failover-primary-failover:*
            states:DescribeExecution     | arn:${partition}:states:us-west-2:${account-id}:execution:failover-secondary-failover:*
            states:DescribeExecution     | arn:${partition}:states:us-west-2:${account-id}:execution:failover-secondary-failover-trigger:*
            route53:GetHealthCheckStatus | arn:${partition}:route53:::healthcheck/${health-endpoint.id}
            cloudwatch:DescribeAlarms    | ${alarm-healthy-hosts.arn}
            cloudwatch:DescribeAlarms    | ${alarm-target-5xx.arn}
            cloudwatch:DescribeAlarms    | ${alarm-running-tasks.arn}
            """);
        RoleGrants.Expect(Secondary, "decide-function", """
            logs:CreateLogStream         | ${decide-log-group.arn}:log-stream:*
            logs:PutLogEvents            | ${decide-log-group.arn}:log-stream:*
            xray:PutTraceSegments        | *
            xray:PutTelemetryRecords     | *
            dynamodb:GetItem             | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${primary-stack.outputs["controlTableName"]} | ForAllValues:StringLike dynamodb:LeadingKeys=flag,state
            dynamodb:UpdateItem          | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${primary-stack.outputs["controlTableName"]} | ForAllValues:StringLike dynamodb:LeadingKeys=state
            dynamodb:GetItem             | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${primary-stack.outputs["controlTableName"]} | ForAllValues:StringLike dynamodb:LeadingKeys=notice#failover,notice#drill
            dynamodb:UpdateItem          | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${primary-stack.outputs["controlTableName"]} | ForAllValues:StringLike dynamodb:LeadingKeys=notice#failover,notice#drill
            dynamodb:PutItem             | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${primary-stack.outputs["decisionTableName"]} | ForAllValues:StringLike dynamodb:LeadingKeys=decision#*
            states:DescribeExecution     | arn:${partition}:states:us-west-2:${account-id}:execution:failover-secondary-failover:*
            states:DescribeExecution     | arn:${partition}:states:us-west-2:${account-id}:execution:failover-secondary-failover-trigger:*
            states:DescribeExecution     | arn:${partition}:states:us-east-1:${account-id}:execution:failover-primary-failover:*
            route53:GetHealthCheckStatus | arn:${partition}:route53:::healthcheck/${primary-stack.outputs["endpointHealthCheckId"]}
            cloudwatch:DescribeAlarms    | arn:${partition}:cloudwatch:us-east-1:${account-id}:alarm:failover-primary-*
            ecs:DescribeServices         | arn:${partition}:ecs:us-east-1:${account-id}:service/failover-primary/failover-primary
            """);
        // Eventual consistency: decision records share the control table, and decide reads the peer replica's lock.
        RoleGrants.Expect(RoleGrants.EventualPrimary.Value, "decide-function", """
            logs:CreateLogStream         | ${decide-log-group.arn}:log-stream:*
            logs:PutLogEvents            | ${decide-log-group.arn}:log-stream:*
            xray:PutTraceSegments        | *
            xray:PutTelemetryRecords     | *
            dynamodb:GetItem             | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=flag,state
            dynamodb:UpdateItem          | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=state
            dynamodb:GetItem             | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=notice#failback
            dynamodb:UpdateItem          | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=notice#failback
            dynamodb:PutItem             | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=decision#*
            dynamodb:GetItem             | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=state
            states:DescribeExecution     | arn:${partition}:states:us-east-1:${account-id}:execution:failover-primary-failover:*
            states:DescribeExecution     | arn:${partition}:states:us-west-2:${account-id}:execution:failover-secondary-failover:*
            states:DescribeExecution     | arn:${partition}:states:us-west-2:${account-id}:execution:failover-secondary-failover-trigger:*
            route53:GetHealthCheckStatus | arn:${partition}:route53:::healthcheck/${health-endpoint.id}
            cloudwatch:DescribeAlarms    | ${alarm-healthy-hosts.arn}
            cloudwatch:DescribeAlarms    | ${alarm-target-5xx.arn}
            cloudwatch:DescribeAlarms    | ${alarm-running-tasks.arn}
            """);
    }

    [Fact]
    public void Scale_service_function()
    {
        // It reads the lock first: it acts only for the run holding it.
        foreach (var (program, table) in new[] { (Primary, RoleGrants.PrimaryControlTable), (Secondary, RoleGrants.SecondaryControlTable) })
            RoleGrants.Expect(program, "scale-service-function", $$"""
                logs:CreateLogStream                            | ${scale-service-log-group.arn}:log-stream:*
                logs:PutLogEvents                               | ${scale-service-log-group.arn}:log-stream:*
                xray:PutTraceSegments                           | *
                xray:PutTelemetryRecords                        | *
                dynamodb:GetItem                                | {{table}} | ForAllValues:StringLike dynamodb:LeadingKeys=state
                ecs:DescribeServices                            | ${service.arn}
                ecs:UpdateService                               | ${service.arn}
                application-autoscaling:RegisterScalableTarget  | ${scalable-target.arn}
                application-autoscaling:DescribeScalableTargets | *
                """);
    }

    [Fact]
    public void Check_service_function()
    {
        foreach (var program in new[] { Primary, Secondary })
            RoleGrants.Expect(program, "check-service-function", """
                logs:CreateLogStream                      | ${check-service-log-group.arn}:log-stream:*
                logs:PutLogEvents                         | ${check-service-log-group.arn}:log-stream:*
                xray:PutTraceSegments                     | *
                xray:PutTelemetryRecords                  | *
                ecs:DescribeServices                      | ${service.arn}
                elasticloadbalancing:DescribeTargetHealth | *
                """);
    }

    [Fact]
    public void Shift_traffic_function()
    {
        // The metric gate: each grant one gate's namespace in the one region that holds its switch. The secondary closes the
        // primary's gate in its own region; the primary opens it there, and moves the secondary's in its own region.
        RoleGrants.Expect(Primary, "shift-traffic-function", """
            logs:CreateLogStream      | ${shift-traffic-log-group.arn}:log-stream:*
            logs:PutLogEvents         | ${shift-traffic-log-group.arn}:log-stream:*
            xray:PutTraceSegments     | *
            xray:PutTelemetryRecords  | *
            dynamodb:GetItem          | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=state
            cloudwatch:PutMetricData  | * | StringEquals aws:RequestedRegion=us-west-2; StringEquals cloudwatch:namespace=Failover/TrafficGate/failover-primary
            cloudwatch:PutMetricData  | * | StringEquals aws:RequestedRegion=us-east-1; StringEquals cloudwatch:namespace=Failover/TrafficGate/failover-secondary
            """);
        RoleGrants.Expect(Secondary, "shift-traffic-function", """
            logs:CreateLogStream      | ${shift-traffic-log-group.arn}:log-stream:*
            logs:PutLogEvents         | ${shift-traffic-log-group.arn}:log-stream:*
            xray:PutTraceSegments     | *
            xray:PutTelemetryRecords  | *
            dynamodb:GetItem          | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${primary-stack.outputs["controlTableName"]} | ForAllValues:StringLike dynamodb:LeadingKeys=state
            cloudwatch:PutMetricData  | * | StringEquals aws:RequestedRegion=us-west-2; StringEquals cloudwatch:namespace=Failover/TrafficGate/failover-primary
            """);
    }

    [Fact]
    public void Shift_traffic_function_with_the_route53_api_gate()
    {
        RoleGrants.Expect(TestStacks.Program("primary", ("trafficGate", "route53-api")), "shift-traffic-function", """
            logs:CreateLogStream      | ${shift-traffic-log-group.arn}:log-stream:*
            logs:PutLogEvents         | ${shift-traffic-log-group.arn}:log-stream:*
            xray:PutTraceSegments     | *
            xray:PutTelemetryRecords  | *
            dynamodb:GetItem          | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=state
            route53:GetHealthCheck    | arn:${partition}:route53:::healthcheck/${traffic-gate.id}
            route53:UpdateHealthCheck | arn:${partition}:route53:::healthcheck/${traffic-gate.id}
            """);
        RoleGrants.Expect(TestStacks.Program("secondary", ("trafficGate", "route53-api")), "shift-traffic-function", """
            logs:CreateLogStream      | ${shift-traffic-log-group.arn}:log-stream:*
            logs:PutLogEvents         | ${shift-traffic-log-group.arn}:log-stream:*
            xray:PutTraceSegments     | *
            xray:PutTelemetryRecords  | *
            dynamodb:GetItem          | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${primary-stack.outputs["controlTableName"]} | ForAllValues:StringLike dynamodb:LeadingKeys=state
            route53:GetHealthCheck    | arn:${partition}:route53:::healthcheck/${primary-stack.outputs["gateHealthCheckId"]}
            route53:UpdateHealthCheck | arn:${partition}:route53:::healthcheck/${primary-stack.outputs["gateHealthCheckId"]}
            """);
    }

    /// One routing control, the primary's, in both stacks: the failback turns it On, the failover Off; the secondary's control
    /// and every other control on the cluster stay out of reach.
    [Fact]
    public void Shift_traffic_function_with_the_arc_gate()
    {
        RoleGrants.Expect(TestStacks.Program("primary", TestStacks.ArcNamedCluster), "shift-traffic-function", """
            logs:CreateLogStream                               | ${shift-traffic-log-group.arn}:log-stream:*
            logs:PutLogEvents                                  | ${shift-traffic-log-group.arn}:log-stream:*
            xray:PutTraceSegments                              | *
            xray:PutTelemetryRecords                           | *
            dynamodb:GetItem                                   | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=state
            route53-recovery-cluster:GetRoutingControlState    | ${primary-routing-control.arn}
            route53-recovery-cluster:UpdateRoutingControlState | ${primary-routing-control.arn}
            """);
        RoleGrants.Expect(TestStacks.Program("secondary", TestStacks.ArcNamedCluster), "shift-traffic-function", """
            logs:CreateLogStream                               | ${shift-traffic-log-group.arn}:log-stream:*
            logs:PutLogEvents                                  | ${shift-traffic-log-group.arn}:log-stream:*
            xray:PutTraceSegments                              | *
            xray:PutTelemetryRecords                           | *
            dynamodb:GetItem                                   | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${primary-stack.outputs["controlTableName"]} | ForAllValues:StringLike dynamodb:LeadingKeys=state
            route53-recovery-cluster:GetRoutingControlState    | ${primary-stack.outputs["arcPrimaryRoutingControlArn"]}
            route53-recovery-cluster:UpdateRoutingControlState | ${primary-stack.outputs["arcPrimaryRoutingControlArn"]}
            """);
    }

    [Fact]
    public void Release_lock_function()
    {
        RoleGrants.Expect(Primary, "release-lock-function", """
            logs:CreateLogStream     | ${release-lock-log-group.arn}:log-stream:*
            logs:PutLogEvents        | ${release-lock-log-group.arn}:log-stream:*
            xray:PutTraceSegments    | *
            xray:PutTelemetryRecords | *
            dynamodb:GetItem         | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=state
            dynamodb:UpdateItem      | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=state
            dynamodb:GetItem         | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${decision-log-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=runs
            dynamodb:UpdateItem      | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${decision-log-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=decision#*,runs
            """);
        RoleGrants.Expect(Secondary, "release-lock-function", """
            logs:CreateLogStream     | ${release-lock-log-group.arn}:log-stream:*
            logs:PutLogEvents        | ${release-lock-log-group.arn}:log-stream:*
            xray:PutTraceSegments    | *
            xray:PutTelemetryRecords | *
            dynamodb:GetItem         | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${primary-stack.outputs["controlTableName"]} | ForAllValues:StringLike dynamodb:LeadingKeys=state
            dynamodb:UpdateItem      | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${primary-stack.outputs["controlTableName"]} | ForAllValues:StringLike dynamodb:LeadingKeys=state
            dynamodb:GetItem         | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${primary-stack.outputs["decisionTableName"]} | ForAllValues:StringLike dynamodb:LeadingKeys=runs
            dynamodb:UpdateItem      | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${primary-stack.outputs["decisionTableName"]} | ForAllValues:StringLike dynamodb:LeadingKeys=decision#*,runs
            """);
    }

    [Fact]
    public void Scale_standby_function()
    {
        RoleGrants.Expect(Primary, "scale-standby-function", """
            logs:CreateLogStream                            | ${scale-standby-log-group.arn}:log-stream:*
            logs:PutLogEvents                               | ${scale-standby-log-group.arn}:log-stream:*
            xray:PutTraceSegments                           | *
            xray:PutTelemetryRecords                        | *
            dynamodb:GetItem                                | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=state
            ecs:DescribeServices                            | arn:${partition}:ecs:us-west-2:${account-id}:service/failover-secondary/failover-secondary
            ecs:UpdateService                               | arn:${partition}:ecs:us-west-2:${account-id}:service/failover-secondary/failover-secondary
            application-autoscaling:RegisterScalableTarget  | arn:${partition}:application-autoscaling:us-west-2:${account-id}:scalable-target/* | StringEquals application-autoscaling:scalable-dimension=ecs:service:DesiredCount; StringEquals application-autoscaling:service-namespace=ecs
            application-autoscaling:DescribeScalableTargets | *
            """);
        // Only the primary scales the other region back to standby.
        RoleGrants.RoleNames(Secondary).Should().NotContain("scale-standby-function");
    }

    /// Without recovery tasks (the shipped stacks): no ECS, events or iam:PassRole permission at all.
    [Fact]
    public void Workflow()
    {
        foreach (var (program, prefix, region, standby) in new[] { (Primary, "failover-primary", "us-east-1", true), (Secondary, "failover-secondary", "us-west-2", false) })
            RoleGrants.Expect(program, "workflow", WorkflowBase(prefix, region, standby));
    }

    /// Recovery tasks add RunTask of each task definition family in this one cluster, watching and stopping that cluster's
    /// tasks, the `.sync` integration's managed rule, and passing exactly the roles the task definitions name, to ECS only.
    [Fact]
    public void Workflow_with_recovery_tasks()
    {
        RoleGrants.Expect(RoleGrants.SecondaryWithRecovery.Value, "workflow", WorkflowBase("failover-secondary", "us-west-2", standby: false) + "\n" + """
            ecs:RunTask          | arn:${partition}:ecs:us-west-2:${account-id}:task-definition/failover-secondary:* | ArnEquals ecs:cluster=${cluster.arn}
            ecs:RunTask          | arn:${partition}:ecs:us-west-2:${account-id}:task-definition/migrate:*            | ArnEquals ecs:cluster=${cluster.arn}
            ecs:DescribeTasks    | arn:${partition}:ecs:us-west-2:${account-id}:task/${cluster.name}/*
            ecs:StopTask         | arn:${partition}:ecs:us-west-2:${account-id}:task/${cluster.name}/*
            events:PutTargets    | arn:${partition}:events:us-west-2:${account-id}:rule/StepFunctionsGetEventsForECSTaskRule
            events:PutRule       | arn:${partition}:events:us-west-2:${account-id}:rule/StepFunctionsGetEventsForECSTaskRule
            events:DescribeRule  | arn:${partition}:events:us-west-2:${account-id}:rule/StepFunctionsGetEventsForECSTaskRule
            iam:PassRole         | ${task-execution-role.arn}                           | StringEquals iam:PassedToService=ecs-tasks.amazonaws.com
            iam:PassRole         | arn:aws:iam::123456789012:role/migrate-execution     | StringEquals iam:PassedToService=ecs-tasks.amazonaws.com
            iam:PassRole         | arn:aws:iam::123456789012:role/migrate-task          | StringEquals iam:PassedToService=ecs-tasks.amazonaws.com
            """);
        // Only the service's own task definition: its family and its execution role.
        RoleGrants.Expect(RoleGrants.PrimaryWithRecovery.Value, "workflow", WorkflowBase("failover-primary", "us-east-1", standby: true) + "\n" + """
            ecs:RunTask          | arn:${partition}:ecs:us-east-1:${account-id}:task-definition/failover-primary:* | ArnEquals ecs:cluster=${cluster.arn}
            ecs:DescribeTasks    | arn:${partition}:ecs:us-east-1:${account-id}:task/${cluster.name}/*
            ecs:StopTask         | arn:${partition}:ecs:us-east-1:${account-id}:task/${cluster.name}/*
            events:PutTargets    | arn:${partition}:events:us-east-1:${account-id}:rule/StepFunctionsGetEventsForECSTaskRule
            events:PutRule       | arn:${partition}:events:us-east-1:${account-id}:rule/StepFunctionsGetEventsForECSTaskRule
            events:DescribeRule  | arn:${partition}:events:us-east-1:${account-id}:rule/StepFunctionsGetEventsForECSTaskRule
            iam:PassRole         | ${task-execution-role.arn}                           | StringEquals iam:PassedToService=ecs-tasks.amazonaws.com
            """);
    }

    /// What every workflow role has: its functions (and their qualifiers), execution logs, tracing, its topic and the topic's key.
    private static string WorkflowBase(string prefix, string region, bool standby)
    {
        string[] functions = ["decide", "scale-service", "check-service", "shift-traffic", "release-lock", .. (standby ? new[] { "scale-standby" } : Array.Empty<string>())];
        var invoke = string.Join("\n", functions.SelectMany(f => new[]
        {
            $"lambda:InvokeFunction | arn:${{partition}}:lambda:{region}:${{account-id}}:function:{prefix}-{f}",
            $"lambda:InvokeFunction | arn:${{partition}}:lambda:{region}:${{account-id}}:function:{prefix}-{f}:*",
        }));
        return invoke + "\n" + """
            logs:CreateLogDelivery         | *
            logs:GetLogDelivery            | *
            logs:UpdateLogDelivery         | *
            logs:DeleteLogDelivery         | *
            logs:ListLogDeliveries         | *
            logs:PutResourcePolicy         | *
            logs:DescribeResourcePolicies  | *
            logs:DescribeLogGroups         | *
            xray:PutTraceSegments          | *
            xray:PutTelemetryRecords       | *
            xray:GetSamplingRules          | *
            xray:GetSamplingTargets        | *
            sns:Publish                    | ${notifications-topic.arn}
            kms:GenerateDataKey            | ${notifications-key.arn}
            kms:Decrypt                    | ${notifications-key.arn}
            """;
    }

    /// The primary's forwarder puts events on the secondary's default bus and nowhere else.
    [Fact]
    public void Forward_alarms_rule()
    {
        RoleGrants.Expect(Primary, "forward-alarms-rule", """
            events:PutEvents | arn:${partition}:events:us-west-2:${account-id}:event-bus/default
            """);
        // Where neither region is us-east-1, Route 53's alarms there get a forwarder of their own, to the same bus only.
        var europe = TestStacks.Program("primary", ("aws:region", "eu-west-1"), ("peerRegion", "eu-west-2"));
        foreach (var role in new[] { "forward-alarms-rule", "forward-route53-rule" })
            RoleGrants.Expect(europe, role, """
                events:PutEvents | arn:${partition}:events:eu-west-2:${account-id}:event-bus/default
                """);
    }

    /// Each stack tells the other region's bus when its own topic cannot deliver, and nothing else.
    [Fact]
    public void Notices_to_peer_rule()
    {
        RoleGrants.Expect(Primary, "notices-to-peer-rule", """
            events:PutEvents | arn:${partition}:events:us-west-2:${account-id}:event-bus/default
            """);
        RoleGrants.Expect(Secondary, "notices-to-peer-rule", """
            events:PutEvents | arn:${partition}:events:us-east-1:${account-id}:event-bus/default
            """);
    }

    [Fact]
    public void Start_on_alarm_rule()
    {
        // The triggers' entry point only: a trigger's start can never carry force.
        RoleGrants.Expect(Secondary, "start-on-alarm-rule", """
            states:StartExecution | ${workflow-trigger.arn}
            """);
    }

    [Fact]
    public void Probe_schedule()
    {
        RoleGrants.Expect(Secondary, "probe-schedule", """
            states:StartExecution | ${workflow-trigger.arn}
            sqs:SendMessage       | ${probe-dlq.arn}
            """);
    }

    /// The drill schedule (drillSchedule set): the same entry point as the probe, never the operators' (no force), and its own queue.
    [Fact]
    public void Drill_schedule()
    {
        RoleGrants.Expect(RoleGrants.ScheduledDrill.Value, "drill-schedule", """
            states:StartExecution | ${workflow-trigger.arn}
            sqs:SendMessage       | ${drill-dlq.arn}
            """);
        RoleGrants.RoleNames(Secondary).Should().NotContain("drill-schedule", "drills are opt-in: the shipped secondary schedules none");
    }

    /// Read-only, on the exact resources the stack's plan names: both plans, the lock and the run records; both stacks' runs (which may
    /// hold the lock), services, tasks and task definitions; the recovery region's Fargate quota and usage; the alarms the move
    /// depends on; the workflow's roles to simulate; and its results in its own namespace and region.
    [Fact]
    public void Readiness_function()
    {
        RoleGrants.Expect(Primary, "readiness-function", """
            logs:CreateLogStream          | ${readiness-log-group.arn}:log-stream:*
            logs:PutLogEvents             | ${readiness-log-group.arn}:log-stream:*
            xray:PutTraceSegments         | *
            xray:PutTelemetryRecords      | *
            dynamodb:GetItem              | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name} | ForAllValues:StringEquals dynamodb:LeadingKeys=readiness#failover-primary,readiness#failover-secondary,state
            dynamodb:GetItem              | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${decision-log-table.name} | ForAllValues:StringEquals dynamodb:LeadingKeys=runs
            states:DescribeExecution      | arn:${partition}:states:us-east-1:${account-id}:execution:failover-primary-failover:*
            states:DescribeExecution      | arn:${partition}:states:us-west-2:${account-id}:execution:failover-secondary-failover:*
            states:DescribeExecution      | arn:${partition}:states:us-west-2:${account-id}:execution:failover-secondary-failover-trigger:*
            ecs:DescribeServices          | arn:${partition}:ecs:us-east-1:${account-id}:service/failover-primary/failover-primary
            ecs:DescribeServices          | arn:${partition}:ecs:us-west-2:${account-id}:service/failover-secondary/failover-secondary
            ecs:DescribeTaskDefinition    | *
            ecs:ListTasks                 | arn:${partition}:ecs:us-east-1:${account-id}:container-instance/failover-primary/* | ArnEquals ecs:cluster=arn:${partition}:ecs:us-east-1:${account-id}:cluster/failover-primary,arn:${partition}:ecs:us-west-2:${account-id}:cluster/failover-secondary
            ecs:ListTasks                 | arn:${partition}:ecs:us-west-2:${account-id}:container-instance/failover-secondary/* | ArnEquals ecs:cluster=arn:${partition}:ecs:us-east-1:${account-id}:cluster/failover-primary,arn:${partition}:ecs:us-west-2:${account-id}:cluster/failover-secondary
            ecs:DescribeTasks             | arn:${partition}:ecs:us-east-1:${account-id}:task/failover-primary/*
            ecs:DescribeTasks             | arn:${partition}:ecs:us-west-2:${account-id}:task/failover-secondary/*
            servicequotas:GetServiceQuota | arn:${partition}:servicequotas:us-east-1:${account-id}:fargate/L-3032A538
            cloudwatch:GetMetricData      | *
            cloudwatch:GetMetricStatistics | *
            cloudwatch:DescribeAlarms     | arn:${partition}:cloudwatch:us-east-1:${account-id}:alarm:failover-primary-healthy-hosts
            cloudwatch:DescribeAlarms     | arn:${partition}:cloudwatch:us-east-1:${account-id}:alarm:failover-primary-target-5xx
            cloudwatch:DescribeAlarms     | arn:${partition}:cloudwatch:us-east-1:${account-id}:alarm:failover-primary-running-tasks
            cloudwatch:DescribeAlarms     | arn:${partition}:cloudwatch:us-west-2:${account-id}:alarm:failover-primary-traffic-gate
            iam:SimulatePrincipalPolicy   | ${decide-function-role.arn}
            iam:SimulatePrincipalPolicy   | ${scale-service-function-role.arn}
            iam:SimulatePrincipalPolicy   | ${check-service-function-role.arn}
            iam:SimulatePrincipalPolicy   | ${shift-traffic-function-role.arn}
            iam:SimulatePrincipalPolicy   | ${release-lock-function-role.arn}
            iam:SimulatePrincipalPolicy   | ${scale-standby-function-role.arn}
            iam:SimulatePrincipalPolicy   | ${workflow-role.arn}
            cloudwatch:PutMetricData      | * | StringEquals aws:RequestedRegion=us-east-1; StringEquals cloudwatch:namespace=Failover/Readiness
            """);
        RoleGrants.Expect(Secondary, "readiness-function", """
            logs:CreateLogStream          | ${readiness-log-group.arn}:log-stream:*
            logs:PutLogEvents             | ${readiness-log-group.arn}:log-stream:*
            xray:PutTraceSegments         | *
            xray:PutTelemetryRecords      | *
            dynamodb:GetItem              | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${primary-stack.outputs["controlTableName"]} | ForAllValues:StringEquals dynamodb:LeadingKeys=readiness#failover-secondary,readiness#failover-primary,state
            dynamodb:GetItem              | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${primary-stack.outputs["decisionTableName"]} | ForAllValues:StringEquals dynamodb:LeadingKeys=runs
            states:DescribeExecution      | arn:${partition}:states:us-west-2:${account-id}:execution:failover-secondary-failover:*
            states:DescribeExecution      | arn:${partition}:states:us-west-2:${account-id}:execution:failover-secondary-failover-trigger:*
            states:DescribeExecution      | arn:${partition}:states:us-east-1:${account-id}:execution:failover-primary-failover:*
            ecs:DescribeServices          | arn:${partition}:ecs:us-west-2:${account-id}:service/failover-secondary/failover-secondary
            ecs:DescribeServices          | arn:${partition}:ecs:us-east-1:${account-id}:service/failover-primary/failover-primary
            ecs:DescribeTaskDefinition    | *
            ecs:ListTasks                 | arn:${partition}:ecs:us-west-2:${account-id}:container-instance/failover-secondary/* | ArnEquals ecs:cluster=arn:${partition}:ecs:us-west-2:${account-id}:cluster/failover-secondary,arn:${partition}:ecs:us-east-1:${account-id}:cluster/failover-primary
            ecs:ListTasks                 | arn:${partition}:ecs:us-east-1:${account-id}:container-instance/failover-primary/* | ArnEquals ecs:cluster=arn:${partition}:ecs:us-west-2:${account-id}:cluster/failover-secondary,arn:${partition}:ecs:us-east-1:${account-id}:cluster/failover-primary
            ecs:DescribeTasks             | arn:${partition}:ecs:us-west-2:${account-id}:task/failover-secondary/*
            ecs:DescribeTasks             | arn:${partition}:ecs:us-east-1:${account-id}:task/failover-primary/*
            servicequotas:GetServiceQuota | arn:${partition}:servicequotas:us-west-2:${account-id}:fargate/L-3032A538
            cloudwatch:GetMetricData      | *
            cloudwatch:GetMetricStatistics | *
            cloudwatch:DescribeAlarms     | arn:${partition}:cloudwatch:us-east-1:${account-id}:alarm:failover-primary-healthy-hosts
            cloudwatch:DescribeAlarms     | arn:${partition}:cloudwatch:us-east-1:${account-id}:alarm:failover-primary-target-5xx
            cloudwatch:DescribeAlarms     | arn:${partition}:cloudwatch:us-east-1:${account-id}:alarm:failover-primary-running-tasks
            cloudwatch:DescribeAlarms     | arn:${partition}:cloudwatch:us-west-2:${account-id}:alarm:failover-primary-traffic-gate
            cloudwatch:DescribeAlarms     | arn:${partition}:cloudwatch:us-east-1:${account-id}:alarm:failover-primary-route53-endpoint
            cloudwatch:DescribeAlarms     | arn:${partition}:cloudwatch:us-east-1:${account-id}:alarm:failover-primary-route53-region
            iam:SimulatePrincipalPolicy   | ${decide-function-role.arn}
            iam:SimulatePrincipalPolicy   | ${scale-service-function-role.arn}
            iam:SimulatePrincipalPolicy   | ${check-service-function-role.arn}
            iam:SimulatePrincipalPolicy   | ${shift-traffic-function-role.arn}
            iam:SimulatePrincipalPolicy   | ${release-lock-function-role.arn}
            iam:SimulatePrincipalPolicy   | ${workflow-role.arn}
            cloudwatch:PutMetricData      | * | StringEquals aws:RequestedRegion=us-west-2; StringEquals cloudwatch:namespace=Failover/Readiness
            """);
        // Eventual consistency: the run records share the control table, so one read covers them.
        RoleGrants.Grants(RoleGrants.EventualSecondary.Value, "readiness-function").Where(g => g.Action.StartsWith("dynamodb:", StringComparison.Ordinal))
            .Select(g => g.ToString()).Should().Equal(
                """dynamodb:GetItem | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${primary-stack.outputs["controlTableName"]} | ForAllValues:StringEquals dynamodb:LeadingKeys=readiness#failover-secondary,readiness#failover-primary,state,runs""");
        // A private ECR image: its digest in that repository and in its replica in the peer's region, where same-image resolves the
        // peer's tag; a public image (above) needs none.
        RoleGrants.Grants(TestStacks.Program("primary"), "readiness-function").Where(g => g.Action.StartsWith("ecr:", StringComparison.Ordinal))
            .Select(g => g.ToString()).Should().Equal(
                "ecr:DescribeImages | arn:${partition}:ecr:us-east-1:123456789012:repository/app",
                "ecr:DescribeImages | arn:${partition}:ecr:us-west-2:123456789012:repository/app");
        // No secret reads: the task definition takes no secrets.
        RoleGrants.Grants(Primary, "readiness-function").Should().NotContain(g => g.Action.StartsWith("secretsmanager:", StringComparison.Ordinal) || g.Action.StartsWith("ssm:", StringComparison.Ordinal));
    }

    /// role-permissions simulates every grant a workflow step holds, "*" ones too, with the values the step sends: shift-traffic's
    /// PutMetricData on "*" in the gate's namespace and switch region is what moves a metric gate.
    [Fact]
    public void The_readiness_plan_simulates_the_unscoped_grant_that_moves_the_metric_gate()
    {
        var item = (Map)((ToJson)Primary.Resource("readiness-plan").Prop("item")!).Body;
        var plan = (Map)((ToJson)((Map)item.Entries["plan"]).Entries["S"]).Body;
        var shift = ((Seq)plan.Entries["roles"]).Items.Cast<Map>().Single(r => ((Str)r.Entries["step"]).Text == "shift-traffic");
        var publish = ((Seq)shift.Entries["permissions"]).Items.Cast<Map>()
            .Where(p => ((Str)p.Entries["action"]).Text == "cloudwatch:PutMetricData").ToList();

        publish.Should().NotBeEmpty().And.OnlyContain(p => ((Str)p.Entries["resource"]).Text == "*");
        publish.Select(p => string.Join("; ", ((Seq)p.Entries["context"]).Items.Cast<Map>()
                .Select(c => $"{((Str)c.Entries["key"]).Text}={string.Join(",", ((Seq)c.Entries["values"]).Items.Cast<Str>().Select(v => v.Text))}")))
            .Should().Contain("cloudwatch:namespace=Failover/TrafficGate/failover-primary; aws:RequestedRegion=us-west-2");
    }

    /// Its one function, nothing else.
    [Fact]
    public void Readiness_schedule()
    {
        RoleGrants.Expect(Primary, "readiness-schedule", """
            lambda:InvokeFunction | arn:${partition}:lambda:us-east-1:${account-id}:function:failover-primary-readiness
            """);
        RoleGrants.Expect(Secondary, "readiness-schedule", """
            lambda:InvokeFunction | arn:${partition}:lambda:us-west-2:${account-id}:function:failover-secondary-readiness
            """);
    }

    /// The operators: the flag item (whole, in either replica), the operators' entry point and its runs; no function, no lock,
    /// no run's history (a running run's history holds its lock token), and in the secondary not the triggers' entry point.
    [Fact]
    public void Operator()
    {
        RoleGrants.Expect(Primary, "operator", $$"""
            dynamodb:PutItem         | {{RoleGrants.PrimaryControlTable}} | ForAllValues:StringEquals dynamodb:LeadingKeys=flag
            dynamodb:DeleteItem      | {{RoleGrants.PrimaryControlTable}} | ForAllValues:StringEquals dynamodb:LeadingKeys=flag
            dynamodb:PutItem         | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${control-table.name} | ForAllValues:StringEquals dynamodb:LeadingKeys=flag
            dynamodb:DeleteItem      | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${control-table.name} | ForAllValues:StringEquals dynamodb:LeadingKeys=flag
            dynamodb:GetItem         | {{RoleGrants.PrimaryControlTable}} | ForAllValues:StringLike dynamodb:LeadingKeys=flag,state,notice#*
            dynamodb:GetItem         | arn:${partition}:dynamodb:us-west-2:${account-id}:table/${control-table.name} | ForAllValues:StringLike dynamodb:LeadingKeys=flag,state,notice#*
            states:StartExecution    | ${workflow.arn}
            states:ListExecutions    | arn:${partition}:states:us-east-1:${account-id}:stateMachine:failover-primary-failover
            states:DescribeExecution | arn:${partition}:states:us-east-1:${account-id}:execution:failover-primary-failover:*
            """);
        RoleGrants.Expect(Secondary, "operator", $$"""
            dynamodb:PutItem         | {{RoleGrants.SecondaryControlTable}} | ForAllValues:StringEquals dynamodb:LeadingKeys=flag
            dynamodb:DeleteItem      | {{RoleGrants.SecondaryControlTable}} | ForAllValues:StringEquals dynamodb:LeadingKeys=flag
            dynamodb:PutItem         | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${primary-stack.outputs["controlTableName"]} | ForAllValues:StringEquals dynamodb:LeadingKeys=flag
            dynamodb:DeleteItem      | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${primary-stack.outputs["controlTableName"]} | ForAllValues:StringEquals dynamodb:LeadingKeys=flag
            dynamodb:GetItem         | {{RoleGrants.SecondaryControlTable}} | ForAllValues:StringLike dynamodb:LeadingKeys=flag,state,notice#*
            dynamodb:GetItem         | arn:${partition}:dynamodb:us-east-1:${account-id}:table/${primary-stack.outputs["controlTableName"]} | ForAllValues:StringLike dynamodb:LeadingKeys=flag,state,notice#*
            states:StartExecution    | ${workflow.arn}
            states:ListExecutions    | arn:${partition}:states:us-west-2:${account-id}:stateMachine:failover-secondary-failover
            states:ListExecutions    | arn:${partition}:states:us-west-2:${account-id}:stateMachine:failover-secondary-failover-trigger
            states:DescribeExecution | arn:${partition}:states:us-west-2:${account-id}:execution:failover-secondary-failover:*
            states:DescribeExecution | arn:${partition}:states:us-west-2:${account-id}:execution:failover-secondary-failover-trigger:*
            """);
    }

    [Fact]
    public void Every_role_of_either_stack_has_its_table_here()
    {
        RoleGrants.RoleNames(Primary).Should().BeEquivalentTo("task-execution", "decide-function", "scale-service-function", "check-service-function",
            "shift-traffic-function", "release-lock-function", "scale-standby-function", "workflow", "forward-alarms-rule", "notices-to-peer-rule", "operator",
            "readiness-function", "readiness-schedule");
        RoleGrants.RoleNames(Secondary).Should().BeEquivalentTo("task-execution", "decide-function", "scale-service-function", "check-service-function",
            "shift-traffic-function", "release-lock-function", "workflow", "start-on-alarm-rule", "probe-schedule", "notices-to-peer-rule", "operator",
            "readiness-function", "readiness-schedule");
    }

    [Fact]
    public void The_iam_guide_names_every_granted_action_and_every_unscoped_action()
    {
        var section = File.ReadAllText(Repo.Path("docs", "iam.md"));
        var granted = RoleGrants.Checked.Values.Select(p => p()).SelectMany(p => RoleGrants.RoleNames(p).SelectMany(r => RoleGrants.Grants(p, r)))
            .Select(g => g.Action).Concat(UnscopedActions.Allowlist.Keys).Distinct();
        granted.Where(a => !section.Contains($"`{a}`", StringComparison.Ordinal)).Should().BeEmpty("docs/iam.md's tables list every action a role is granted");
    }

    public static TheoryData<string> Programs => new(RoleGrants.Checked.Keys);

    [Theory]
    [MemberData(nameof(Programs))]
    public void No_role_grants_a_wildcard_action(string name)
    {
        var program = RoleGrants.Checked[name]();
        var actions = RoleGrants.RoleNames(program)
            .SelectMany(r => RoleGrants.Statements(program, r).Concat(RoleGrants.TrustStatements(program, r)))
            .SelectMany(RoleGrants.Actions).ToList();
        actions.Should().NotBeEmpty().And.OnlyContain(a => !a.Contains('*') && a.Contains(':'));
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Every_star_resource_is_on_an_action_of_the_unscoped_allowlist(string name)
    {
        var program = RoleGrants.Checked[name]();
        var onStar = RoleGrants.RoleNames(program).SelectMany(r => RoleGrants.Grants(program, r).Select(g => (Role: r, Grant: g)))
            .Where(g => g.Grant.Resource == "*").ToList();
        onStar.Should().NotBeEmpty();
        onStar.Where(g => !UnscopedActions.Allowlist.ContainsKey(g.Grant.Action)).Select(g => $"{g.Role}: {g.Grant.Action}")
            .Should().BeEmpty("only actions without a resource type go on \"*\" (Iam/UnscopedActions.cs)");
        // "*" alone, never a service-wide pattern such as arn:aws:ecs:*:*:*. The one literal ARN: a role from config
        // (recoveryTasks roleArns), passed verbatim and only whole.
        RoleGrants.RoleNames(program).SelectMany(r => RoleGrants.Grants(program, r))
            .Where(g => g.Resource != "*" && !(g.Action == "iam:PassRole" && ConfiguredRoleArn().IsMatch(g.Resource))).Select(g => g.Resource)
            .Should().OnlyContain(r => r.StartsWith("arn:${partition}:", StringComparison.Ordinal) || r.StartsWith("${", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]+$")]
    private static partial Regex ConfiguredRoleArn();

    [Theory]
    [MemberData(nameof(Programs))]
    public void Every_trust_policy_lets_in_one_service_for_this_account_and_only_its_own_source_where_the_service_sends_one(string name)
    {
        var program = RoleGrants.Checked[name]();
        var region = ((Str)program.Outputs["region"]).Text;
        foreach (var role in RoleGrants.RoleNames(program).Where(r => r != "operator"))
        {
            var statement = RoleGrants.TrustStatements(program, role).Should().ContainSingle($"{role} has one trust statement").Subject;
            var (service, sourceArn) = RoleGrants.AssumedBy(program, role) switch
            {
                { Type: "aws:lambda/function:Function" } => ("lambda.amazonaws.com", (string?)null),
                { Type: "aws:ecs/taskDefinition:TaskDefinition" } => ("ecs-tasks.amazonaws.com", null),
                { Type: "aws:sfn/stateMachine:StateMachine" } => ("states.amazonaws.com", string.Join(",",
                    RoleGrants.Users(program, role).Select(m => $"arn:${{partition}}:states:{region}:${{account-id}}:stateMachine:{m.Text("name")}"))),
                { Type: "aws:cloudwatch/eventTarget:EventTarget" } target => ("events.amazonaws.com",
                    $"arn:${{partition}}:events:{RegionOf(program, target)}:${{account-id}}:rule/{program.Resource(((Ref)target.Prop("rule")!).Target).Text("name")}"),
                { Type: "aws:scheduler/schedule:Schedule" } schedule => ("scheduler.amazonaws.com",
                    $"arn:${{partition}}:scheduler:{region}:${{account-id}}:schedule-group/{program.Resource(((Ref)schedule.Prop("groupName")!).Target).Text("name")}"),
                var other => throw new Xunit.Sdk.XunitException($"{role} is assumed by {other.Name} ({other.Type}), which this test does not know"),
            };
            RoleGrants.Text(statement.Entries["Effect"]).Should().Be("Allow");
            RoleGrants.Actions(statement).Should().Equal(["sts:AssumeRole"], role);
            var principal = (Map)statement.Entries["Principal"];
            principal.Entries.Keys.Should().Equal(["Service"], role);
            RoleGrants.Text(principal.Entries["Service"]).Should().Be(service, role);
            // Lambda and ECS tasks send aws:SourceAccount only (no documented aws:SourceArn for assuming an execution role):
            // a key the service does not send would stop every function or task. Step Functions, EventBridge and Scheduler send their source.
            RoleGrants.Conditions(statement).Should().Equal(sourceArn is null
                ? ["StringEquals aws:SourceAccount=${account-id}"]
                : [$"ArnLike aws:SourceArn={sourceArn}", "StringEquals aws:SourceAccount=${account-id}"], role);
        }
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void The_operator_role_is_assumed_by_principals_of_this_account_as_their_own_policies_allow_and_by_no_service(string name)
    {
        var program = RoleGrants.Checked[name]();
        var statement = RoleGrants.TrustStatements(program, "operator").Should().ContainSingle().Subject;
        var principal = (Map)statement.Entries["Principal"];
        principal.Entries.Keys.Should().Equal(["AWS"]);
        RoleGrants.Text(principal.Entries["AWS"]).Should().Be("arn:${partition}:iam::${account-id}:root");
        RoleGrants.Actions(statement).Should().Equal(["sts:AssumeRole"]);
        RoleGrants.Users(program, "operator").Should().BeEmpty("no resource runs as the operators");
    }

    private static string RegionOf(PulumiProgram program, Resource resource) =>
        resource.Options.Provider is { } provider ? provider.Text("region")! : ((Str)program.Outputs["region"]).Text;

    [Theory]
    [MemberData(nameof(Programs))]
    public void No_role_has_a_managed_policy(string name)
    {
        var program = RoleGrants.Checked[name]();
        program.Resources.Where(r => r.Type.Contains("PolicyAttachment", StringComparison.Ordinal) || r.Type == "aws:iam/policy:Policy"
                || r.Type == "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive" || r.Type == "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive")
            .Select(r => r.Name).Should().BeEmpty("each role carries exactly one inline least-privilege policy");
        program.OfType("aws:iam/role:Role").Where(r => r.Prop("managedPolicyArns") is not null || r.Prop("inlinePolicies") is not null)
            .Select(r => r.Name).Should().BeEmpty();
        program.OfType("aws:iam/rolePolicy:RolePolicy").Select(p => p.Prop("role")).Should()
            .OnlyHaveUniqueItems("one inline policy per role").And.HaveCount(RoleGrants.RoleNames(program).Count);
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void No_policy_grants_log_group_creation(string name)
    {
        var program = RoleGrants.Checked[name]();
        RoleGrants.RoleNames(program).SelectMany(r => RoleGrants.Grants(program, r)).Select(g => g.Action)
            .Should().NotContain("logs:CreateLogGroup", "Pulumi creates every log group, with its retention");
    }

    [Fact]
    public void Strong_consistency_grants_no_peer_replica_read()
    {
        foreach (var (program, peer) in new[] { (Primary, "us-west-2"), (Secondary, "us-east-1") })
        {
            ((Str)program.Outputs["controlTableConsistency"]).Text.Should().Be("strong");
            // The operators set the flag in either replica (failoverctl writes where it can); the functions use their own.
            RoleGrants.RoleNames(program).Where(r => r != "operator").SelectMany(r => RoleGrants.Grants(program, r))
                .Where(g => g.Resource.StartsWith($"arn:${{partition}}:dynamodb:{peer}:", StringComparison.Ordinal))
                .Should().BeEmpty("with one strongly consistent table, every function uses its own region's replica");
        }
    }

    [Theory]
    [InlineData("primary", "arn:${partition}:dynamodb:us-west-2:${account-id}:table/${control-table.name}")]
    [InlineData("secondary", "arn:${partition}:dynamodb:us-east-1:${account-id}:table/${primary-stack.outputs[\"controlTableName\"]}")]
    public void Eventual_consistency_lets_decide_read_the_peer_replica_and_nothing_more(string role, string peerReplica)
    {
        var program = role == "primary" ? RoleGrants.EventualPrimary.Value : RoleGrants.EventualSecondary.Value;
        var peer = ((Str)program.Outputs["peerRegion"]).Text;
        var onPeer = RoleGrants.RoleNames(program).Where(r => r != "operator").SelectMany(r => RoleGrants.Grants(program, r).Select(g => $"{r}: {g.Action} | {g.Resource}"))
            .Where(g => g.Contains($":dynamodb:{peer}:", StringComparison.Ordinal));
        onPeer.Should().Equal($"decide-function: dynamodb:GetItem | {peerReplica}");
    }
}

/// One grant: an action on one resource, with the statement's conditions.
internal sealed record Grant(string Action, string Resource, string Condition)
{
    public override string ToString() => Condition.Length == 0 ? $"{Action} | {Resource}" : $"{Action} | {Resource} | {Condition}";
}

/// Reads roles, their inline policies and trust policies out of a compiled program.
internal static class RoleGrants
{
    public static readonly Lazy<PulumiProgram> Primary = new(() => Shipped("primary"));

    /// The control table's replica in each stack's region, as its grants name it.
    public const string PrimaryControlTable = "arn:${partition}:dynamodb:us-east-1:${account-id}:table/${control-table.name}";
    public const string SecondaryControlTable = "arn:${partition}:dynamodb:us-west-2:${account-id}:table/${primary-stack.outputs[\"controlTableName\"]}";
    public static readonly Lazy<PulumiProgram> Secondary = new(() => Shipped("secondary"));
    public static readonly Lazy<PulumiProgram> EventualPrimary = new(() => TestStacks.Program("primary", ("controlTableConsistency", "eventual")));
    public static readonly Lazy<PulumiProgram> EventualSecondary = new(() => TestStacks.Program("secondary", ("controlTableConsistency", "eventual")));
    public static readonly Lazy<PulumiProgram> SecondaryWithRecovery = new(() => RecoveryTaskExamples.Program("secondary"));
    public static readonly Lazy<PulumiProgram> PrimaryWithRecovery = new(() => RecoveryTaskExamples.Program("primary"));
    public static readonly Lazy<PulumiProgram> ScheduledDrill = new(() => TestStacks.Program("secondary", TestStacks.DrillSchedule));

    /// The programs the invariants hold for: the shipped stacks, both consistency modes, a private image, each DNS mode, a pilot
    /// light, recovery tasks, a drill schedule.
    public static readonly IReadOnlyDictionary<string, Func<PulumiProgram>> Checked = new Dictionary<string, Func<PulumiProgram>>
    {
        ["primary"] = () => Primary.Value,
        ["secondary"] = () => Secondary.Value,
        ["eventual-primary"] = () => EventualPrimary.Value,
        ["eventual-secondary"] = () => EventualSecondary.Value,
        ["ecr-image"] = () => TestStacks.Program("primary"),
        ["endpoint"] = () => TestStacks.Program("primary", ("dnsFailover", "endpoint")),
        ["automatic"] = () => TestStacks.Program("secondary", ("dnsFailover", "automatic")),
        ["pilot-light"] = () => TestStacks.Program("secondary", ("standbyCount", "0")),
        ["secondary-recovery"] = () => SecondaryWithRecovery.Value,
        ["primary-recovery"] = () => PrimaryWithRecovery.Value,
        ["scheduled-drill"] = () => ScheduledDrill.Value,
    };

    /// What `infra/compile.sh --stack NAME` compiles: Pulumi.yaml and Pulumi.NAME.yaml.
    private static PulumiProgram Shipped(string stack)
    {
        var result = ConfigParser.Parse(StackInputs.FromFiles(Repo.Root, stack));
        result.Errors.Should().BeEmpty();
        return RegionStack.Build(result.Config!);
    }

    /// Roles by the logical name the program gives them without the `-role` suffix (`decide-function`, `workflow`).
    public static IReadOnlyList<string> RoleNames(PulumiProgram program) =>
        program.OfType("aws:iam/role:Role").Select(r => r.Name.EndsWith("-role", StringComparison.Ordinal) ? r.Name[..^"-role".Length] : r.Name).ToList();

    public static Resource Role(PulumiProgram program, string role) => program.Resource($"{role}-role");

    /// The statements of every inline policy attached to the role.
    public static IEnumerable<Map> Statements(PulumiProgram program, string role) =>
        program.OfType("aws:iam/rolePolicy:RolePolicy")
            .Where(p => p.Prop("role") is Ref { Path: "id" or "name" } r && r.Target == Role(program, role).Name)
            .SelectMany(p => StatementsOf(p.Prop("policy")));

    public static IEnumerable<Map> TrustStatements(PulumiProgram program, string role) => StatementsOf(Role(program, role).Prop("assumeRolePolicy"));

    private static IEnumerable<Map> StatementsOf(Value? document) => document is ToJson { Body: Map body } && body.Entries["Statement"] is Seq statements
        ? statements.Items.Cast<Map>()
        : throw new Xunit.Sdk.XunitException("a policy document is an fn::toJSON of {Version, Statement}");

    /// Every (action, resource) an Allow statement of the role's policies grants; a Deny statement would show as `deny ACTION`.
    public static IReadOnlyList<Grant> Grants(PulumiProgram program, string role) =>
        Statements(program, role).SelectMany(s =>
        {
            var effect = Text(s.Entries["Effect"]);
            var condition = string.Join("; ", Conditions(s));
            var resources = s.Entries["Resource"] is Seq seq ? seq.Items.Select(Text) : [Text(s.Entries["Resource"])];
            return Actions(s).SelectMany(a => resources.Select(r => new Grant(effect == "Allow" ? a : $"deny {a}", r, condition)));
        }).ToList();

    public static IReadOnlyList<string> Actions(Map statement) =>
        statement.Entries["Action"] is Seq seq ? seq.Items.Select(Text).ToList() : [Text(statement.Entries["Action"])];

    /// `OPERATOR KEY=VALUE[,VALUE]`, sorted, as the tables write them.
    public static IReadOnlyList<string> Conditions(Map statement) => statement.Entries.TryGetValue("Condition", out var condition)
        ? ((Map)condition).Entries.OrderBy(o => o.Key, StringComparer.Ordinal)
            .SelectMany(o => ((Map)o.Value).Entries.OrderBy(k => k.Key, StringComparer.Ordinal)
                .Select(k => $"{o.Key} {k.Key}={string.Join(",", k.Value is Seq values ? values.Items.Select(Text) : [Text(k.Value)])}"))
            .ToList()
        : [];

    /// A string as the program writes it: literal text, `${reference}`, or both.
    public static string Text(Value value) => value switch
    {
        Str s => s.Text,
        Ref r => r.Interpolated,
        Interpolation i => string.Concat(i.Parts.Select(p => p is Str s ? s.Text : p.Interpolated)),
        _ => throw new Xunit.Sdk.XunitException($"expected text in a policy, got {value.GetType().Name}"),
    };

    /// The resource that runs as the role: a function (`role`), a task definition (`executionRoleArn`), a state machine (`roleArn`).
    public static Resource AssumedBy(PulumiProgram program, string role)
    {
        var users = Users(program, role);
        // The workflow role runs both of the secondary's entry points, which differ only in what a start may claim.
        if (users.Count == 2 && users.All(u => u.Type == "aws:sfn/stateMachine:StateMachine")) return users[0];
        return users.Should().ContainSingle($"one resource runs as {role}").Subject;
    }

    /// The resources that run as `role`.
    public static IReadOnlyList<Resource> Users(PulumiProgram program, string role)
    {
        var arn = new Ref(Role(program, role).Name, "arn");
        return [.. program.Resources.Where(r => Equals(r.Prop("role"), arn) || Equals(r.Prop("executionRoleArn"), arn)
            || Equals(r.Prop("taskRoleArn"), arn) || Equals(r.Prop("roleArn"), arn) || Equals(r.Prop("target.roleArn"), arn))];
    }

    /// The role's grants must be exactly the table's rows (`action | resource [| condition]`, one per line).
    public static void Expect(PulumiProgram program, string role, string table)
    {
        var expected = table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Select(cells => new Grant(cells[0], cells[1], cells.Length > 2 ? cells[2] : "")).ToList();
        var actual = Grants(program, role);
        var missing = expected.Except(actual).ToList();
        var extra = actual.Except(expected).ToList();
        if (missing.Count + extra.Count == 0 && actual.Count == expected.Count) return;
        throw new Xunit.Sdk.XunitException(
            $"{role} in {program.Description}:\n" +
            (extra.Count > 0 ? $"  granted but not in the table:\n{string.Join("\n", extra.Select(g => $"    {g}"))}\n" : "") +
            (missing.Count > 0 ? $"  in the table but not granted:\n{string.Join("\n", missing.Select(g => $"    {g}"))}\n" : "") +
            (missing.Count + extra.Count == 0 ? $"  a grant is repeated: {string.Join(", ", actual.GroupBy(g => g).Where(g => g.Count() > 1).Select(g => g.Key))}\n" : "") +
            "Update the table here and docs/iam.md together, or remove the grant.");
    }
}
