using System.Text.Json;
using System.Text.Json.Nodes;
using Failover.Functions.Aws;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// `shift-traffic`: closes the primary's traffic gate (failover) or opens it again (failback); Route 53 does the rest. The gate is
/// moved through the kind's own plane (TRAFFIC_GATE_MODE): a metric published to CloudWatch in the region that holds the gate's
/// switch (metric, the default), an ARC routing control through the cluster's data plane (arc), or the inversion of a health
/// check through Route 53's control plane in us-east-1 (route53-api).
public sealed class ShiftTrafficHandler(Func<string, string?> env, AwsClients clients, TimeProvider time)
{
    public async Task<ShiftTrafficResponse> HandleAsync(ActionRequest request, InvocationContext context, CancellationToken cancellationToken)
    {
        var action = Vocabulary.ParseAction(request.Action);
        var settings = new Settings(env, FunctionContract.ShiftTraffic);
        var tableName = settings.Required(EnvNames.ControlTableName);
        var mode = settings.Required(EnvNames.TrafficGateMode);
        var aws = clients.Until(context.StopBy);
        Task Guard() => LockGuard.RequireAsync(aws, tableName, request.LockId, action, HandlerNames.ShiftTraffic, cancellationToken);
        switch (mode)
        {
            case TrafficGateModes.Metric:
            {
                var primaryGate = new MetricGate(settings.Required(EnvNames.PrimaryGateNamespace), settings.Region(EnvNames.PrimaryGateRegion) ?? settings.Required(EnvNames.PrimaryGateRegion));
                var secondaryNamespace = settings.Optional(EnvNames.SecondaryGateNamespace);
                var secondaryRegion = settings.Region(EnvNames.SecondaryGateRegion);
                if ((secondaryNamespace is null) != (secondaryRegion is null))
                    settings.Problem($"{EnvNames.SecondaryGateNamespace} and {EnvNames.SecondaryGateRegion} go together");
                settings.ThrowIfInvalid();
                var period = TimeSpan.FromSeconds(settings.Int(EnvNames.GatePeriodSeconds, 60, min: 1, max: 3600));
                settings.ThrowIfInvalid();
                var secondaryGate = secondaryNamespace is null ? null : new MetricGate(secondaryNamespace, secondaryRegion!);
                await Guard();
                return await ShiftMetricGateAsync(aws, action, primaryGate, secondaryGate, period, context, cancellationToken);
            }
            case TrafficGateModes.Arc:
            {
                var control = settings.Required(EnvNames.RoutingControlArn);
                var endpoints = ParseEndpoints(settings.Required(EnvNames.ArcClusterEndpoints), settings);
                settings.ThrowIfInvalid();
                await Guard();
                return await ShiftRoutingControlAsync(aws, action, control, endpoints, context, cancellationToken);
            }
            case TrafficGateModes.Route53Api:
            {
                var gate = settings.Required(EnvNames.GateHealthCheckId);
                settings.ThrowIfInvalid();
                await Guard();
                return await ShiftGateAsync(aws.Route53, action, gate, context, cancellationToken);
            }
            default:
                settings.ThrowIfInvalid();
                throw new ConfigurationException(
                    $"{HandlerNames.ShiftTraffic} cannot run: {EnvNames.TrafficGateMode} must be one of {string.Join(", ", TrafficGateModes.All)} (got {BoundedText.Of(mode)}).");
        }
    }

    /// A gate's metric: its namespace, and the region whose CloudWatch holds it (where its alarm lives).
    private sealed record MetricGate(string Namespace, string Region);

    /// Failover publishes the primary's gate closed in its region, this function's own: nothing in the primary's region or in
    /// us-east-1 is asked. Failback publishes it open there (the secondary's region), and the secondary's gate open here; when the
    /// secondary's region does not answer it closes the secondary's gate here instead, and Route 53, finding both records
    /// unhealthy, answers PRIMARY. Publishing is idempotent: a repeat sets the same value again.
    private async Task<ShiftTrafficResponse> ShiftMetricGateAsync(AwsClients aws, FailoverAction action, MetricGate primary, MetricGate? secondary,
        TimeSpan period, InvocationContext context, CancellationToken cancellationToken)
    {
        var closing = action == FailoverAction.Failover;
        if (action == FailoverAction.Drill)
            return new ShiftTrafficResponse { Shifted = false, Gate = primary.Namespace, Inverted = false, Mode = TrafficGateModes.Metric };
        if (closing)
        {
            await Publish(aws, primary, TrafficGateMetric.Closed, cancellationToken);
            context.Log.Info("traffic gate closed", ("namespace", primary.Namespace), ("region", primary.Region));
            return new ShiftTrafficResponse { Shifted = true, Gate = primary.Namespace, Inverted = true, Mode = TrafficGateModes.Metric };
        }
        // The gate alarm reads each period's Maximum, so an open published in the period of a close (a failback forced right after a
        // failover) would be hidden by it, and the latch would keep the gate closed. An open therefore lands at the start of the next
        // period: the failback's flip takes up to one period longer, a close never waits (the later close wins, as it should).
        var now = time.GetUtcNow();
        var next = DateTimeOffset.FromUnixTimeSeconds((now.ToUnixTimeSeconds() / (long)period.TotalSeconds + 1) * (long)period.TotalSeconds);
        await Task.Delay(next - now, time, cancellationToken);
        try
        {
            await Publish(aws, primary, TrafficGateMetric.Open, cancellationToken);
        }
        catch (FunctionException e) when (secondary is not null && e is AwsUnreachableException or AwsServiceException { ErrorType: not ErrorTypes.AwsServiceError })
        {
            // The region holding the primary's switch does not answer (it may be the one that is down): close the other record.
            await Publish(aws, secondary, TrafficGateMetric.Closed, cancellationToken);
            context.Log.Info("primary's gate unreachable; secondary's gate closed instead", ("namespace", secondary.Namespace), ("region", secondary.Region),
                ("error", e.Message));
            return new ShiftTrafficResponse { Shifted = true, Gate = secondary.Namespace, Inverted = false, Mode = TrafficGateModes.Metric, Degraded = true };
        }
        // A failback that earlier had to close the secondary's gate opens it again here, so the next failover has a record to move to.
        if (secondary is not null) await Publish(aws, secondary, TrafficGateMetric.Open, cancellationToken);
        context.Log.Info("traffic gate opened", ("namespace", primary.Namespace), ("region", primary.Region));
        return new ShiftTrafficResponse { Shifted = true, Gate = primary.Namespace, Inverted = false, Mode = TrafficGateModes.Metric };
    }

    private static Task Publish(AwsClients aws, MetricGate gate, double value, CancellationToken cancellationToken) =>
        aws.CloudWatch(gate.Region).PutMetricDataAsync(gate.Namespace, TrafficGateMetric.Name, value, cancellationToken);

    /// Route 53 refuses an update made against a stale HealthCheckVersion; someone else changed the gate meanwhile, so read again.
    private const int VersionConflictAttempts = 3;

    private static async Task<ShiftTrafficResponse> ShiftGateAsync(Route53Client route53, FailoverAction action, string gate, InvocationContext context,
        CancellationToken cancellationToken)
    {
        var wanted = action == FailoverAction.Failover;
        for (var attempt = 1; ; attempt++)
        {
            var current = await route53.GetHealthCheckAsync(gate, cancellationToken);
            if (action == FailoverAction.Drill || current.Inverted == wanted)
                return new ShiftTrafficResponse { Shifted = false, Gate = gate, Inverted = current.Inverted, Mode = TrafficGateModes.Route53Api };
            try
            {
                var updated = await route53.UpdateHealthCheckAsync(gate, current.Version, wanted, cancellationToken);
                context.Log.Info("traffic gate updated", ("gate", gate), ("inverted", updated.Inverted), ("action", Wire.Of(action)));
                return new ShiftTrafficResponse { Shifted = true, Gate = gate, Inverted = updated.Inverted, Mode = TrafficGateModes.Route53Api };
            }
            catch (AwsServiceException e) when (e.Code == "HealthCheckVersionMismatch" && attempt < VersionConflictAttempts)
            {
                context.Log.Info("traffic gate changed by someone else meanwhile; reading it again", ("gate", gate), ("attempt", attempt));
            }
        }
    }

    private static async Task<ShiftTrafficResponse> ShiftRoutingControlAsync(AwsClients aws, FailoverAction action, string control, IReadOnlyList<ClusterEndpoint> endpoints,
        InvocationContext context, CancellationToken cancellationToken)
    {
        var cluster = aws.RecoveryCluster(endpoints);
        var current = await cluster.GetRoutingControlStateAsync(control, cancellationToken);
        var wanted = action == FailoverAction.Failover ? "Off" : "On";
        if (action == FailoverAction.Drill || current == wanted)
            return new ShiftTrafficResponse { Shifted = false, Gate = control, Inverted = current == "Off", Mode = TrafficGateModes.Arc };

        var state = await cluster.UpdateRoutingControlStateAsync(control, wanted, cancellationToken);
        context.Log.Info("routing control updated", ("routingControl", control), ("state", state), ("action", Wire.Of(action)));
        return new ShiftTrafficResponse { Shifted = true, Gate = control, Inverted = state == "Off", Mode = TrafficGateModes.Arc };
    }

    /// The cluster's ClusterEndpoints in the order to try: `region=url,...`, or the JSON list Pulumi's cluster output holds
    /// (`[{"endpoint": url, "region": region}, ...]`).
    private static IReadOnlyList<ClusterEndpoint> ParseEndpoints(string raw, Settings settings)
    {
        var endpoints = new List<ClusterEndpoint>();
        if (raw.TrimStart().StartsWith('['))
        {
            try
            {
                foreach (var item in JsonNode.Parse(raw)!.AsArray())
                {
                    var region = (item?["region"] ?? item?["Region"])?.GetValue<string>();
                    var endpoint = (item?["endpoint"] ?? item?["Endpoint"])?.GetValue<string>();
                    if (region is not null && Uri.TryCreate(endpoint, UriKind.Absolute, out var url)) endpoints.Add(new ClusterEndpoint(region, url));
                    else settings.Problem($"{EnvNames.ArcClusterEndpoints} has an item without region and endpoint URL");
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                settings.Problem($"{EnvNames.ArcClusterEndpoints} is not a JSON list of {{endpoint, region}}");
            }
            return endpoints;
        }
        foreach (var item in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('=', 2);
            if (parts.Length == 2 && Uri.TryCreate(parts[1], UriKind.Absolute, out var url)) endpoints.Add(new ClusterEndpoint(parts[0], url));
            else settings.Problem($"{EnvNames.ArcClusterEndpoints} has '{item}', expected REGION=URL");
        }
        return endpoints;
    }
}
