namespace Failover.Ops.Cli;

/// A failure told to the user in one sentence, with the exit code that says what kind it was.
public sealed class OpsException(string message, int exitCode = ExitCodes.Failed) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static OpsException Usage(string message) => new(message, ExitCodes.Usage);
}

/// What a pipeline can branch on.
public static class ExitCodes
{
    public const int Ok = 0;
    /// A step failed (Pulumi, AWS, or the run that was followed did not succeed).
    public const int Failed = 1;
    /// The command line was wrong; nothing was done.
    public const int Usage = 2;
    /// A safety check refused to go on (traffic failed over, a lock held); nothing was done. --force overrides it.
    public const int Refused = 3;
}
