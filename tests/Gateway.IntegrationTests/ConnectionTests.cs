using Gateway.IntegrationTests.Infrastructure;

namespace Gateway.IntegrationTests;

/// <summary>Persistence, pipelining and route parameters over real sockets (RFC 9112 §9).</summary>
public sealed class ConnectionTests : IAsyncLifetime
{
    private readonly TestServer _server = TestServer.StartEcho();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Http11KeepsTheConnectionOpenByDefault()
    {
        await using var connection = await _server.ConnectAsync();
        for (var i = 0; i < 3; i++)
        {
            await connection.SendAsync($"GET /items/{i} HTTP/1.1\r\nHost: x\r\n\r\n");
            var response = await connection.ReadResponseAsync();
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Body);
            Assert.Null(response.Header("Connection"));
        }
    }

    [Fact]
    public async Task ConnectionCloseIsAnsweredThenTheServerCloses()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("GET /items/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await connection.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Http10ClosesUnlessKeepAliveIsAsked()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("GET /items/a HTTP/1.0\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await connection.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Http10KeepAliveIsHonouredAndAnnounced()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("GET /items/a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        Assert.Equal("keep-alive", (await connection.ReadResponseAsync()).Header("Connection"));

        await connection.SendAsync("GET /items/b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        Assert.Equal("b", (await connection.ReadResponseAsync()).Body);
    }

    [Fact]
    public async Task PipelinedRequestsAreAnsweredInOrder()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync(
            "GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n" +
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
            "GET /items/3 HTTP/1.1\r\nHost: x\r\n\r\n" +
            "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" +
            "GET /items/5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        string[] expected = ["1", "hello", "3", "abc", "5"];
        foreach (var body in expected)
        {
            Assert.Equal(body, (await connection.ReadResponseAsync()).Body);
        }
        Assert.True(await connection.IsClosedByServerAsync());
    }

    [Fact]
    public async Task RequestSplitIntoSingleBytesIsServed()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendInPiecesAsync("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2;ext=1\r\nhi\r\n0\r\nTrailer: t\r\n\r\n", 1);

        var response = await connection.ReadResponseAsync();
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("hi", response.Body);
    }

    [Fact]
    public async Task RouteParametersArePercentDecoded()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("GET /items/a%2Fb%20c?ignored=1 HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.Equal("a/b c", (await connection.ReadResponseAsync()).Body);
    }

    [Fact]
    public async Task AbsoluteFormTargetIsRoutedByItsPath()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("GET http://example.com/items/7 HTTP/1.1\r\nHost: example.com\r\n\r\n");

        Assert.Equal("7", (await connection.ReadResponseAsync()).Body);
    }

    [Fact]
    public async Task ClientClosingBetweenRequestsEndsTheConnectionQuietly()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("GET /items/a HTTP/1.1\r\nHost: x\r\n\r\n");
        await connection.ReadResponseAsync();
        connection.ShutdownSend();

        Assert.Equal("", await connection.ReadToEndAsync());
    }
}
