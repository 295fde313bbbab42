using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Failover.Functions.Runtime;

/// A handler as the loop calls it: event JSON in, response JSON out.
public interface IHandler
{
    Task<string> InvokeAsync(string eventJson, InvocationContext context, CancellationToken cancellationToken);
}

/// Binds a typed handler to its descriptor.
public static class JsonHandler
{
    public static IHandler For<TRequest, TResponse>(HandlerDescriptor<TRequest, TResponse> descriptor,
        Func<TRequest, InvocationContext, CancellationToken, Task<TResponse>> handle) =>
        new JsonHandler<TRequest, TResponse>(descriptor.Request, descriptor.Response, handle);
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
