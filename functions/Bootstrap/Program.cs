using Failover.Functions.Aws;
using Failover.Functions.Handlers;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

// One native binary, several handlers: _HANDLER picks which one this function runs.
Func<string, string?> env = Environment.GetEnvironmentVariable;
var time = TimeProvider.System;
using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(10) };
// decide's probe of the primary's health URL: not an AWS call, so its own client (see DirectProbe.CreateClient).
using var probeHttp = DirectProbe.CreateClient();
// The Runtime API long-polls /next: no client timeout there.
using var runtimeHttp = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
var log = new JsonLog(Console.Out, time);

var runtimeApi = env("AWS_LAMBDA_RUNTIME_API");
if (string.IsNullOrEmpty(runtimeApi))
{
    log.Error("AWS_LAMBDA_RUNTIME_API is not set: this binary runs inside Lambda (or a local Runtime API)");
    return 1;
}
var api = new RuntimeApiClient(runtimeHttp, runtimeApi);

var name = env("_HANDLER");
var handler = HandlerCatalog.Find(name, env, new AwsClients(env, http, time, AwsRetryPolicy.Default), time, new DirectProbe(probeHttp, time));
if (handler is null)
{
    var message = $"Unknown handler '{name}': expected one of {string.Join(", ", FunctionContract.All.Select(h => h.Name))}.";
    log.Error(message);
    await api.ReportInitErrorAsync(new ErrorResponse("UnknownHandler", message), CancellationToken.None);
    return 1;
}

await new LambdaLoop(api, handler, log, time).RunAsync(CancellationToken.None);
return 0;
