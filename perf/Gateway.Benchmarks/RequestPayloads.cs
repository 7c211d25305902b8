using System.Text;

namespace Gateway.Benchmarks;

/// <summary>The request heads the benchmarks parse, as a client sends them.</summary>
/// <remarks>
/// Shaped on what a streaming chat client sends (an SSE accept, a bearer token, a request id),
/// not recorded from a live client: replace them with real captures once /chat is served.
/// </remarks>
internal static class RequestPayloads
{
    /// <summary>The JSON body that follows <see cref="ChatPost"/>; only its length matters to the head parser.</summary>
    public static readonly byte[] ChatBody =
        """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Summarise RFC 9112 section 6 in one sentence."}]}"""u8.ToArray();

    /// <summary>A 10-header streaming chat request, head and body.</summary>
    public static readonly byte[] ChatPost = Concat(
        "POST /chat HTTP/1.1\r\n" +
        "Host: gateway.internal:8080\r\n" +
        "User-Agent: gateway-client/0.1.0 (.NET 10.0; linux-x64)\r\n" +
        "Accept: text/event-stream\r\n" +
        "Content-Type: application/json\r\n" +
        $"Content-Length: {ChatBody.Length}\r\n" +
        "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiZW5jaC11c2VyIiwiaWF0IjoxNzY0MjkxNjAwfQ.3q2ULcVJwMd7Q5lYl0aJk3r7i2Qy9Jp0eWm1R8Zx4sE\r\n" +
        "Accept-Encoding: gzip, deflate, br\r\n" +
        "Connection: keep-alive\r\n" +
        "X-Request-Id: 7c9e6679-7425-40de-944b-e07fc1f90ae7\r\n" +
        "Cache-Control: no-cache\r\n" +
        "\r\n",
        ChatBody);

    /// <summary>A load balancer's liveness probe: the smallest request HTTP/1.1 allows (Host is required, RFC 9112 §3.2).</summary>
    public static readonly byte[] HealthGet = "GET /health HTTP/1.1\r\nHost: localhost:8080\r\n\r\n"u8.ToArray();

    public const int ChatPostHeaderCount = 10;

    public const int HealthGetHeaderCount = 1;

    private static byte[] Concat(string head, byte[] body) => [.. Encoding.ASCII.GetBytes(head), .. body];
}
