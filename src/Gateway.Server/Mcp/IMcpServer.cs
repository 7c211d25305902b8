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

    /// <summary>Raised after <see cref="State"/> was swapped (tools listed or withdrawn, a status change).</summary>
    event Action? StateChanged;

    /// <summary>
    /// Calls <paramref name="toolName"/> (the server's own name for it). A tool's failure, or the server's error answer to
    /// the call, is a result with <see cref="CallToolResult.IsError"/> set.
    /// </summary>
    /// <exception cref="McpUnavailableException">The server is not ready, or ended during the call; the message says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired; the server was told (notifications/cancelled).</exception>
    Task<CallToolResult> CallToolAsync(
        string toolName, IReadOnlyDictionary<string, JsonElement> arguments, IProgress<ProgressNotificationValue> progress, CancellationToken cancellationToken);
}
