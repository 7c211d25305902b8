namespace Gateway.Server.Mcp;

/// <summary>The MCP_* variables: where the servers are configured and how long their calls, starts and restarts may take.</summary>
/// <param name="ServersFile">The full path of MCP_SERVERS_FILE; null when unset (no MCP servers).</param>
/// <param name="ToolTimeout">A tool call unanswered this long is cancelled (notifications/cancelled) and fails.</param>
/// <param name="StartTimeout">Initialize and the first tools/list of a server must finish within this.</param>
/// <param name="Sandbox">auto (follow BASH_SANDBOX's settled mode), none or bwrap.</param>
/// <param name="RestartMax">The cap of the doubling backoff between restarts of a failed server.</param>
internal sealed record McpOptions(string? ServersFile, TimeSpan ToolTimeout, TimeSpan StartTimeout, string Sandbox, TimeSpan RestartMax)
{
    /// <summary>No servers; the defaults --help prints.</summary>
    public static McpOptions Default { get; } = new(null, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), "auto", TimeSpan.FromSeconds(60));
}
