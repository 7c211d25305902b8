using System.Collections.Immutable;
using ModelContextProtocol.Protocol;

namespace Gateway.Server.Mcp;

/// <summary>One server as it is now: an immutable snapshot, replaced whole when anything changes.</summary>
/// <param name="Transport"><c>stdio</c> or <c>http</c>.</param>
/// <param name="Tools">Its tools as it listed them; empty unless <see cref="McpServerStatus.Ready"/>.</param>
/// <param name="Restarts">Starts after the first one.</param>
/// <param name="Pid">The process holding the server's group (stdio, while it runs).</param>
/// <param name="NextAttemptAt">When the next start is due (<see cref="McpServerStatus.Backoff"/>).</param>
internal sealed record McpServerState(
    string Name,
    string Transport,
    string Scope,
    McpServerStatus Status,
    ImmutableArray<Tool> Tools,
    int Restarts,
    int? Pid = null,
    string? ProtocolVersion = null,
    string? ServerName = null,
    string? ServerVersion = null,
    string? LastError = null,
    DateTimeOffset? LastErrorAt = null,
    DateTimeOffset? NextAttemptAt = null);
