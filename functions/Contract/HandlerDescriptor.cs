using System.Text.Json.Serialization.Metadata;

namespace Failover.Contract;

/// Memory, timeout and reserved concurrency of one handler's function, with the reason for them.
public sealed record FunctionSize(int MemoryMb, int TimeoutSeconds, string Why, int ReservedConcurrency = 2);

/// One handler, declared once: the functions serve it with its JSON types and read its environment through it; the compiler
/// deploys it with its description, environment and size; the workflow reads its results; the docs' tables and the oracles'
/// contract.json are written from it.
public abstract record HandlerDescriptor
{
    /// The function's handler setting (`_HANDLER`).
    public required string Name { get; init; }
    /// One line: the deployed function's description.
    public required string Description { get; init; }
    public required HandlerEnvironment Environment { get; init; }
    /// The response fields the workflow reads: the handler writes each of them in every response.
    public required IReadOnlyList<string> Results { get; init; }
    public required FunctionSize Size { get; init; }
    public abstract JsonTypeInfo RequestType { get; }
    public abstract JsonTypeInfo ResponseType { get; }
}

/// A handler with its request and response types: the functions bind a handler of exactly these types to it.
public sealed record HandlerDescriptor<TRequest, TResponse> : HandlerDescriptor
{
    /// Deferred: building a type's JSON metadata is work at start-up that the compiler, which never reads a request, should
    /// not pay (measured: about 50 ms a run when all ten were built eagerly).
    public required Func<JsonTypeInfo<TRequest>> RequestInfo { get; init; }
    public required Func<JsonTypeInfo<TResponse>> ResponseInfo { get; init; }
    public JsonTypeInfo<TRequest> Request => RequestInfo();
    public JsonTypeInfo<TResponse> Response => ResponseInfo();
    public override JsonTypeInfo RequestType => Request;
    public override JsonTypeInfo ResponseType => Response;
}
