using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Golden;

public sealed class ProgramPartsTests
{
    private static string Program(Value definition)
    {
        var program = new PulumiProgram("p", "d", ProviderVersions.Pinned);
        program.Add(new Resource { Name = "workflow", Type = "aws:sfn/stateMachine:StateMachine", Properties = Map.Of(("definition", new ToJson(definition)), ("name", "wf")) });
        program.Add(new Resource
        {
            Name = "role-policy",
            Type = "aws:iam/rolePolicy:RolePolicy",
            Properties = Map.Of(("policy", new ToJson(Map.Of(("Version", "2012-10-17"))))),
        });
        return YamlWriter.Write(program);
    }

    private static readonly Value Definition = Map.Of(
        ("StartAt", "Go"),
        ("States", Map.Of(("Go", Map.Of(
            ("Type", "Task"),
            ("Resource", Value.Format($"arn:{new Ref("partition")}:states:::lambda:invoke")),
            ("Parameters", Map.Of(("executionId.$", "$$.Execution.Id"), ("empty", Value.List()))),
            ("TimeoutSeconds", 30),
            ("End", true))))));

    [Fact]
    public void A_state_machine_definition_is_kept_as_the_json_step_functions_reads_and_the_yaml_names_its_file()
    {
        var parts = ProgramParts.Split(Program(Definition), "primary");

        parts.FileNames.Should().Equal("primary.yaml", "primary.workflow.json");
        parts.Files[".yaml"].Should().Contain("      definition:\n        fn::toJSON: \"<primary.workflow.json>\"\n      name: \"wf\"")
            .And.Contain("\"2012-10-17\"", "only state machine definitions move out");
        parts.Files[".workflow.json"].Should().Contain("\"Resource\": \"arn:${partition}:states:::lambda:invoke\"")
            .And.Contain("\"executionId.$\": \"$$.Execution.Id\"", "Pulumi reads `$$` as `$`: the JSON shows what Step Functions gets")
            .And.Contain("\"TimeoutSeconds\": 30").And.Contain("\"End\": true").And.Contain("\"empty\": []");
    }

    [Fact]
    public void Joining_the_parts_gives_back_the_program_byte_for_byte()
    {
        var program = Program(Definition);

        ProgramParts.Split(program, "primary").Join().Should().Be(program);
    }

    [Fact]
    public void A_definition_the_json_would_not_give_back_exactly_is_refused()
    {
        // A literal `${` reads back from the JSON as a reference.
        var act = () => ProgramParts.Split(Program(Map.Of(("Comment", "costs ${cost}"))), "primary");

        act.Should().Throw<InvalidDataException>().WithMessage("the definition of workflow does not read back from JSON as written*");
    }
}
