namespace Gateway.Server.Mcp;

/// <summary>A call found its server not ready, or the server ended during the call; the message says which.</summary>
internal sealed class McpUnavailableException(string message) : Exception(message);
