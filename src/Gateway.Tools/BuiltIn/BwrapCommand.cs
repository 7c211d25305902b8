using System.Globalization;

namespace Gateway.Tools.BuiltIn;

/// <summary>The command line, after <c>setsid</c>, that contains one <c>bash</c> call or one MCP server (issue 14, <c>BASH_SANDBOX=bwrap</c>; issue 18).</summary>
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
        var sandbox = SandboxOf(context);
        var arguments = Confined(context, sandbox.CpuSeconds, readOnly: [], workingDirectory, sandbox.Network);
        arguments.AddRange(["--clearenv", "--setenv", "HOME", context.WorkspaceRoot]);
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

    /// <summary>
    /// <c>[setpriv …] prlimit … bwrap … -- <paramref name="command"/></c> for a long-lived MCP server: confined as a
    /// <c>bash</c> call but with no CPU-time limit (it would add up over hours; a call's timeout bounds the work), no
    /// shell, the host's network only when <paramref name="network"/>, and read-only the directories under <c>/tmp</c>
    /// that its command line names (the private <c>/tmp</c> would hide them). Its environment is the process's own
    /// (<see cref="ServerProcess.Environment"/>), already cleared.
    /// </summary>
    /// <param name="workingDirectory">Where it starts (default: the workspace).</param>
    public static List<string> ServerArguments(ToolContext context, IReadOnlyList<string> command, bool network, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(command);
        var arguments = Confined(context, cpuSeconds: null, TmpDirectories(workingDirectory is null ? command : [.. command, workingDirectory]), workingDirectory, network);
        arguments.Add("--");
        arguments.AddRange(command);
        return arguments;
    }

    private static BashSandbox SandboxOf(ToolContext context) =>
        context.Sandbox ?? throw new ArgumentException("The context has no sandbox.", nameof(context));

    /// <summary>Everything before the sandbox's environment and command: uid, limits, mounts, namespaces.</summary>
    private static List<string> Confined(ToolContext context, int? cpuSeconds, IEnumerable<string> readOnly, string? workingDirectory, bool network)
    {
        var sandbox = SandboxOf(context);
        var workspace = context.WorkspaceRoot;
        List<string> arguments = [];
        if (context.SandboxUser is { } user)
        {
            // A real unprivileged host uid: bwrap's --uid alone maps to host root when the gateway is root, which
            // reads /etc/shadow and is exempt from RLIMIT_NPROC.
            var id = user.ToString(CultureInfo.InvariantCulture);
            arguments.AddRange(["setpriv", $"--reuid={id}", $"--regid={id}", "--clear-groups"]);
        }
        arguments.AddRange(["prlimit", Limit("nproc", sandbox.MaxProcesses), Limit("as", sandbox.MaxMemoryMegabytes * 1024L * 1024)]);
        if (cpuSeconds is { } seconds)
        {
            arguments.Add(Limit("cpu", seconds));
        }
        arguments.AddRange(
        [
            "bwrap",
            "--ro-bind", "/", "/",
            "--dev", "/dev",
            // A fresh /proc of the sandbox's own PID namespace: no other process, no /proc/<gateway>/environ.
            "--proc", "/proc",
            // Before the workspace: a tmpfs mounted later would hide a workspace under /tmp.
            "--tmpfs", "/tmp",
        ]);
        foreach (var directory in readOnly)
        {
            arguments.AddRange(["--ro-bind-try", directory, directory]);
        }
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
        ]);
        if (network)
        {
            arguments.Add("--share-net");
        }
        return arguments;
    }

    /// <summary>
    /// For each absolute path under <c>/tmp</c> in <paramref name="paths"/>, its top directory there (<c>/tmp/a</c> for
    /// <c>/tmp/a/b/index.js</c>): node looks for imports in the <c>node_modules</c> of every directory above a script.
    /// </summary>
    private static IEnumerable<string> TmpDirectories(IEnumerable<string> paths) =>
        paths.Where(p => p.StartsWith("/tmp/", StringComparison.Ordinal))
            .Select(p => Path.GetFullPath(p))
            .Where(p => p.StartsWith("/tmp/", StringComparison.Ordinal) && p.Length > "/tmp/".Length)
            .Select(p => p[..(p.IndexOf('/', 5) is var end and > 0 ? end : p.Length)])
            .Distinct(StringComparer.Ordinal);

    /// <summary>prlimit(1)'s <c>--name=soft:hard</c>, both the same so the command cannot raise it.</summary>
    private static string Limit(string name, long value) =>
        string.Create(CultureInfo.InvariantCulture, $"--{name}={value}:{value}");
}
