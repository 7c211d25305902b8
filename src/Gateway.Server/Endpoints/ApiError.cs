using System.Buffers;
using System.Text.Json;
using Gateway.Server.Primitives;
using Gateway.Tools;

namespace Gateway.Server.Endpoints;

/// <summary>A front door's refusal or failure, in the error shape of the API it speaks (OpenAI's, Anthropic's).</summary>
internal abstract class ApiError(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    /// <summary>The whole error object, also sent in-band when a stream fails after it started.</summary>
    public abstract void WriteTo(Utf8JsonWriter json);

    public void Respond(IHttpExchange exchange, ReadOnlySpan<byte> extraHeaderLines = default) =>
        exchange.Respond(StatusCode, ContentTypes.Json, ToJson(), extraHeaderLines);

    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(Message.Length + 96);
        using (var json = new Utf8JsonWriter(buffer, JsonStringEncoder.WriterOptions))
        {
            WriteTo(json);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The message of a refusal's SPEC §1 body, <c>{"error": message}</c>, for a route group that answers in its own shape.</summary>
    public static string MessageOfSpecBody(ReadOnlySpan<byte> specBody)
    {
        var reader = new Utf8JsonReader(specBody);
        reader.Read(); // {
        reader.Read(); // "error"
        reader.Read();
        return reader.GetString()!;
    }
}
