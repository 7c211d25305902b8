using Gateway.Server.Routing;

namespace Gateway.Server.Endpoints.Anthropic;

/// <summary>The answers the server gives without an endpoint under <c>/v1/messages</c>, in Anthropic's error shape.</summary>
internal sealed class AnthropicRefusalShape : IRefusalShape
{
    public static AnthropicRefusalShape Instance { get; } = new();

    private AnthropicRefusalShape()
    {
    }

    public ReadOnlySpan<byte> Unauthorized =>
        """{"type":"error","error":{"type":"authentication_error","message":"Incorrect or missing API key: send 'x-api-key: <key>' or 'Authorization: Bearer <key>' with one of the gateway's keys"}}"""u8;

    public ReadOnlySpan<byte> NotFound => """{"type":"error","error":{"type":"not_found_error","message":"Not Found"}}"""u8;

    public ReadOnlySpan<byte> MethodNotAllowed => """{"type":"error","error":{"type":"invalid_request_error","message":"Method Not Allowed"}}"""u8;

    /// <summary>Rare enough to be built when needed.</summary>
    public ReadOnlySpan<byte> Rejection(int statusCode, ReadOnlySpan<byte> specBody) => new AnthropicError(statusCode, ApiError.MessageOfSpecBody(specBody)).ToJson();
}
