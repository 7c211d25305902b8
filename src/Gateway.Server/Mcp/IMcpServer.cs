using System.Text.Json;
using Gateway.Tools;
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

    /// <summary>
    /// Calls <paramref name="toolName"/> for <paramref name="session"/>: a per-session server ("scope":"session") answers from
    /// the session's own instance (started on its first call, ended with the session); a shared one as above.
    /// </summary>
    /// <exception cref="McpUnavailableException">The server is not ready, its instance did not start, or it ended during the call.</exception>
    Task<CallToolResult> CallToolAsync(
        string toolName, IReadOnlyDictionary<string, JsonElement> arguments, IProgress<ProgressNotificationValue> progress, ToolContext session,
        CancellationToken cancellationToken) =>
        CallToolAsync(toolName, arguments, progress, cancellationToken);

    /// <summary>How many sessions hold an instance of their own of a per-session server; 0 for a shared one.</summary>
    int SessionInstances => 0;
}
