using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using Gateway.Server.Mcp;
using Gateway.Server.Primitives;
using Gateway.Tools;

namespace Gateway.Server.Endpoints;

/// <summary><c>GET /mcp/servers</c> (docs/api.md): each MCP server's state, tools and last error; <c>{"servers":[]}</c> when none is configured.</summary>
/// <param name="tools">The servers' tools as offered to agents; null when no server is configured.</param>
internal sealed class McpServersEndpoint(IReadOnlyList<IMcpServer> servers, McpToolRegistry? tools) : IEndpoint
{
    public ValueTask InvokeAsync(IHttpExchange exchange)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartArray("servers"u8);
            var offers = (tools?.Catalog ?? McpToolCatalog.Empty).Offers;
            foreach (var server in servers)
            {
                Write(json, server.State, server.SessionInstances, offers);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        exchange.Respond(200, ContentTypes.Json, buffer.WrittenSpan);
        return ValueTask.CompletedTask;
    }

    /// <param name="sessions">How many sessions hold an instance of their own (written for a per-session server only).</param>
    private static void Write(Utf8JsonWriter json, McpServerState state, int sessions, ImmutableArray<McpToolOffer> offers)
    {
        json.WriteStartObject();
        json.WriteString("name"u8, state.Name);
        json.WriteString("transport"u8, state.Transport);
        json.WriteString("scope"u8, state.Scope);
        json.WriteString("state"u8, StateName(state.Status));
        if (state.Pid is { } pid)
        {
            json.WriteNumber("pid"u8, pid);
        }
        if (state.ProtocolVersion is { } protocolVersion)
        {
            json.WriteString("protocolVersion"u8, protocolVersion);
        }
        if (state.ServerName is { } serverName)
        {
            json.WriteStartObject("serverInfo"u8);
            json.WriteString("name"u8, serverName);
            if (state.ServerVersion is { } serverVersion)
            {
                json.WriteString("version"u8, serverVersion);
            }
            json.WriteEndObject();
        }
        json.WriteStartArray("tools"u8);
        foreach (var offer in offers.Where(o => o.Server == state.Name))
        {
            json.WriteStartObject();
            json.WriteString("name"u8, offer.Name);
            json.WriteString("original"u8, offer.Original);
            if (offer.Dropped is { } dropped)
            {
                json.WriteString("dropped"u8, dropped);
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteNumber("restarts"u8, state.Restarts);
        if (state.Scope == McpServerConfig.PerSession)
        {
            json.WriteNumber("sessions"u8, sessions);
        }
        if (state.LastError is { } lastError)
        {
            json.WriteString("lastError"u8, lastError);
        }
        if (state.LastErrorAt is { } lastErrorAt)
        {
            json.WriteString("lastErrorAt"u8, lastErrorAt);
        }
        if (state.NextAttemptAt is { } nextAttemptAt)
        {
            json.WriteString("nextAttemptAt"u8, nextAttemptAt);
        }
        json.WriteEndObject();
    }

    private static ReadOnlySpan<byte> StateName(McpServerStatus status) => status switch
    {
        McpServerStatus.Starting => "starting"u8,
        McpServerStatus.Ready => "ready"u8,
        McpServerStatus.Backoff => "backoff"u8,
        McpServerStatus.Stopped => "stopped"u8,
        _ => "invalid"u8,
    };
}
