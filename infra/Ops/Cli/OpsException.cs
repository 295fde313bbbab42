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
    /// Refused: by a safety check (deploy's guard: traffic failed over, a lock held; --force overrides it) or by the workflow's
    /// own decision (a run that ended BLOCKED or NO_ACTION). Nothing was changed.
    public const int Refused = 3;
    /// The outcome is not known: contact was lost while following a run that may still be going; or (readiness) no check failed
    /// but some could not read what they compare.
    public const int Unknown = 4;
    /// A recovery-time budget is over its objective (failover:rtoObjectiveMinutes): the compiler's code for the same finding.
    public const int OverObjective = Failover.Infra.Compiler.OverRecoveryObjective;
    /// Unexpected: a defect in failoverctl (the message says what; FAILOVER_DEBUG=1 shows the stack trace).
    public const int Defect = 70;
    /// Interrupted (Ctrl-C); whatever was already started keeps running.
    public const int Interrupted = 130;

    /// Every code and what it means, as the root command's --help lists them; each command's help says what its own mean for it.
    public static readonly IReadOnlyList<(int Code, string Meaning)> Meanings =
    [
        (Ok, "done"),
        (Failed, "a step failed: Pulumi, AWS, a configuration that cannot be read, or a run that did not do what it was started for"),
        (Usage, "the command line was wrong; nothing was done"),
        (Refused, "refused by a safety check or by the workflow's decision (BLOCKED, NO_ACTION); nothing was changed"),
        (Unknown, "the outcome is unknown: contact was lost while following a run that may still be going, or a readiness check could not read what it compares"),
        (OverObjective, "a recovery-time budget is over failover:rtoObjectiveMinutes (the compiler's code for the same)"),
        (Defect, "a defect in failoverctl (FAILOVER_DEBUG=1 shows the stack trace)"),
        (Interrupted, "interrupted (Ctrl-C); whatever was already started keeps running"),
    ];
}
