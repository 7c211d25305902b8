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
    public ReadOnlySpan<byte> Rejection(int statusCode, ReadOnlySpan<byte> specBody) =>
        OpenAiError.FromProvider(ApiError.MessageOfSpecBody(specBody), statusCode).ToJson();
}
