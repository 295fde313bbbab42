using Failover.Ops.Cli;

// failoverctl: the operators' and release pipelines' tool. Everything it does goes through Cli.RunAsync, which tests call in-process.
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C lets the command say what it leaves running; a second one ends the process at once.
    if (interrupt.IsCancellationRequested) return;
    e.Cancel = true;
    interrupt.Cancel();
};
return await Cli.RunAsync(args, OpsContext.FromProcess(), interrupt.Token);
