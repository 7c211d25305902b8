using System.Buffers;
using Gateway.Server.Http;
using Gateway.Server.Primitives;
using Gateway.Server.Routing;

namespace Gateway.Server.Tests;

/// <summary>Parsing and routing a request must not allocate (STYLE §27: the budget is 0 for parse and route).</summary>
public class AllocationTests
{
    private const int Iterations = 10_000;

    private static readonly byte[] ChatRequest = TestSequence.Bytes(
        "POST /chat HTTP/1.1\r\n" +
        "Host: gateway.internal:8080\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64) chat-client/2.3.1\r\n" +
        "Accept: text/event-stream\r\n" +
        "Content-Type: application/json\r\n" +
        "Content-Length: 187\r\n" +
        "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwic2NvcGUiOiJjaGF0In0.c2lnbmF0dXJlLW5vdC1yZWFs\r\n" +
        "Accept-Encoding: gzip, deflate, br\r\n" +
        "Connection: keep-alive\r\n" +
        "X-Request-Id: 4f9c2b7e-8d1a-4c3b-9e6f-2a7d5c1b0e93\r\n" +
        "Cache-Control: no-cache\r\n" +
        "\r\n");

    [Fact]
    public void ParsingAndRoutingAChatRequestAllocatesNothing() =>
        Assert.Equal(0, AllocatedBytes(TestSequence.Create(ChatRequest)));

    [Theory]
    [InlineData("POST /ch")]
    [InlineData("Authorization: Bearer eyJhbGci")]
    [InlineData("Cache-Control: no-cache\r")]
    public void ParsingAndRoutingAChatRequestInTwoSegmentsAllocatesNothing(string splitAfter)
    {
        var split = ChatRequest.AsSpan().IndexOf(TestSequence.Bytes(splitAfter)) + splitAfter.Length;
        Assert.Equal(0, AllocatedBytes(TestSequence.Create(ChatRequest.AsMemory(0, split), ChatRequest.AsMemory(split))));
    }

    private static long AllocatedBytes(ReadOnlySequence<byte> request)
    {
        var router = new Router()
            .Map(RequestMethod.Get, "/health", new StubEndpoint("health"))
            .Map(RequestMethod.Get, "/models", new StubEndpoint("models"))
            .Map(RequestMethod.Get, "/models/:id", new StubEndpoint("model"))
            .Map(RequestMethod.Post, "/chat", new StubEndpoint("chat"));
        var path = new byte[256];

        // Warm up so tiering, static constructors and the array pool's per-thread cache are settled.
        for (var i = 0; i < 5; i++)
        {
            ParseAndRoute(request, router, path, Iterations / 10);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var routed = ParseAndRoute(request, router, path, Iterations);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Iterations * 11, routed);
        return allocated;
    }

    /// <summary>Returns the number of requests routed to an endpoint times (1 + headers seen), checked outside the measured loop.</summary>
    private static int ParseAndRoute(ReadOnlySequence<byte> request, Router router, byte[] path, int iterations)
    {
        var routed = 0;
        for (var i = 0; i < iterations; i++)
        {
            var handler = new RouteHandler(path);
            var reader = new SequenceReader<byte>(request);
            if (HttpParser.TryParseRequestLine(ref reader, ref handler, 8 * 1024)
                && HttpParser.TryParseHeaders(ref reader, ref handler)
                && router.Match(handler.Method, path.AsSpan(0, handler.PathLength)).Status == RouteMatchStatus.Found)
            {
                routed += 1 + handler.HeaderCount;
            }
        }
        return routed;
    }

    /// <summary>Keeps what routing needs the way the connection does: the path copied into a buffer it owns.</summary>
    private struct RouteHandler(byte[] pathBuffer) : IHttpRequestLineHandler, IHttpHeadersHandler
    {
        public RequestMethod Method { get; private set; }

        public int PathLength { get; private set; }

        public int HeaderCount { get; private set; }

        public void OnStartLine(RequestMethod method, HttpVersion version, TargetForm form, ReadOnlySpan<byte> path, ReadOnlySpan<byte> query)
        {
            Method = method;
            path.CopyTo(pathBuffer);
            PathLength = path.Length;
        }

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => HeaderCount++;
    }
}
