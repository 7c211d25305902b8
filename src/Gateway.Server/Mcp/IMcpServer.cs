using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gateway.Server.Mcp;

/// <summary>What the tool registry sees of one server; the supervisor implements it, tests fake it.</summary>
internal interface IMcpServer
{
    string Name { get; }

    /// <summary>An immutable snapshot, swapped atomically.</summary>
    McpServerState State { get; }

    /// <summary>Raised after <see cref="State"/> was swapped (tools listed or withdrawn, a change of status).</summary>
    event Action? StateChanged;

    /// <summary>Calls one of the server's tools by its own (original) name.</summary>
    /// <exception cref="McpUnavailableException">Not ready, or the server went away during the call; never the SDK's transport exceptions.</exception>
    Task<CallToolResult> CallToolAsync(
        string toolName, IReadOnlyDictionary<string, JsonElement> arguments, IProgress<ProgressNotificationValue> progress, CancellationToken token);
}

/// <summary>A call could not reach its server; the message says why ("not ready", "server exited (code N) during the call").</summary>
internal sealed class McpUnavailableException(string message) : Exception(message);
