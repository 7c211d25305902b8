using System.Globalization;
using System.Text;

namespace Gateway.IntegrationTests.Infrastructure.Upstream;

/// <summary>What the fake upstream answers to one request: status, headers, body pieces, timing, and how it ends.</summary>
internal sealed record UpstreamReply
{
    public int Status { get; init; } = 200;

    public string Reason { get; init; } = "OK";

    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];

    /// <summary>The body, each piece written (and flushed) on its own.</summary>
    public IReadOnlyList<byte[]> Pieces { get; init; } = [];

    /// <summary>Silence before the status line (a slow first byte).</summary>
    public TimeSpan HeadDelay { get; init; }

    /// <summary>Silence after the head, before the first body piece.</summary>
    public TimeSpan BodyDelay { get; init; }

    /// <summary>Silence between body pieces, so each one reaches the client in its own read.</summary>
    public TimeSpan PieceDelay { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>When set, each piece after the first also waits for one release of this gate: the test says when.</summary>
    public SemaphoreSlim? PieceGate { get; init; }

    /// <summary>Every piece as its own HTTP chunk, with the terminator, in one write and no pauses (as the lab's mock upstream answers).</summary>
    public bool OneWrite { get; init; }

    /// <summary>After the pieces: close the socket without ending the chunked body (a cut stream).</summary>
    public bool Cut { get; init; }

    /// <summary>After the pieces: keep the connection open, sending nothing, until the client closes it.</summary>
    public bool Hold { get; init; }

    /// <summary>An SSE answer (chunked, <c>text/event-stream</c>), split as <paramref name="chunking"/> says.</summary>
    public static UpstreamReply Sse(string body, Chunking? chunking = null) => Sse(Encoding.UTF8.GetBytes(body), chunking);

    /// <summary>An SSE answer of exactly these bytes, which need not be UTF-8.</summary>
    public static UpstreamReply Sse(byte[] body, Chunking? chunking = null) => new()
    {
        Headers = [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")],
        Pieces = (chunking ?? Chunking.Whole).Split(body),
    };

    /// <summary>One streamed OpenAI chat completion: a chunk with this choice, then one with the usage, then [DONE].</summary>
    public static UpstreamReply OpenAiTurn(string choice, int inputTokens, int outputTokens) => Sse(string.Create(CultureInfo.InvariantCulture, $$$"""
        data: {"choices":[{{{choice}}}]}

        data: {"choices":[],"usage":{"prompt_tokens":{{{inputTokens}}},"completion_tokens":{{{outputTokens}}}}}

        data: [DONE]


        """));

    public static UpstreamReply Json(string body, int status = 200, string reason = "OK", params (string, string)[] headers) => new()
    {
        Status = status,
        Reason = reason,
        Headers = [("Content-Type", "application/json"), .. headers],
        Pieces = [Encoding.UTF8.GetBytes(body)],
    };
}
