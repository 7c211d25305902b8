namespace Gateway.Server.Mcp;

/// <summary>MCP_SERVERS_FILE cannot be read or is not <c>{"mcpServers":{…}}</c>: the gateway does not start (exit code 2).</summary>
internal sealed class McpConfigException(string message, Exception? innerException = null) : Exception(message, innerException);
