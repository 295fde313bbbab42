using Failover.Ops.Cli;
using Failover.Ops.Pulumi;

namespace Failover.Ops.Aws;

/// A traffic gate's position as read. NeverMoved: a metric gate whose alarm has never had data, so nobody has closed or
/// opened it since it was created, and its check is healthy (a new CLOUDWATCH_METRIC check with no last known status is
/// healthy: Route 53 API reference, HealthCheckConfig InsufficientDataHealthStatus).
public sealed record GatePosition(bool Closed, bool NeverMoved = false)
{
    /// `closed`, `open`, `open, never moved`.
    public string Word => Closed ? "closed" : NeverMoved ? "open, never moved" : "open";
}

/// Reads a traffic gate's position the one way each kind keeps it; `status` and the release guard both ask here. Any failure
/// to read throws (a FunctionException from AWS, an OpsException for an answer that says nothing): a gate that cannot be read
/// is unknown, never guessed.
public static class GateReader
{
    public static async Task<GatePosition> ReadAsync(OpsAws aws, DeployedGate gate, CancellationToken ct)
    {
        if (gate.IsArc)
        {
            // The routing control's state is the position (its RECOVERY_CONTROL check is healthy while On), read on the cluster's
            // data plane, each regional endpoint in turn, as shift-traffic moves it.
            var state = await aws.RecoveryCluster(gate.ClusterEndpoints).GetRoutingControlStateAsync(gate.RoutingControlArn!, ct);
            return state switch
            {
                "On" => new GatePosition(false),
                "Off" => new GatePosition(true),
                var other => throw new OpsException($"the routing control {gate.RoutingControlArn} is in state {other}, which says nothing of the gate"),
            };
        }
        if (!gate.IsMetric) return new GatePosition((await aws.Route53().GetHealthCheckAsync(gate.HealthCheckId, ct)).Inverted);

        // Route 53 reads the alarm's metric, not its state; the state is the metric judged once per alarm period (60 s), so it
        // can lag a publish by up to a minute. It is the only reading of the position CloudWatch keeps (treatMissingData ignore
        // holds it while nobody publishes), and the same one the alarm shows in the console.
        var alarms = await aws.CloudWatch(gate.SwitchRegion!).DescribeAlarmsAsync([gate.AlarmName!], ct);
        var alarm = alarms.FirstOrDefault(a => a.Name == gate.AlarmName)
            ?? throw new OpsException($"the gate alarm {gate.AlarmName} does not exist in {gate.SwitchRegion}");
        return alarm.State switch
        {
            "ALARM" => new GatePosition(true),
            "OK" => new GatePosition(false),
            "INSUFFICIENT_DATA" => new GatePosition(false, NeverMoved: true),
            var other => throw new OpsException($"the gate alarm {gate.AlarmName} in {gate.SwitchRegion} is in state {other}, which says nothing of the gate"),
        };
    }
}
