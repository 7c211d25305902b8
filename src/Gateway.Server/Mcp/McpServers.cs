using Gateway.Server.Diagnostics;
using Gateway.Tools;
using Gateway.Tools.BuiltIn;

namespace Gateway.Server.Mcp;

/// <summary>The servers of MCP_SERVERS_FILE, each kept running by its own <see cref="McpServerSupervisor"/>: shared by every session, or (scope "session") a template plus an instance per session.</summary>
internal sealed class McpServers : IAsyncDisposable
{
    private readonly McpServerSupervisor[] _supervisors;

    /// <param name="workspaceRoot">Where stdio servers start (unless their entry says <c>cwd</c>) and, sandboxed, the one writable directory.</param>
    /// <param name="sandbox">What contains stdio servers (<see cref="Sandbox"/>); null runs them unconfined, with a cleared environment still.</param>
    /// <param name="time">The clock of backoffs and pings; tests step a fake one.</param>
    public McpServers(IReadOnlyList<McpServerConfig> configs, McpOptions options, string workspaceRoot, BashSandbox? sandbox, GatewayLog log, TimeProvider? time = null)
    {
        var context = new ToolContext(workspaceRoot, sandbox);
        _supervisors = [.. configs.Select(c => new McpServerSupervisor(c, options, Connect(c, context, log), log, time ?? TimeProvider.System))];
    }

    public IReadOnlyList<IMcpServer> Servers => _supervisors;

    /// <summary>MCP_SANDBOX settled: <c>auto</c> follows bash's settled sandbox, <c>bwrap</c> uses bash's settings even where bash runs unconfined.</summary>
    /// <param name="bash">Bash's sandbox as BASH_SANDBOX settled (null: none).</param>
    /// <param name="settings">The BASH_* limits, for <c>bwrap</c> when bash has no sandbox.</param>
    public static BashSandbox? Sandbox(string mode, BashSandbox? bash, BashSandbox settings) => mode switch
    {
        "none" => null,
        "bwrap" => bash ?? settings,
        _ => bash,
    };

    /// <summary>Starts every server in the background: start-up and /health never wait for one.</summary>
    public void Start()
    {
        foreach (var supervisor in _supervisors)
        {
            supervisor.Start();
        }
    }

    /// <summary>Stops every server at once: stdin closed, at most 1 s to exit, then its group killed.</summary>
    public async ValueTask DisposeAsync() =>
        await Task.WhenAll(_supervisors.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);

    private static Func<ToolContext?, CancellationToken, Task<IMcpConnection>> Connect(McpServerConfig config, ToolContext context, GatewayLog log) => config switch
    {
        { Stdio: { } command } => async (session, _) => await McpStdioConnection.StartAsync(command, ServerContext(session, context), config.Name, log).ConfigureAwait(false),
        // A new connection is a new MCP session (Mcp-Session-Id), a session's own one too.
        { Http: { } endpoint } => (_, _) => Task.FromResult<IMcpConnection>(new McpHttpConnection(config.Name, endpoint)),
        // An invalid entry's supervisor never starts it.
        _ => (_, _) => throw new InvalidOperationException($"MCP server {config.Name} has nothing to start."),
    };

    /// <summary>
    /// Where a stdio server runs: the servers' own context, or for a session's own instance the session's workspace (its own
    /// directory under WORKSPACE_MODE=session) — seen as the session's <c>bash</c> sees it (its uid, other sessions hidden)
    /// when MCP_SANDBOX settled on bash's sandbox.
    /// </summary>
    private static ToolContext ServerContext(ToolContext? session, ToolContext servers) => session switch
    {
        null => servers,
        _ when session.Sandbox == servers.Sandbox => session,
        _ => new ToolContext(session.WorkspaceRoot, servers.Sandbox),
    };
}
