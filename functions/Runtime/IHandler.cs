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
    public async Task<string> InvokeAsync(string eventJson, InvocationContext context, CancellationToken cancellationToken)
    {
        TRequest? request;
        try { request = JsonSerializer.Deserialize(eventJson, requestType); }
        catch (JsonException e) { throw new InvalidInputException($"The event is not valid JSON for this handler: {e.Message}"); }
        if (request is null) throw new InvalidInputException("The event is empty (null).");
        var response = await handle(request, context, cancellationToken);
        return JsonSerializer.Serialize(response, responseType);
    }
}

/// An error the caller can act on; ErrorType is what Step Functions' Retry and Catch match.
public abstract class FunctionException(string errorType, string message) : Exception(message)
{
    public string ErrorType { get; } = errorType;
}

/// The event is malformed or asks for something unknown; nothing was done.
public sealed class InvalidInputException(string message) : FunctionException("InvalidInput", message);

/// The function's environment lacks a setting it needs; nothing was done.
public sealed class ConfigurationException(string message) : FunctionException("ConfigurationError", message);
