using System.Diagnostics;
using System.Globalization;
using Gateway.Server.Diagnostics;
using Gateway.Tools;
using Gateway.Tools.BuiltIn;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gateway.Server.Mcp;

/// <summary>A stdio server (MCP 2025-11-25 "stdio" transport): our own process in its own group, its stdin and stdout the protocol.</summary>
/// <remarks>
/// Not the SDK's StdioClientTransport: it forks on whatever thread connects, and bwrap's --die-with-parent would kill the
/// server with that thread; we also need setsid and the sandbox's command line (design §1c).
/// </remarks>
internal sealed class McpStdioConnection : IMcpConnection
{
    /// <summary>How long a closing server has to exit by itself once its stdin is closed before its group is killed (trap 3).</summary>
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(1);

    /// <summary>How long a server whose pipes closed may take to be seen exiting.</summary>
    private static readonly TimeSpan ExitSeen = TimeSpan.FromSeconds(1);

    private readonly Process _process;
    private readonly McpStderrTail _stderr;

    /// <summary>Set when <see cref="Ended"/> completes: a call failing as the process is disposed still says how it ended.</summary>
    private int? _exitCode;

    private McpStdioConnection(Process process, string server, GatewayLog log)
    {
        _process = process;
        Pid = process.Id;
        _stderr = new McpStderrTail(process.StandardError, server, log);
        Ended = WaitForExitAsync();
        Transport = new StreamClientTransport(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, loggerFactory: null);
    }

    public IClientTransport Transport { get; }

    public int? Pid { get; }

    public bool IsRemote => false;

    public Task Ended { get; }

    public string ErrorTail => _stderr.Text;

    /// <summary>Starts <paramref name="command"/> in <paramref name="context"/>'s sandbox when it has one, as the context's workspace's server.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">setsid cannot be started, or not in the working directory.</exception>
    public static async Task<McpStdioConnection> StartAsync(McpStdioCommand command, ToolContext context, string server, GatewayLog log)
    {
        command = command.For(context.WorkspaceRoot);
        var workingDirectory = command.Cwd ?? context.WorkspaceRoot;
        var environment = ServerProcess.Environment(command.Env, context.WorkspaceRoot, Environment.GetEnvironmentVariable);
        var process = await ServerProcess.StartAsync(context, [command.Command, .. command.Args], environment, command.Network, workingDirectory).ConfigureAwait(false);
        return new McpStdioConnection(process, server, log);
    }

    public async Task<string?> EndedBecauseAsync() =>
        await CompletesWithinAsync(Ended, ExitSeen).ConfigureAwait(false) && _exitCode is { } code
            ? string.Create(CultureInfo.InvariantCulture, $"exited (code {code})")
            : null;

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Its end of the pipe is gone already, or the client closed ours.
        }
        // Node servers outlive stdin EOF while work is pending (trap 3): then the group is killed.
        await CompletesWithinAsync(Ended, ExitGrace).ConfigureAwait(false);
        // The whole group, also what the server started and left running.
        await ServerProcess.KillAsync(_process.Id).ConfigureAwait(false);
        // Seen exiting before the process is disposed, so its exit code stays known.
        await CompletesWithinAsync(Ended, ExitGrace).ConfigureAwait(false);
        // A process that left the group may hold stderr open: it is not waited for.
        await CompletesWithinAsync(_stderr.Reading, ExitGrace).ConfigureAwait(false);
        _process.Dispose();
    }

    private async Task WaitForExitAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _exitCode = _process.ExitCode;
    }

    private static async Task<bool> CompletesWithinAsync(Task task, TimeSpan limit)
    {
        try
        {
            await task.WaitAsync(limit).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
