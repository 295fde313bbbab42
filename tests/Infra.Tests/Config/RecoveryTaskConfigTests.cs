using Failover.Infra.Config;

namespace Failover.Infra.Tests.Config;

/// `failover:recoveryTasks`: the application's steps around the traffic shift, each a one-off ECS task.
public sealed class RecoveryTaskConfigTests
{
    private static IReadOnlyList<string> ErrorsFor(string tasksJson) => TestStacks.Errors("secondary", ("recoveryTasks", tasksJson));

    /// The example in docs/workflow.md, added to the shipped secondary's stack file, is config the compiler accepts as the guide says.
    [Fact]
    public void The_readmes_example_is_valid_config()
    {
        var readme = Repo.Documentation();
        var start = readme.IndexOf("```yaml\nconfig:\n  failover:recoveryTasks:", StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, "docs/workflow.md shows a recoveryTasks example");
        var example = readme[(start + "```yaml\nconfig:\n".Length)..readme.IndexOf("```", start + 7, StringComparison.Ordinal)];
        var dir = Directory.CreateTempSubdirectory("failover-readme-example-").FullName;
        try
        {
            File.Copy(Repo.Path("Pulumi.yaml"), Path.Combine(dir, "Pulumi.yaml"));
            File.WriteAllText(Path.Combine(dir, "Pulumi.secondary.yaml"), File.ReadAllText(Repo.Path("Pulumi.secondary.yaml")).TrimEnd() + "\n" + example);
            var result = ConfigParser.Parse(StackInputs.FromFiles(dir, "secondary"));

            result.Errors.Should().BeEmpty();
            result.Config!.RecoveryTasks.Select(t => (t.Name, t.Phase, t.TaskDefinitionFamily, t.Container, t.RoleArns.Count)).Should().Equal(
                ("promote-db", RecoveryPhase.BeforeShift, "db-admin", "admin", 2), ("warm-cache", RecoveryPhase.AfterShift, null, "app", 0));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void No_recovery_tasks_unless_configured() =>
        TestStacks.Config("secondary").RecoveryTasks.Should().BeEmpty();

    [Fact]
    public void A_valid_list_keeps_its_order_and_fills_in_the_defaults()
    {
        var tasks = TestStacks.Config("secondary", ("recoveryTasks", """
            [{"name":"promote-db","phase":"beforeShift","command":["./promote","--now"],"environment":{"DB_ROLE":"primary","LOG_LEVEL":"info"},"timeoutSeconds":900},
             {"name":"point-app","phase":"afterShift"},
             {"name":"migrate","phase":"afterShift","taskDefinition":"arn:aws:ecs:us-west-2:123456789012:task-definition/migrate:7","container":"migrate",
              "roleArns":["arn:aws:iam::123456789012:role/migrate-execution"]}]
            """)).RecoveryTasks;

        tasks.Select(t => t.Name).Should().Equal("promote-db", "point-app", "migrate");

        var promote = tasks[0];
        promote.Phase.Should().Be(RecoveryPhase.BeforeShift);
        promote.TimeoutSeconds.Should().Be(900);
        promote.Command.Should().Equal("./promote", "--now");
        promote.Environment.Should().Equal(new Dictionary<string, string> { ["DB_ROLE"] = "primary", ["LOG_LEVEL"] = "info" });
        promote.TaskDefinition.Should().BeNull("the service's own task definition runs");
        promote.Container.Should().Be("app", "the overrides go to the service's container");
        promote.RoleArns.Should().BeEmpty();

        var point = tasks[1];
        point.Phase.Should().Be(RecoveryPhase.AfterShift);
        point.TimeoutSeconds.Should().Be(RecoveryTask.TimeoutSecondsDefault).And.Be(600);
        point.Command.Should().BeNull("the task definition's command is kept");
        point.Environment.Should().BeEmpty();

        var migrate = tasks[2];
        migrate.TaskDefinition.Should().Be("arn:aws:ecs:us-west-2:123456789012:task-definition/migrate:7");
        migrate.TaskDefinitionFamily.Should().Be("migrate");
        migrate.Container.Should().Be("migrate");
        migrate.RoleArns.Should().Equal("arn:aws:iam::123456789012:role/migrate-execution");
    }

    [Theory]
    [InlineData("migrate", "migrate")]
    [InlineData("migrate:3", "migrate")]
    [InlineData("arn:aws:ecs:us-west-2:123456789012:task-definition/db_tools:12", "db_tools")]
    public void The_family_of_another_task_definition_is_what_iam_scopes_to(string taskDefinition, string family) =>
        TestStacks.Config("secondary", ("recoveryTasks",
                $$"""[{"name":"x","phase":"beforeShift","taskDefinition":"{{taskDefinition}}","roleArns":["arn:aws:iam::123456789012:role/x"]}]"""))
            .RecoveryTasks.Single().TaskDefinitionFamily.Should().Be(family);

    /// Every bad field of every task, named at once with the task's index (and its name once it has been read), in one run.
    [Fact]
    public void Every_bad_field_is_named_at_once()
    {
        var errors = ErrorsFor("""
            [{"name":"unknown-field","phase":"beforeShift","colour":"red"},
             {"name":"bad-phase","phase":"duringShift"},
             {"name":"no-phase"},
             {"name":"too-short","phase":"beforeShift","timeoutSeconds":10},
             {"name":"too-long","phase":"afterShift","timeoutSeconds":7200},
             {"name":"empty-command","phase":"beforeShift","command":[]},
             {"name":"bad-env","phase":"beforeShift","environment":{"1DB":"x"}},
             {"name":"other-region","phase":"beforeShift","taskDefinition":"arn:aws:ecs:eu-west-1:123456789012:task-definition/migrate:1","roleArns":["arn:aws:iam::123456789012:role/x"]},
             {"name":"no-container","phase":"beforeShift","taskDefinition":"migrate:1","command":["go"],"roleArns":["arn:aws:iam::123456789012:role/x"]},
             {"name":"no-roles","phase":"beforeShift","taskDefinition":"migrate:1"},
             {"name":"stray-roles","phase":"beforeShift","roleArns":["arn:aws:iam::123456789012:role/x"]},
             {"name":"twice","phase":"beforeShift"},
             {"name":"twice","phase":"afterShift"}]
            """);

        const string at = "failover:recoveryTasks";
        errors.Should().BeEquivalentTo(new[]
        {
            $"{at} [0] has unknown field 'colour' (known: name, command, environment, taskDefinition, container, roleArns, phase, timeoutSeconds) in Pulumi.secondary.yaml",
            $"{at} [1] (bad-phase) phase must be beforeShift or afterShift (got 'duringShift') in Pulumi.secondary.yaml",
            $"{at} [2] (no-phase) needs 'phase': beforeShift (a failure stops the failover before traffic moves) or afterShift in Pulumi.secondary.yaml",
            $"{at} [3] (too-short) timeoutSeconds must be 30-3600: a task holds the failover, and its lock, while it runs (got 10) in Pulumi.secondary.yaml",
            $"{at} [4] (too-long) timeoutSeconds must be 30-3600: a task holds the failover, and its lock, while it runs (got 7200) in Pulumi.secondary.yaml",
            $"{at} [5] (empty-command) 'command' must not be empty: leave it out to keep the task definition's command in Pulumi.secondary.yaml",
            $"{at} [6] (bad-env) environment name '1DB' must be letters, digits and underscores, not starting with a digit in Pulumi.secondary.yaml",
            $"{at} [7] (other-region) taskDefinition is in eu-west-1; the task runs in this stack's region (us-west-2) in Pulumi.secondary.yaml",
            $"{at} [8] (no-container) needs 'container' with taskDefinition: the overrides must name that definition's container in Pulumi.secondary.yaml",
            $"{at} [9] (no-roles) needs 'roleArns' with taskDefinition: its execution (and task) role, which the workflow must be allowed to pass to ECS in Pulumi.secondary.yaml",
            $"{at} [10] (stray-roles) 'roleArns' is for another taskDefinition; the service's own roles are known in Pulumi.secondary.yaml",
            $"{at} [12] name 'twice' is used twice in Pulumi.secondary.yaml",
        });
    }

    [Theory]
    [InlineData("""[{"name":"Promote DB","phase":"beforeShift"}]""", "[0] name must be lowercase letters, digits and dashes, at most 40 (got 'Promote DB')")]
    [InlineData("""[{"phase":"beforeShift"}]""", "[0] needs 'name'")]
    [InlineData("""[{"name":"x","phase":"beforeShift","timeoutSeconds":"soon"}]""", "[0] (x) 'timeoutSeconds' must be a whole number")]
    [InlineData("""[{"name":"x","phase":"beforeShift","command":"./promote"}]""", "[0] (x) 'command' must be a list of strings")]
    [InlineData("""[{"name":"x","phase":"beforeShift","environment":{"A":1}}]""", "[0] (x) environment 'A' must be a string")]
    [InlineData("""[{"name":"x","phase":"beforeShift","container":"sidecar"}]""", "[0] (x) 'container' must be 'app' (the service's container) unless taskDefinition is given (got 'sidecar')")]
    [InlineData("""[{"name":"x","phase":"beforeShift","taskDefinition":"migrate:1","roleArns":["migrate-role"]}]""", "[0] (x) roleArns has 'migrate-role', which is not an IAM role ARN")]
    [InlineData("""[{"name":"x","phase":"beforeShift","taskDefinition":"my task"}]""", "[0] (x) taskDefinition must be a family, family:revision or task definition ARN (got 'my task')")]
    [InlineData("""["promote"]""", "[0] must be an object")]
    [InlineData("""{"name":"x"}""", "must be a list")]
    public void Each_rule_names_the_task_and_why(string tasksJson, string expected) =>
        ErrorsFor(tasksJson).Should().Contain(e => e.StartsWith($"failover:recoveryTasks {expected}", StringComparison.Ordinal));

    [Fact]
    public void Another_task_definition_without_overrides_needs_no_container() =>
        TestStacks.Config("secondary", ("recoveryTasks",
                """[{"name":"x","phase":"afterShift","taskDefinition":"migrate:1","roleArns":["arn:aws:iam::123456789012:role/x"]}]"""))
            .RecoveryTasks.Single().Container.Should().Be("app", "nothing is overridden, so no container is named");

    [Fact]
    public void The_primary_takes_recovery_tasks_for_its_failback_too() =>
        TestStacks.Config("primary", ("recoveryTasks", """[{"name":"demote-db","phase":"beforeShift"}]"""))
            .RecoveryTasks.Should().ContainSingle().Which.Name.Should().Be("demote-db");
}
