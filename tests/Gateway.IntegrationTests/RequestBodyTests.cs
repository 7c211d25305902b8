using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Primitives;
using Gateway.Server.Routing;

namespace Gateway.IntegrationTests;

/// <summary>Body framing (RFC 9112 §6, §7) and Expect: 100-continue (RFC 9110 §10.1.1).</summary>
public sealed class RequestBodyTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public Task InitializeAsync()
    {
        _server = TestServer.Start(new Router().Map(RequestMethod.Post, "/echo", new EchoEndpoint()), TestServer.FastOptions with { MaxBodyBytes = 1000 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ContentLengthBodyIsDelivered()
    {
        await using var connection = await _server.ConnectAsync();
        var body = new string('x', 1000);
        await connection.SendAsync($"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{body}");

        var response = await connection.ReadResponseAsync();
        Assert.Equal("application/octet-stream", response.Header("Content-Type"));
        Assert.Equal(body, response.Body);
    }

    [Fact]
    public async Task ChunkedBodyWithExtensionsAndTrailersIsDecoded()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync(
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "5;name=value\r\nhello\r\n1\r\n \r\nA ; quoted=\"v\"\r\n0123456789\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\n");

        Assert.Equal("hello 0123456789", (await connection.ReadResponseAsync()).Body);
    }

    [Fact]
    public async Task ExpectContinueIsAnsweredBeforeTheBodyIsSent()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");

        var interim = await connection.ReadResponseAsync();
        Assert.Equal("HTTP/1.1 100 Continue", interim.StatusLine);
        Assert.Empty(interim.Headers);

        await connection.SendAsync("ping");
        Assert.Equal("ping", (await connection.ReadResponseAsync()).Body);
    }

    [Fact]
    public async Task ExpectContinueWithAnOversizedBodyIs413WithoutContinue()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\nExpect: 100-continue\r\n\r\n");

        var response = await connection.ReadResponseAsync();
        Assert.Equal("HTTP/1.1 413 Content Too Large", response.StatusLine);
        Assert.Equal("""{"error":"Request body too large"}""", response.Body);
        Assert.True(await connection.IsClosedByServerAsync());
    }

    [Fact]
    public async Task ChunkedBodyOverTheLimitIs413()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3E9\r\n" + new string('y', 1001) + "\r\n0\r\n\r\n");

        var response = await connection.ReadResponseAsync();
        Assert.Equal(413, response.StatusCode);
        Assert.Equal("close", response.Header("Connection"));
    }

    [Fact]
    public async Task BodyCutShortIs400()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
        connection.ShutdownSend();

        var response = await connection.ReadResponseAsync();
        Assert.Equal(400, response.StatusCode);
        Assert.Equal("""{"error":"Unexpected end of request"}""", response.Body);
    }
}
