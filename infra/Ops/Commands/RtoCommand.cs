using System.CommandLine;
using Failover.Ops.Cli;

namespace Failover.Ops.Commands;

/// `failoverctl rto`: placeholder.
public static class RtoCommand
{
    public static Command Build(OpsContext context) => new("rto", "Recovery time");
}
