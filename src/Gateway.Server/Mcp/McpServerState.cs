using System.Collections.Immutable;
using ModelContextProtocol.Protocol;

namespace Gateway.Server.Mcp;

/// <summary>Where a configured MCP server is in its life.</summary>
internal enum McpServerStatus
{
    Starting,
    Ready,
    Backoff,
    Stopped,
    Invalid,
}

/// <summary>One server as the tool registry and the admin view see it: an immutable snapshot, swapped whole.</summary>
/// <param name="Tools">The tools it listed while <see cref="McpServerStatus.Ready"/>; empty otherwise.</param>
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
