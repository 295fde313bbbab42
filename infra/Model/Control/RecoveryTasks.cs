using Failover.Infra.Config;
using Failover.Infra.Iam;
using Failover.Infra.Regional;
using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// The application's recovery steps (config `recoveryTasks`) as the workflow runs them: one-off Fargate tasks started through
/// Step Functions' `ecs:runTask.sync` integration in this stack's region, with the service's cluster, network settings and
/// (unless another is configured) task definition, one after another in config order. The workflow runs them only when it
/// promotes its region: never in a drill, which must not promote a database.
public sealed class RecoveryTasks(IReadOnlyList<RecoveryTask> tasks, EcsService service)
{
    /// Run a Job: the state waits until the task has stopped. It fails with States.TaskFailed when the task stops with a
    /// container that exited non-zero or never started (the error's Cause is the task's description), so a task that
    /// succeeded exited 0 and needs no exit-code check of its own.
    public const string RunTaskSync = "arn:aws:states:::ecs:runTask.sync";

    /// The EventBridge rule Step Functions manages in each region to learn that a task it started has stopped.
    public const string SyncRuleName = "StepFunctionsGetEventsForECSTaskRule";

    /// Errors that mean the container never ran: RunTask refused or throttled (ECS.AmazonECSException) or no task was placed
    /// (AmazonECS.Unknown, a non-empty `Failures`). Repeating those cannot run a step twice. States.TaskFailed (the container
    /// ran and failed) and States.Timeout (it may have done its work) are never retried: a recovery step may not be idempotent.
    public static readonly IReadOnlyList<string> StartErrors = ["ECS.AmazonECSException", "AmazonECS.Unknown"];

    /// The one service a passed role may go to: ECS, starting the task as its execution (or task) role.
    private const string EcsTasksService = "ecs-tasks.amazonaws.com";

    public IReadOnlyList<RecoveryTask> All { get; } = tasks;

    public IReadOnlyList<RecoveryTask> In(RecoveryPhase phase) => All.Where(t => t.Phase == phase).ToList();

    /// The longest the tasks may hold a run: each task's own time limit, in sequence.
    public static int TimeoutSeconds(IReadOnlyList<RecoveryTask> tasks) => tasks.Sum(t => t.TimeoutSeconds);

    /// `Recovery promote-db`: the task's config name as the operator wrote it. Task names have no spaces, so no task's state
    /// can be another's `... failed` state.
    public static string StateName(RecoveryTask task) => $"Recovery {task.Name}";

    public static string FailedStateName(RecoveryTask task) => $"Recovery {task.Name} failed";

    /// Where a task's result goes: `$.recovery.promote_db`. Names have no underscores, so two names never share a key.
    public static string ResultPath(RecoveryTask task) => $"$.recovery.{task.Name.Replace('-', '_')}";

    /// Adds one phase's tasks to the definition, chained in config order, the last going on to `next`; a failure goes through
    /// a state that names the task to `failure`. Returns the state that enters the phase (`next` itself when it has no task).
    public string Chain(IDictionary<string, Value> states, RecoveryPhase phase, string region, string next, string failure)
    {
        var entry = next;
        foreach (var task in In(phase).Reverse())
        {
            states[StateName(task)] = TaskState(task, entry);
            var when = phase == RecoveryPhase.BeforeShift ? "traffic was not moved" : $"traffic had already moved to {region}";
            states[FailedStateName(task)] = Map.Of(
                ("Type", "Pass"),
                ("Parameters", Map.Of(
                    ("Error.$", "$.error.Error"),
                    ("Cause.$", $"States.Format('recovery task {task.Name} ({Wire(phase)}) failed; {when}: {{}}', $.error.Cause)"))),
                ("ResultPath", "$.error"),
                ("Next", failure));
            entry = StateName(task);
        }
        return entry;
    }

    private Map TaskState(RecoveryTask task, string next) => Map.Of(
        ("Type", "Task"),
        ("Comment", $"Recovery task {task.Name} ({Wire(task.Phase)}): at most {task.TimeoutSeconds} s; Step Functions stops the task when that passes."),
        ("Resource", RunTaskSync),
        ("Parameters", Map.Of(
            ("Cluster", service.Cluster.Out("arn")),
            ("TaskDefinition", task.TaskDefinition is null ? service.TaskDefinition.Out("arn") : task.TaskDefinition),
            ("LaunchType", "FARGATE"),
            ("PlatformVersion", "LATEST"),
            // The service's own subnets and security group: whatever the service's tasks reach (a database), this one reaches.
            ("NetworkConfiguration", Map.Of(("AwsvpcConfiguration", Map.Of(
                ("Subnets", Value.List(service.TaskSubnetIds)),
                ("SecurityGroups", Value.List(service.SecurityGroup.Out("id"))),
                ("AssignPublicIp", service.AssignPublicIp ? "ENABLED" : "DISABLED"))))),
            // No StartedBy: the integration does not accept it and sets "AWS Step Functions" itself.
            ("Overrides", Overrides(task)))),
        // A stopped task's description is kilobytes; the run keeps which task it was and why it stopped (on success the
        // essential container exited, so both fields are there).
        ("ResultSelector", Map.Of(("taskArn.$", "$.TaskArn"), ("stopCode.$", "$.StopCode"), ("stoppedReason.$", "$.StoppedReason"))),
        ("ResultPath", ResultPath(task)),
        ("TimeoutSeconds", task.TimeoutSeconds),
        ("Retry", Value.List(Map.Of(
            ("ErrorEquals", Value.Strings(StartErrors)), ("IntervalSeconds", 5), ("MaxAttempts", 3),
            ("BackoffRate", 2), ("MaxDelaySeconds", 30), ("JitterStrategy", "FULL")))),
        ("Catch", Value.List(Map.Of(
            ("ErrorEquals", Value.List("States.ALL")),
            ("ResultPath", "$.error"),
            ("Next", FailedStateName(task))))),
        ("Next", next));

    /// The container's command and environment, or nothing: an empty override would still replace nothing, but says less.
    private static Map? Overrides(RecoveryTask task)
    {
        if (task.Command is null && task.Environment.Count == 0) return null;
        return Map.Of(("ContainerOverrides", Value.List(Map.Of(
            ("Name", task.Container),
            ("Command", task.Command is null ? null : Value.Strings(task.Command)),
            ("Environment", task.Environment.Count == 0
                ? null
                : Value.List(task.Environment.Select(e => (Value)Map.Of(("Name", e.Key), ("Value", e.Value)))))))));
    }

    /// What running the tasks takes, and nothing when there are none: RunTask of the task definitions' families in this one
    /// cluster, watching and stopping tasks of that cluster, the `.sync` rule, and passing exactly the roles ECS needs.
    public void GrantRun(IamRole role, AwsAccount account)
    {
        if (All.Count == 0) return;
        var families = All.Select(t => t.TaskDefinitionFamily ?? service.TaskDefinitionFamily).Distinct(StringComparer.Ordinal);
        var roles = new List<Value>();
        // The service's task definition has an execution role and no task role; another definition's roles come from config.
        if (All.Any(t => t.TaskDefinition is null)) roles.Add(service.ExecutionRole.Out("arn"));
        roles.AddRange(All.SelectMany(t => t.RoleArns).Distinct(StringComparer.Ordinal).Select(arn => (Value)arn));
        role.Grant(p => p
            // Every revision of the family (`:*`): a configured `family` runs its latest revision, which IAM sees with its number.
            .Allow("RunRecoveryTasks", Actions.Ecs.RunTask,
                [.. families.Select(f => Value.Format($"arn:{account.Partition}:ecs:{account.Region}:{account.AccountId}:task-definition/{f}:*"))],
                Condition.ArnEquals("ecs:cluster", service.Cluster.Out("arn")))
            .Allow("WatchRecoveryTasks", Actions.Ecs.WatchTask,
                Value.Format($"arn:{account.Partition}:ecs:{account.Region}:{account.AccountId}:task/{service.Cluster.Out("name")}/*"))
            .Allow("LearnWhenRecoveryTasksStop", Actions.Events.ManageSyncRule,
                Value.Format($"arn:{account.Partition}:events:{account.Region}:{account.AccountId}:rule/{SyncRuleName}"))
            .Allow("PassRecoveryTaskRoles", Actions.Iam.PassRole, roles, Condition.StringEquals("iam:PassedToService", EcsTasksService)));
    }

    private static string Wire(RecoveryPhase phase) => phase == RecoveryPhase.BeforeShift ? "beforeShift" : "afterShift";
}
