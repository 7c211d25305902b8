using System.Buffers;
using System.Text.Json;
using Gateway.Server.Routing;

namespace Gateway.Server.Endpoints.OpenAi;

/// <summary>The answers the server gives without an endpoint under <c>/v1</c>, as OpenAI's error object, the shape OpenAI's clients parse.</summary>
internal sealed class OpenAiRefusalShape : IRefusalShape
{
    public static OpenAiRefusalShape Instance { get; } = new();

    private OpenAiRefusalShape()
    {
    }

    public ReadOnlySpan<byte> Unauthorized =>
        """{"error":{"message":"Incorrect or missing API key: send 'Authorization: Bearer <key>' with one of the gateway's keys","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"""u8;

    public ReadOnlySpan<byte> NotFound => """{"error":{"message":"Not Found","type":"invalid_request_error","param":null,"code":"unknown_url"}}"""u8;

    public ReadOnlySpan<byte> MethodNotAllowed =>
        """{"error":{"message":"Method Not Allowed","type":"invalid_request_error","param":null,"code":"method_not_allowed"}}"""u8;

    /// <summary>Rare enough to be built when needed.</summary>
    public ReadOnlySpan<byte> Rejection(int statusCode, ReadOnlySpan<byte> specBody)
    {
        var reader = new Utf8JsonReader(specBody);
        reader.Read(); // {
        reader.Read(); // "error"
        reader.Read();
        var message = reader.GetString();
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("error"u8);
            json.WriteString("message"u8, message);
            // OpenAI's own 429 says "requests" and "rate_limit_exceeded", which its clients and SDKs recognise.
            json.WriteString("type"u8, statusCode == 429 ? "requests"u8 : statusCode >= 500 ? "server_error"u8 : "invalid_request_error"u8);
            json.WriteNull("param"u8);
            if (statusCode == 429)
            {
                json.WriteString("code"u8, "rate_limit_exceeded"u8);
            }
            else
            {
                json.WriteNull("code"u8);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan;
    }
}
