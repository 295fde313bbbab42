using Failover.Contract;
using Failover.Infra.Control;
using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Control;

/// The functions, the control table and the workflow as each stack deploys them.
public sealed class OrchestrationTests
{
    public static TheoryData<string> Handlers => new(FunctionContract.All.Select(h => h.Name));

    /// Each function's timeout, stated here rather than read back from the table the compiler builds it from: a change is a
    /// decision a reviewer sees in both places (the workflow's task timeouts and the recovery-time budget depend on them).
    private static readonly IReadOnlyDictionary<string, int> TimeoutSeconds = new Dictionary<string, int>
    {
        [HandlerNames.Decide] = 30, [HandlerNames.ScaleService] = 30, [HandlerNames.CheckService] = 20,
        [HandlerNames.ShiftTraffic] = 90, [HandlerNames.ReleaseLock] = 20, [HandlerNames.Readiness] = 60,
    };

    [Theory]
    [MemberData(nameof(Handlers))]
    public void Each_handler_is_a_native_function_from_the_published_zip_with_its_own_role_log_group_and_tracing(string handler)
    {
        var program = TestStacks.Program("secondary");
        var function = program.Resource($"{handler}-function");

        function.Text("runtime").Should().Be("provided.al2023");
        function.Text("handler").Should().Be(handler);
        function.Prop("architectures").Should().BeEquivalentTo(Value.List("x86_64"), o => o.RespectingRuntimeTypes());
        function.Prop("code").Should().Be(new FileArchive("functions/dist/lambda.zip"));
        function.Number("memorySize").Should().Be(256, "Lambda gives CPU in proportion to memory, and TLS handshakes are CPU-bound at 128 MB");
        function.Number("timeout").Should().Be(TimeoutSeconds[handler]);
        function.Text("tracingConfig.mode").Should().Be("Active");
        function.Text("loggingConfig.logFormat").Should().Be("JSON");
        function.Prop("loggingConfig.logGroup").Should().Be(new Ref($"{handler}-log-group", "name"));
        function.Prop("role").Should().Be(new Ref($"{handler}-function-role", "arn"));
        program.Resource($"{handler}-log-group").Number("retentionInDays").Should().Be(30);
        function.Text("environment.variables.DOTNET_GCgen0size").Should().Be("200000");
    }

    [Fact]
    public void The_strong_default_has_a_witness_no_ttl_and_a_separate_decision_log_with_ttl()
    {
        var program = TestStacks.Program("primary");
        var control = program.Resource("control-table");
        var log = program.Resource("decision-log-table");

        control.Text("globalTableWitness.regionName").Should().Be("us-east-2");
        control.Text("replicas[0].regionName").Should().Be("us-west-2");
        control.Text("replicas[0].consistencyMode").Should().Be("STRONG");
        control.Prop("ttl").Should().BeNull("multi-Region strong consistency does not support TTL");
        log.Text("replicas[0].consistencyMode").Should().Be("EVENTUAL");
        log.Text("ttl.attributeName").Should().Be("ttl");
        foreach (var table in new[] { control, log })
        {
            table.Text("billingMode").Should().Be("PAY_PER_REQUEST");
            table.Prop("pointInTimeRecovery.enabled").Should().Be(new Bool(true));
            table.Prop("deletionProtectionEnabled").Should().Be(new Bool(true));
            table.Options.Protect.Should().BeTrue();
        }
        program.Resource("decide-function").Prop($"environment.variables.{EnvNames.DecisionTableName}").Should().Be(new Ref("decision-log-table", "name"));
        program.Resource("decide-function").Prop($"environment.variables.{EnvNames.ControlTablePeerRegion}").Should().BeNull();
    }

    [Fact]
    public void An_eventual_table_expires_decisions_itself_and_decide_reads_the_peer_replica()
    {
        var program = TestStacks.Program("primary", ("controlTableConsistency", "eventual"));
        var control = program.Resource("control-table");

        control.Text("replicas[0].consistencyMode").Should().Be("EVENTUAL");
        control.Prop("globalTableWitness").Should().BeNull();
        control.Text("ttl.attributeName").Should().Be("ttl");
        program.Resources.Should().NotContain(r => r.Name == "decision-log-table");
        program.Resource("decide-function").Text($"environment.variables.{EnvNames.ControlTablePeerRegion}").Should().Be("us-west-2");
    }

    [Fact]
    public void The_secondary_owns_no_table_and_reads_the_primarys_through_a_stack_reference()
    {
        var program = TestStacks.Program("secondary");
        var decide = program.Resource("decide-function");

        program.OfType("aws:dynamodb/table:Table").Should().BeEmpty();
        program.Resource("primary-stack").Text("name").Should().Be("organization/failover/primary");
        decide.Prop($"environment.variables.{EnvNames.ControlTableName}").Should().Be(new Ref("primary-stack", "outputs[\"controlTableName\"]"));
        TestStacks.Program("secondary", ("trafficGate", "route53-api")).Resource("shift-traffic-function").Prop($"environment.variables.{EnvNames.GateHealthCheckId}")
            .Should().Be(new Ref("primary-stack", "outputs[\"gateHealthCheckId\"]"), "failover closes the primary's gate");
        decide.Prop($"environment.variables.{EnvNames.PrimaryProbeUrl}").Should().Be(new Ref("primary-stack", "outputs[\"probeUrl\"]"), "decide probes the primary itself");
        decide.Prop($"environment.variables.{EnvNames.PrimaryEndpointHealthCheckId}").Should().Be(new Ref("primary-stack", "outputs[\"endpointHealthCheckId\"]"));
    }

    [Fact]
    public void The_primary_scales_the_secondary_back_through_a_function_in_its_own_region_that_calls_the_peer()
    {
        var program = TestStacks.Program("primary");
        var standby = program.Resource("scale-standby-function");

        standby.Text("handler").Should().Be(HandlerNames.ScaleService);
        standby.Text($"environment.variables.{EnvNames.ServiceRegion}").Should().Be("us-west-2");
        standby.Text($"environment.variables.{EnvNames.ClusterName}").Should().Be("failover-secondary");
        standby.Text($"environment.variables.{EnvNames.ServiceName}").Should().Be("failover-secondary");
        TestStacks.Program("secondary").Resource("service").Text("name").Should().Be("failover-secondary", "the name the primary addresses");
    }

    [Fact]
    public void The_workflow_is_a_standard_state_machine_logging_errors_with_tracing_on()
    {
        var workflow = TestStacks.Program("secondary").Resource("workflow");

        workflow.Text("type").Should().Be("STANDARD");
        workflow.Text("name").Should().Be("failover-secondary-failover");
        workflow.Text("loggingConfiguration.level").Should().Be("ERROR");
        workflow.Prop("loggingConfiguration.logDestination").Should()
            .BeEquivalentTo(Value.Format($"{new Ref("workflow-log-group", "arn")}:*"), o => o.RespectingRuntimeTypes());
        workflow.Prop("tracingConfiguration.enabled").Should().Be(new Bool(true));
        workflow.Prop("definition").Should().BeOfType<ToJson>();
    }

    [Fact]
    public void Decide_repeats_a_notice_already_announced_at_the_configured_interval()
    {
        TestStacks.Program("secondary").Resource("decide-function").Text("environment.variables.NOTICE_REPEAT_MINUTES").Should().Be("30");
        TestStacks.Program("secondary", ("noticeRepeatMinutes", "45")).Resource("decide-function").Text("environment.variables.NOTICE_REPEAT_MINUTES")
            .Should().Be("45");
    }

    [Fact]
    public void Every_retryable_error_type_of_the_functions_is_retried_and_no_rejected_one_is()
    {
        var retried = WorkflowDefinition.OutcomeUnknownErrors.Concat(ErrorTypes.Retryable).ToList();

        retried.Should().Contain(ErrorTypes.AwsThrottled).And.Contain(ErrorTypes.AwsUnreachable);
        retried.Should().NotContain(ErrorTypes.All.Where(e => e.Value.Category == ErrorCategory.Rejected).Select(e => e.Key));
    }
}
