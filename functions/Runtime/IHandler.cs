using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Failover.Functions.Runtime;

/// A handler as the loop calls it: event JSON in, response JSON out.
public interface IHandler
{
    Task<string> InvokeAsync(string eventJson, InvocationContext context, CancellationToken cancellationToken);
}

/// Adapts a typed handler (request record -> response record) with source-generated JSON.
public sealed class JsonHandler<TRequest, TResponse>(
    JsonTypeInfo<TRequest> requestType,
    JsonTypeInfo<TResponse> responseType,
    Func<TRequest, InvocationContext, CancellationToken, Task<TResponse>> handle) : IHandler
{
    /// The parser's words kept in the error: they name the path, and a path can hold property names of any length.
    private const int MaxParserDetailChars = 256;

    public async Task<string> InvokeAsync(string eventJson, InvocationContext context, CancellationToken cancellationToken)
    {
        TRequest? request;
        try
        {
            // One UTF-8 copy read twice, by the shape check and the deserializer (which would otherwise transcode its own).
            var utf8 = Encoding.UTF8.GetBytes(eventJson);
            DuplicateKeyGuard.Check(utf8);
            request = JsonSerializer.Deserialize(utf8, requestType);
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"The event is not valid JSON for this handler: {BoundedText.Cut(e.Message, MaxParserDetailChars)}");
        }
        if (request is null) throw new InvalidInputException("The event is empty (null).");
        var response = await handle(request, context, cancellationToken);
        return JsonSerializer.Serialize(response, responseType);
    }
}

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
