using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Handlers;

/// What decide's tests start from: a failover an alarm asked for, and a world whose primary has an alarm firing.
internal static class DecideSetup
{
    public const string AlarmFailover = """{"action":"failover","source":"alarm","executionId":"exec-1"}""";

    /// A time as operators write it in the control table's items (whole seconds, UTC).
    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    public static async Task<World> WithPrimaryAlarmFiringAsync(MotoServer moto)
    {
        var world = await World.ArrangeAsync(moto);
        await world.Ask("alarm-state", world.Alarms[0], "ALARM");
        return world;
    }
}
