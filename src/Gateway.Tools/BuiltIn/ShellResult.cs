namespace Gateway.Tools.BuiltIn;

/// <summary>How a <see cref="ShellCommand"/> ended: its exit code and captured output, or killed at its timeout (output then empty, SPEC §7).</summary>
public readonly record struct ShellResult(int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    /// <summary>SPEC §7: output of a killed command is not reported, and its exit code is −1.</summary>
    public static ShellResult Killed { get; } = new(-1, "", "", TimedOut: true);
}
