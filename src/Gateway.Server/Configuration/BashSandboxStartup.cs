using System.Globalization;
using Gateway.Server.Agents;
using Gateway.Server.Diagnostics;
using Gateway.Tools.BuiltIn;

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
        var failure = await sandbox.ProbeAsync(agents.WorkspaceRoot).ConfigureAwait(false);
        if (failure is null && agents.WorkspaceMode == WorkspaceMode.Shared)
        {
            failure = GiveSharedWorkspace(sandbox, agents.WorkspaceRoot);
        }
        if (failure is not null)
        {
            if (options.SandboxMode == SandboxMode.Bwrap)
            {
                Console.Error.WriteLine($"Configuration error: BASH_SANDBOX=bwrap, but the sandbox cannot run here: {failure}. "
                    + "Install bubblewrap (Debian: apt-get install bubblewrap) and util-linux, or set BASH_SANDBOX=none to run bash unconfined.");
                return null;
            }
            log.Warning($"bash runs unsandboxed, as the gateway itself: BASH_SANDBOX=auto and the sandbox cannot run here: {failure}.");
            return options;
        }
        var user = (sandbox.UserBase, agents.WorkspaceMode) switch
        {
            (null, _) => "the gateway's own uid",
            (var userBase, WorkspaceMode.Shared) => $"uid {userBase}, which WORKSPACE_ROOT ({agents.WorkspaceRoot}) now belongs to",
            (var userBase, _) => $"a uid from {userBase + 1} on per session, which its directory belongs to",
        };
        log.Info(string.Create(CultureInfo.InvariantCulture,
            $"bash runs in bwrap: network {(sandbox.Network ? "on" : "off")}, at most {sandbox.MaxProcesses} processes, {sandbox.MaxMemoryMegabytes} MiB and {sandbox.CpuSeconds} s of CPU per process, as {user}."));
        return options with { Agents = agents with { BashSandbox = sandbox } };
    }

    /// <summary>A shared workspace belongs to the sandbox's uid, so that its commands can write there; null when done.</summary>
    private static string? GiveSharedWorkspace(BashSandbox sandbox, string workspace)
    {
        try
        {
            sandbox.Adopt(workspace);
            return null;
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }
}
