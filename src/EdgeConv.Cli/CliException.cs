namespace EdgeConv.Cli;

/// <summary>A user-facing error: printed as one line, exit code 2 (usage) or 1 (failure).</summary>
internal sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
