using System.Globalization;
using Gateway.Server.Agents;
using Gateway.Server.Diagnostics;

namespace Gateway.Server.Configuration;

/// <summary>Settles BASH_SANDBOX once at start-up with a trial run of the sandbox (issue 14).</summary>
internal static class BashSandboxStartup
{
    /// <summary>
    /// <paramref name="options"/> with <see cref="AgentOptions.BashSandbox"/> set when bwrap is asked for (or auto) and works;
    /// null, with the reason on standard error, when BASH_SANDBOX=bwrap cannot work: the process must stop (exit code 2).
    /// </summary>
    public static async Task<GatewayOptions?> SettleAsync(GatewayOptions options, GatewayLog log)
    {
        if (options.SandboxMode == SandboxMode.None)
        {
            log.Info("bash runs unsandboxed, as the gateway itself (BASH_SANDBOX=none).");
            return options;
        }
        var sandbox = options.Sandbox;
        var agents = options.Agents;
        if (await sandbox.TryRunAsync(agents.WorkspaceRoot, "true").ConfigureAwait(false) is { } failure)
        {
            if (options.SandboxMode == SandboxMode.Bwrap)
            {
                Console.Error.WriteLine($"Configuration error: BASH_SANDBOX=bwrap, but the sandbox cannot run here: {failure}. "
                    + "Install bubblewrap (Debian: apt-get install bubblewrap) and util-linux, make WORKSPACE_ROOT and the directories above it "
                    + "searchable by the sandbox's uid (mode 0711 at least; docs/security.md), or set BASH_SANDBOX=none to run bash unconfined.");
                return null;
            }
            log.Warning($"bash runs unsandboxed, as the gateway itself: BASH_SANDBOX=auto and the sandbox cannot run here: {failure}.");
            return options;
        }
        var user = (sandbox.UserBase, agents.WorkspaceMode) switch
        {
            (null, _) => "the gateway's own uid",
            (var userBase, WorkspaceMode.Shared) => $"uid {userBase}",
            (var userBase, _) => $"a uid from {userBase + 1} on per session, which its directory belongs to",
        };
        log.Info(string.Create(CultureInfo.InvariantCulture,
            $"bash runs in bwrap: network {(sandbox.Network ? "on" : "off")}, at most {sandbox.MaxProcesses} processes, {sandbox.MaxMemoryMegabytes} MiB and {sandbox.CpuSeconds} s of CPU per process, as {user}."));
        // The operator's directory is not given away: who may write a shared workspace is theirs to decide.
        if (agents.WorkspaceMode == WorkspaceMode.Shared && sandbox.UserBase is { } sharedUser
            && await sandbox.TryRunAsync(agents.WorkspaceRoot, "test -w .").ConfigureAwait(false) is not null)
        {
            log.Warning(string.Create(CultureInfo.InvariantCulture,
                $"Sandboxed bash can read but not write WORKSPACE_ROOT ({agents.WorkspaceRoot}): give it to uid {sharedUser} (chown {sharedUser} <dir>), or use WORKSPACE_MODE=session."));
        }
        return options with { Agents = agents with { BashSandbox = sandbox } };
    }
}
