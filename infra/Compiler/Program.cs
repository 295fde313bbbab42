using Failover.Infra;

// Pulumi's YAML runtime runs this and reads the program from stdout; everything else goes to stderr.
// A bug still ends in one line, not a stack trace on the user's screen (FAILOVER_DEBUG=1 shows it).
try
{
    return Compiler.Run(args, Environment.GetEnvironmentVariable, Console.Out, Console.Error, Directory.GetCurrentDirectory(), !Console.IsOutputRedirected);
}
catch (Exception e)
{
    Console.Error.WriteLine(Environment.GetEnvironmentVariable("FAILOVER_DEBUG") == "1"
        ? $"error: the compiler failed unexpectedly: {e}"
        : $"error: the compiler failed unexpectedly ({e.GetType().Name}: {e.Message}); set FAILOVER_DEBUG=1 for details and report it");
    return 70;
}
