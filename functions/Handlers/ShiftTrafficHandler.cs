using Failover.Functions.Aws;
using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// `shift-traffic`: inverts the primary's traffic gate (failover) or restores it (failback); Route 53 does the rest.
public sealed class ShiftTrafficHandler(Func<string, string?> env, AwsClients aws)
{
    public async Task<ShiftTrafficResponse> HandleAsync(ActionRequest request, InvocationContext context, CancellationToken cancellationToken)
    {
        var action = Vocabulary.ParseAction(request.Action);
        var s = new Settings(env);
        var gate = s.Required("GATE_HEALTH_CHECK_ID");
        s.ThrowIfInvalid("shift-traffic");

        var current = await aws.Route53.GetHealthCheckAsync(gate, cancellationToken);
        if (action == FailoverAction.Drill)
        {
            context.Log.Info("drill: traffic not moved", ("gate", gate), ("inverted", current.Inverted));
            return new ShiftTrafficResponse { Shifted = false, Gate = gate, Inverted = current.Inverted };
        }

        var wanted = action == FailoverAction.Failover;
        if (current.Inverted == wanted)
            return new ShiftTrafficResponse { Shifted = false, Gate = gate, Inverted = current.Inverted };

        var updated = await aws.Route53.UpdateHealthCheckAsync(gate, current.Version, wanted, cancellationToken);
        context.Log.Info("traffic gate updated", ("gate", gate), ("inverted", updated.Inverted), ("action", action.Wire()));
        return new ShiftTrafficResponse { Shifted = true, Gate = gate, Inverted = updated.Inverted };
    }
}
