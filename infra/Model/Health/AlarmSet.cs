using Failover.Infra.Config;
using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Health;

/// A region's health alarms as decide reads them: their names, and the ARNs DescribeAlarms is held to. The same whether this
/// stack built them (HealthAlarms: exactly those alarms) or knows them from the primary's outputs and its prefix (every alarm
/// the primary names, in its region: their ARNs are not an output).
public sealed record AlarmSet
{
    /// Whose alarms: the grant's Sid names them.
    public required Role Owner { get; init; }
    /// Comma-separated (PRIMARY_ALARM_NAMES).
    public required Value NameList { get; init; }
    public required IReadOnlyList<Value> Arns { get; init; }

    /// Read these alarms' states and nothing else.
    public void GrantDescribe(IamRole role) =>
        role.Grant(p => p.Allow($"Describe{Owner}Alarms", Actions.CloudWatch.DescribeAlarms, Arns));
}
