namespace Gateway.Tools.BuiltIn;

/// <summary>The bwrap(1) command line that contains one <c>bash</c> call (issue 14, <c>BASH_SANDBOX=bwrap</c>).</summary>
public static class BwrapCommand
{
    public const string Program = "bwrap";

    /// <summary>The gateway's variables a command still sees; everything else (API keys) stays out.</summary>
    public static readonly IReadOnlyList<string> PassedVariables = ["PATH", "LANG", "LC_ALL", "TZ", "TERM"];

    /// <summary>
    /// bwrap's arguments to run <c>sh -c <paramref name="command"/></c>: the system read-only, a private <c>/tmp</c>,
    /// only <paramref name="workspace"/> writable, its own PID, IPC, UTS and network namespaces (the host's network
    /// when <paramref name="network"/>), killed with its parent.
    /// </summary>
    /// <param name="environment">Reads the gateway's variables (<see cref="Environment.GetEnvironmentVariable(string)"/>; a test's stand-in).</param>
    public static List<string> Arguments(string workspace, string command, bool network, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        List<string> arguments =
        [
            "--ro-bind", "/", "/",
            "--dev", "/dev",
            // A fresh /proc of the sandbox's own PID namespace: no other process, no /proc/<gateway>/environ.
            "--proc", "/proc",
            // Before the workspace: a tmpfs mounted later would hide a workspace under /tmp.
            "--tmpfs", "/tmp",
            "--bind", workspace, workspace,
            "--chdir", workspace,
            "--unshare-all",
            // The PID namespace dies with bwrap, so one SIGKILL to bwrap ends every process of the call.
            "--die-with-parent",
            // No TIOCSTI into a terminal the gateway may hold (CVE-2017-5226).
            "--new-session",
            "--clearenv",
            "--setenv", "HOME", workspace,
        ];
        if (network)
        {
            arguments.Add("--share-net");
        }
        foreach (var name in PassedVariables)
        {
            if (environment(name) is { } value)
            {
                arguments.AddRange(["--setenv", name, value]);
            }
        }
        arguments.AddRange(["--", "sh", "-c", command]);
        return arguments;
    }
}
