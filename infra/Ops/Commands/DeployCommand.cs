using System.CommandLine;
using Failover.Ops.Cli;

namespace Failover.Ops.Commands;

/// `failoverctl deploy`: placeholder.
public static class DeployCommand
{
    public static Command Build(OpsContext context) => new("deploy", "Deploy");
}
