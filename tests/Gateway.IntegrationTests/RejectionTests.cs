using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Primitives;
using Gateway.Server.Routing;

namespace Gateway.IntegrationTests;

/// <summary>Malformed and over-limit requests: the exact status, a JSON error, then the connection closes (RFC 9112).</summary>
public sealed class RejectionTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public Task InitializeAsync()
    {
        var options = TestServer.FastOptions with
        {
            MaxRequestLineBytes = 100,
            MaxHeaderBytes = 300,
            MaxHeaderCount = 5,
            MaxBodyBytes = 50,
        };
        _server = TestServer.Start(new Router().Map(RequestMethod.Post, "/echo", new EchoEndpoint()), options);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, int, string> Rejected => new()
    {
        { "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc", 400, "Both Content-Length and Transfer-Encoding" },
        { "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400, "Invalid Transfer-Encoding" },
        { "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "Unsupported transfer coding" },
        { "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400, "Invalid Transfer-Encoding" },
        { "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, "Invalid Transfer-Encoding" },
        { "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400, "Conflicting Content-Length values" },
        { "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc", 400, "Invalid Content-Length" },
        { "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc", 400, "Invalid Content-Length" },
        { "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n33\r\n" + new string('a', 51) + "\r\n", 413, "Request body too large" },
        { "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "Invalid chunked body" },
        { "GET /echo HTTP/1.1\r\n\r\n", 400, "Missing Host header" },
        { "GET /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "More than one Host header" },
        { "GET /echo HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "Invalid Host header" },
        { "GET /echo HTTP/1.1\r\nHost: localhost:abc\r\n\r\n", 400, "Invalid Host header" },
        { "GET /echo%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "Invalid request target" },
        { "GET /echo HTTP/2.0\r\nHost: x\r\n\r\n", 505, "HTTP Version Not Supported" },
        { "GET /echo HTTP/1.1 \r\nHost: x\r\n\r\n", 400, "Invalid HTTP version" },
        { "GET /echo HTTP/1.1\nHost: x\r\n\r\n", 400, "Line ends must be CRLF" },
        { "GET /echo HTTP/1.1\r\nHost: x\n\r\n", 400, "Line ends must be CRLF" },
        { "GET /echo HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n", 400, "Obsolete line folding is not accepted" },
        { "GET /echo HTTP/1.1\r\nHost : x\r\n\r\n", 400, "Whitespace between header name and colon" },
        { "GET /echo HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n", 400, "Invalid character in header value" },
        { "GET /echo HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n", 400, "Invalid header line" },
        { "GET /ec ho HTTP/1.1\r\nHost: x\r\n\r\n", 400, "Invalid HTTP version" },
        { "GET /ec\"ho HTTP/1.1\r\nHost: x\r\n\r\n", 400, "Invalid request target" },
        { "GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400, "Invalid request target" },
        { "G(T /echo HTTP/1.1\r\nHost: x\r\n\r\n", 400, "Invalid method" },
        { "GET /" + new string('a', 100) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "Request line too long" },
        { "GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('b', 300) + "\r\n\r\n", 431, "Request header section too large" },
        { "GET /echo HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", 431, "Too many header fields" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public async Task RejectedRequestGetsItsStatusAJsonErrorAndAClosedConnection(string request, int status, string message)
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync(request);
        var response = await connection.ReadResponseAsync();

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Equal($$"""{"error":"{{message}}"}""", response.Body);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await connection.IsClosedByServerAsync());
    }

    [Fact]
    public async Task OversizedRequestLineIsRejectedBeforeItsEndArrives()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("GET /" + new string('a', 200));

        Assert.Equal(414, (await connection.ReadResponseAsync()).StatusCode);
    }

    [Fact]
    public async Task OversizedBodyIsRefusedWithoutWaitingForIt()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4000000000\r\n\r\n");

        Assert.Equal(413, (await connection.ReadResponseAsync()).StatusCode);
    }

    [Fact]
    public async Task EmptyLinesBeforeTheRequestLineAreIgnored()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok");

        Assert.Equal("ok", (await connection.ReadResponseAsync()).Body);
    }
}
