using Failover.Ops.Cli;

// failoverctl: the operators' and release pipelines' tool. Everything it does goes through Cli.RunAsync, which tests call in-process.
return await Cli.RunAsync(args, OpsContext.FromProcess());
