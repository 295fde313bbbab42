using Failover.Functions.Aws;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// `shift-traffic`: closes the primary's traffic gate (failover) or opens it again (failback); Route 53 does the rest.
/// The gate is a health check whose inversion we flip, or (TRAFFIC_GATE_MODE=arc) an ARC routing control.
public sealed class ShiftTrafficHandler(Func<string, string?> env, AwsClients clients)
{
    public async Task<ShiftTrafficResponse> HandleAsync(ActionRequest request, InvocationContext context, CancellationToken cancellationToken)
    {
        var action = Vocabulary.ParseAction(request.Action);
        var s = new Settings(env, HandlerNames.ShiftTraffic);
        var mode = s.Optional(EnvNames.TrafficGateMode) ?? TrafficGateModes.Gate;
        if (mode == TrafficGateModes.Arc)
        {
            var control = s.Required(EnvNames.RoutingControlArn);
            var endpoints = ParseEndpoints(s.Required(EnvNames.ArcClusterEndpoints), s);
            s.ThrowIfInvalid();
            return await ShiftRoutingControlAsync(clients.Until(context.StopBy), action, control, endpoints, context, cancellationToken);
        }
        if (mode != TrafficGateModes.Gate)
            throw new ConfigurationException(
                $"{HandlerNames.ShiftTraffic} cannot run: {EnvNames.TrafficGateMode} must be {TrafficGateModes.Gate} or {TrafficGateModes.Arc} (got '{mode}').");
        var gate = s.Required(EnvNames.GateHealthCheckId);
        s.ThrowIfInvalid();
        return await ShiftGateAsync(clients.Until(context.StopBy).Route53, action, gate, context, cancellationToken);
    }

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
                return new ShiftTrafficResponse { Shifted = false, Gate = gate, Inverted = current.Inverted };
            try
            {
                var updated = await route53.UpdateHealthCheckAsync(gate, current.Version, wanted, cancellationToken);
                context.Log.Info("traffic gate updated", ("gate", gate), ("inverted", updated.Inverted), ("action", Wire.Of(action)));
                return new ShiftTrafficResponse { Shifted = true, Gate = gate, Inverted = updated.Inverted };
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

    /// `us-east-1=https://host1,us-west-2=https://host2`: the cluster's ClusterEndpoints, in the order to try.
    private static IReadOnlyList<ClusterEndpoint> ParseEndpoints(string raw, Settings settings)
    {
        var endpoints = new List<ClusterEndpoint>();
        foreach (var item in raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('=', 2);
            if (parts.Length == 2 && Uri.TryCreate(parts[1], UriKind.Absolute, out var url)) endpoints.Add(new ClusterEndpoint(parts[0], url));
            else settings.Problem($"{EnvNames.ArcClusterEndpoints} has '{item}', expected REGION=URL");
        }
        return endpoints;
    }
}
