using Failover.Functions.Aws;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// How a run was started: through the operators' state machine (may force) or the triggers' (never forces, always unattended).
public enum EntryPoint { Operator, Trigger }

/// This stack's two state machines and the other stack's, as decide knows them (OPERATOR_STATE_MACHINE_ARN,
/// TRIGGER_STATE_MACHINE_ARN, PEER_STATE_MACHINE_ARNS). Step Functions has no resource policy: who may start which machine is
/// up to identity policies, so decide asks Step Functions which machine runs an execution instead of believing the input.
public sealed class EntryPoints(string operatorMachine, string? triggerMachine, IReadOnlyList<string> peerMachines)
{
    public static string Name(EntryPoint entry) => entry == EntryPoint.Operator ? "operator" : "trigger";

    /// The entry point of `executionArn`, which must be running on one of this stack's machines; NotAWorkflowRun otherwise (a
    /// direct invocation, an ended run, another machine), before anything is read or written.
    public async Task<EntryPoint> EntryOfAsync(AwsClients aws, string executionArn, CancellationToken cancellationToken)
    {
        var machine = StepFunctionsClient.MachineOf(executionArn);
        EntryPoint? entry = machine is null ? null : machine == operatorMachine ? EntryPoint.Operator : machine == triggerMachine ? EntryPoint.Trigger : null;
        if (entry is null)
            throw new NotAWorkflowRunException($"decide acts only for an execution of this stack's workflow ({operatorMachine}" +
                (triggerMachine is null ? "" : $" or {triggerMachine}") + $"); 'executionId' is {BoundedText.Of(executionArn, 200)}. Nothing was done.");
        var execution = await aws.StepFunctions(StepFunctionsClient.RegionOf(executionArn)!).DescribeExecutionAsync(executionArn, cancellationToken);
        if (execution is null)
            throw new NotAWorkflowRunException($"Step Functions knows no execution {BoundedText.Of(executionArn, 200)}: decide acts only for a running one. Nothing was done.");
        if (execution.Status != "RUNNING")
            throw new NotAWorkflowRunException($"execution {BoundedText.Of(executionArn, 200)} has ended ({BoundedText.Of(execution.Status, 32)}): decide acts only for a " +
                "running one. Nothing was done.");
        return entry.Value;
    }

    /// Why the lock's holder is no running execution of these stacks' workflows, or null when it is one. When Step Functions
    /// cannot be asked (the other stack's region may be the one that is down) the lock holds until its lease ends.
    public async Task<string?> DeadOwnerAsync(AwsClients aws, string owner, InvocationContext context, CancellationToken cancellationToken)
    {
        var machine = StepFunctionsClient.MachineOf(owner);
        if (machine is null || (machine != operatorMachine && machine != triggerMachine && !peerMachines.Contains(machine)))
            return "its owner is no execution of these stacks' workflows";
        try
        {
            var execution = await aws.StepFunctions(StepFunctionsClient.RegionOf(owner)!).DescribeExecutionAsync(owner, cancellationToken);
            if (execution is null) return "Step Functions knows no such execution";
            return execution.Status == "RUNNING" ? null : $"its execution has ended ({BoundedText.Of(execution.Status, 32)})";
        }
        catch (FunctionException e)
        {
            context.Log.Info("the lock's owner could not be looked up; the lock holds until its lease ends", ("errorType", e.ErrorType), ("error", e.Message));
            return null;
        }
    }
}
