namespace Failover.Functions.Runtime;

/// An error the caller can act on; ErrorType, one of ErrorTypes, is what Step Functions' Retry and Catch match.
public abstract class FunctionException(string errorType, string message) : Exception(message)
{
    public string ErrorType { get; } = errorType;
}

/// The event is malformed or asks for something unknown; nothing was done.
public sealed class InvalidInputException(string message) : FunctionException(ErrorTypes.InvalidInput, message);

/// The function's environment lacks a setting it needs; nothing was done.
public sealed class ConfigurationException(string message) : FunctionException(ErrorTypes.ConfigurationError, message);

/// The run's lock is gone (another run took it after the lease ended, or it was released): it must stop, having changed nothing.
public sealed class LockLostException(string message) : FunctionException(ErrorTypes.LockLost, message);

/// The request does not carry the token of the lock held for its action: it is not the run that holds it, and nothing changed.
public sealed class LockNotHeldException(string message) : FunctionException(ErrorTypes.LockNotHeld, message);

/// decide was asked by something other than a running execution of this stack's workflow; nothing changed.
public sealed class NotAWorkflowRunException(string message) : FunctionException(ErrorTypes.NotAWorkflowRun, message);

/// The invocation ran out of time part-way; reported a margin before Lambda's deadline so that the report is not lost.
public sealed class DeadlineExceededException(string message) : FunctionException(ErrorTypes.DeadlineExceeded, message);
