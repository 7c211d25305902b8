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
}
