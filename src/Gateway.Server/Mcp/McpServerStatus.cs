namespace Gateway.Server.Mcp;

/// <summary>Where a server is in its life (GET /mcp/servers' <c>state</c>).</summary>
internal enum McpServerStatus
{
    /// <summary>Being started, initialized and asked for its tools.</summary>
    Starting,

    /// <summary>Initialized; its tools are offered.</summary>
    Ready,

    /// <summary>Failed or exited; waiting before the next start.</summary>
    Backoff,

    /// <summary>Disabled, not supported yet, or stopped with the gateway.</summary>
    Stopped,

    /// <summary>Its entry in MCP_SERVERS_FILE is wrong; never started.</summary>
    Invalid,
}
