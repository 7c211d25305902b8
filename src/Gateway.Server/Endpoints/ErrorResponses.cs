using System.Buffers;
using System.Text.Json;
using Gateway.Server.Primitives;
using Gateway.Tools;

namespace Gateway.Server.Endpoints;

/// <summary>Endpoint error answers: <c>{"error": message}</c> with the message JSON-escaped (SPEC §1).</summary>
internal static class ErrorResponses
{
    public static void Respond(IHttpExchange exchange, int statusCode, string message, ReadOnlySpan<byte> extraHeaderLines = default)
    {
        var buffer = new ArrayBufferWriter<byte>(message.Length + 16);
        using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("error"u8, message);
            json.WriteEndObject();
        }
        exchange.Respond(statusCode, ContentTypes.Json, buffer.WrittenSpan, extraHeaderLines);
    }

    /// <summary>503 for what another instance or Redis holds and cannot be reached now; RFC 9110 §10.2.3: the client tries again in a second.</summary>
    public static void RespondUnreachable(IHttpExchange exchange, string message) => Respond(exchange, 503, message, "Retry-After: 1\r\n"u8);
}
