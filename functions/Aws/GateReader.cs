using Failover.Contract.Readiness;
using Failover.Functions.Runtime;

namespace Failover.Functions.Aws;

/// A traffic gate's position as read. NeverMoved: a metric gate whose alarm has never had data, so nobody has closed or
/// opened it since it was created, and its check is healthy (a new CLOUDWATCH_METRIC check with no last known status is
/// healthy: Route 53 API reference, HealthCheckConfig InsufficientDataHealthStatus).
public sealed record GatePosition(bool Closed, bool NeverMoved = false)
{
    /// `closed`, `open`, `open, never moved`.
    public string Word => Closed ? "closed" : NeverMoved ? "open, never moved" : "open";
}

/// The gate answered, but with nothing that is a position (a missing alarm, a state of no gate kind): unknown, never guessed.
public sealed class GateUnreadableException(string message) : FunctionException(ErrorTypes.AwsServiceError, message);

/// Reads a traffic gate's position the one way each kind keeps it; failoverctl's `status` and release guard and the
/// `gate-agrees` readiness check all ask here. Any failure to read throws a FunctionException: a gate that cannot be read is
/// unknown, never guessed.
public sealed class GateReader(AwsHttpClient client)
{
    public async Task<GatePosition> ReadAsync(GateRef gate, CancellationToken ct)
    {
        if (gate.Kind == TrafficGateModes.Arc)
        {
            // The routing control's state is the position (its RECOVERY_CONTROL check is healthy while On), read on the cluster's
            // data plane, each regional endpoint in turn, as shift-traffic moves it.
            var endpoints = (gate.ClusterEndpoints ?? []).Select(e => new ClusterEndpoint(e.Region, new Uri(e.Endpoint))).ToList();
            var state = await new RecoveryClusterClient(client, endpoints).GetRoutingControlStateAsync(gate.RoutingControlArn!, ct);
            return state switch
            {
                "On" => new GatePosition(false),
                "Off" => new GatePosition(true),
                var other => throw new GateUnreadableException($"the routing control {gate.RoutingControlArn} is in state {other}, which says nothing of the gate"),
            };
        }
        if (gate.Kind != TrafficGateModes.Metric) return new GatePosition((await new Route53Client(client).GetHealthCheckAsync(gate.HealthCheckId, ct)).Inverted);

        // Route 53 reads the alarm's metric, not its state; the state is the metric judged once per alarm period (60 s), so it
        // can lag a publish by up to a minute. It is the only reading of the position CloudWatch keeps (treatMissingData ignore
        // holds it while nobody publishes), and the same one the alarm shows in the console.
        var alarms = await new CloudWatchClient(client, gate.SwitchRegion!).DescribeAlarmsAsync([gate.AlarmName!], ct);
        var alarm = alarms.FirstOrDefault(a => a.Name == gate.AlarmName)
            ?? throw new GateUnreadableException($"the gate alarm {gate.AlarmName} does not exist in {gate.SwitchRegion}");
        return alarm.State switch
        {
            "ALARM" => new GatePosition(true),
            "OK" => new GatePosition(false),
            "INSUFFICIENT_DATA" => new GatePosition(false, NeverMoved: true),
            var other => throw new GateUnreadableException($"the gate alarm {gate.AlarmName} in {gate.SwitchRegion} is in state {other}, which says nothing of the gate"),
        };
    }
}
