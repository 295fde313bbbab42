using Failover.Infra.Control;
using Failover.Infra.Iam;
using Failover.Infra.Triggers;
using Failover.Infra.Yaml;

namespace Failover.Infra.Watch;

/// A run of this stack's workflow that ended FAILED, TIMED_OUT or ABORTED, told to the topic in a sentence by EventBridge:
/// it arrives even when the workflow itself could not publish (a timed-out or stopped run never reaches its own notice).
public static class ExecutionAlerts
{
    public static readonly IReadOnlyList<string> Statuses = ["FAILED", "TIMED_OUT", "ABORTED"];

    /// Only names and ARNs of this stack and AWS's own status and time go inside the sentence (EventBridge does not escape
    /// there; a run's error cause may hold quotes, so it stays in the execution history the sentence links to).
    public static readonly InputTransformer Sentence = new(
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["execution"] = "$.detail.name",
            ["executionArn"] = "$.detail.executionArn",
            ["status"] = "$.detail.status",
            ["time"] = "$.time",
            ["region"] = "$.region",
        },
        "\"Failover workflow run <execution> in <region> ended <status> at <time> (FAILED: a step failed; TIMED_OUT: it ran past its time limit; " +
        "ABORTED: someone stopped it). A run that did not finish its release step leaves the failover lock held until the lock's lease ends. " +
        "Execution history: https://<region>.console.aws.amazon.com/states/home?region=<region>#/v2/executions/details/<executionArn>\"");

    public static EventRule Create(PulumiProgram program, Naming naming, AwsAccount account, Workflow workflow, Notifications topic)
    {
        var rule = EventRule.Create(program, new EventRuleProps
        {
            Naming = naming,
            Account = account,
            Key = "run-ended",
            Description = "Tells the topic when a run of this stack's failover workflow ends FAILED, TIMED_OUT or ABORTED",
            Pattern = Map.Of(
                ("source", Value.List("aws.states")),
                ("detail-type", Value.List("Step Functions Execution Status Change")),
                ("detail", Map.Of(
                    ("status", Value.Strings(Statuses)),
                    ("stateMachineArn", Value.List(workflow.Arns))))),
            Region = account.Region,
            TargetArn = topic.Arn,
            Input = Sentence,
            Retry = RetryPolicy.Notification,
        });
        topic.AllowRule(rule.Arn);
        return rule;
    }
}
