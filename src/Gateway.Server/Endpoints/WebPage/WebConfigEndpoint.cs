using System.Buffers;
using System.Text.Json;
using Gateway.Server.Agents;
using Gateway.Server.Primitives;

namespace Gateway.Server.Endpoints.WebPage;

/// <summary>
/// <c>GET /ui/config.json</c>: what the page needs to know of the server and the SPEC's events do not carry (the relay
/// timeout for its countdown, SPEC §4; the ping interval, §5; whether keys are required, §1; the body limit for attachments). No secret; served without a key.
/// </summary>
internal sealed class WebConfigEndpoint : IEndpoint
{
    private static ReadOnlySpan<byte> HeaderLines => "Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n"u8;

    private readonly byte[] _body;

    public WebConfigEndpoint(AgentOptions agents, bool keysRequired, long maxBodyBytes)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("relayTimeoutSeconds", agents.RelayTimeout.TotalSeconds);
            json.WriteNumber("pingIntervalSeconds", agents.PingInterval.TotalSeconds);
            json.WriteBoolean("keysRequired", keysRequired);
            json.WriteNumber("maxBodyBytes", maxBodyBytes);
            json.WriteEndObject();
        }
        _body = buffer.WrittenSpan.ToArray();
    }

    public ValueTask InvokeAsync(IHttpExchange exchange)
    {
        exchange.Respond(200, ContentTypes.Json, _body, HeaderLines);
        return ValueTask.CompletedTask;
    }
}
