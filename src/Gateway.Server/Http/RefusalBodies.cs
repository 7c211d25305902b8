namespace Gateway.Server.Http;

/// <summary>
/// The bodies of the answers the connection gives without an endpoint (401, 404, 405): SPEC §1's
/// <c>{"error": message}</c>, or under <c>/v1/</c> OpenAI's error object, the shape OpenAI's clients parse.
/// </summary>
internal static class RefusalBodies
{
    public static bool IsOpenAiPath(ReadOnlySpan<byte> path) => path.StartsWith("/v1/"u8) || path.SequenceEqual("/v1"u8);

    public static ReadOnlySpan<byte> Unauthorized(bool openAi) => openAi
        ? """{"error":{"message":"Incorrect or missing API key: send 'Authorization: Bearer <key>' with one of the gateway's keys","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"""u8
        : """{"error":"Unauthorized"}"""u8;

    public static ReadOnlySpan<byte> NotFound(bool openAi) => openAi
        ? """{"error":{"message":"Not Found","type":"invalid_request_error","param":null,"code":"unknown_url"}}"""u8
        : """{"error":"Not Found"}"""u8;

    public static ReadOnlySpan<byte> MethodNotAllowed(bool openAi) => openAi
        ? """{"error":{"message":"Method Not Allowed","type":"invalid_request_error","param":null,"code":"method_not_allowed"}}"""u8
        : """{"error":"Method Not Allowed"}"""u8;
}
