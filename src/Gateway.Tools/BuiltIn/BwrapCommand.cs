using System.Globalization;

namespace Gateway.Tools.BuiltIn;

/// <summary>The command line, after <c>setsid</c>, that contains one <c>bash</c> call (issue 14, <c>BASH_SANDBOX=bwrap</c>).</summary>
public static class BwrapCommand
{
    /// <summary>The gateway's variables a command still sees; everything else (API keys) stays out.</summary>
    public static readonly IReadOnlyList<string> PassedVariables = ["PATH", "LANG", "LC_ALL", "TZ", "TERM"];

    /// <summary>
    /// <c>[setpriv …] prlimit … bwrap … -- sh -c <paramref name="command"/></c>: as the context's sandbox uid, within the
    /// sandbox's limits, the system read-only, a private <c>/tmp</c>, only the workspace writable (its siblings hidden
    /// when it is a session's own), its own PID, IPC, UTS and network namespaces (the host's network when allowed),
    /// killed with its parent.
    /// </summary>
    /// <param name="environment">Reads the gateway's variables (<see cref="Environment.GetEnvironmentVariable(string)"/>; a test's stand-in).</param>
    /// <param name="workingDirectory">Where the command starts: inside the workspace, the only directory bound (default: the workspace).</param>
    public static List<string> Arguments(ToolContext context, string command, Func<string, string?> environment, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(environment);
        var sandbox = context.Sandbox ?? throw new ArgumentException("The context has no sandbox.", nameof(context));
        var workspace = context.WorkspaceRoot;
        List<string> arguments = [];
        if (context.SandboxUser is { } user)
        {
            // A real unprivileged host uid: bwrap's --uid alone maps to host root when the gateway is root, which
            // reads /etc/shadow and is exempt from RLIMIT_NPROC.
            var id = user.ToString(CultureInfo.InvariantCulture);
            arguments.AddRange(["setpriv", $"--reuid={id}", $"--regid={id}", "--clear-groups"]);
        }
        arguments.AddRange(
        [
            "prlimit",
            Limit("nproc", sandbox.MaxProcesses),
            Limit("as", sandbox.MaxMemoryMegabytes * 1024L * 1024),
            Limit("cpu", sandbox.CpuSeconds),
            "bwrap",
            "--ro-bind", "/", "/",
            "--dev", "/dev",
            // A fresh /proc of the sandbox's own PID namespace: no other process, no /proc/<gateway>/environ.
            "--proc", "/proc",
            // Before the workspace: a tmpfs mounted later would hide a workspace under /tmp.
            "--tmpfs", "/tmp",
        ]);
        if (context.HiddenRoot is { } hidden)
        {
            // An empty WORKSPACE_ROOT with only this session's directory bound back into it: no other session's files.
            arguments.AddRange(["--tmpfs", hidden]);
        }
        arguments.AddRange(
        [
            "--bind", workspace, workspace,
            "--chdir", workingDirectory ?? workspace,
            "--unshare-all",
            // The PID namespace dies with bwrap, so one SIGKILL to bwrap ends every process of the call.
            "--die-with-parent",
            // No TIOCSTI into a terminal the gateway may hold (CVE-2017-5226).
            "--new-session",
            "--clearenv",
            "--setenv", "HOME", workspace,
        ]);
        if (sandbox.Network)
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

    /// <summary>prlimit(1)'s <c>--name=soft:hard</c>, both the same so the command cannot raise it.</summary>
    private static string Limit(string name, long value) =>
        string.Create(CultureInfo.InvariantCulture, $"--{name}={value}:{value}");
}
