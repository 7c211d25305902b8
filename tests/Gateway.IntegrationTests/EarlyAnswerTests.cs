using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Diagnostics.Metrics;
using Gateway.Server.Http;
using Gateway.Server.Primitives;
using Gateway.Server.Routing;

namespace Gateway.IntegrationTests;

/// <summary>
/// A request refused on its head (501, 401, 404, 405, 413) keeps its connection when its body is small enough to read and
/// drop (at most 64 KiB): a keep-alive or pipelining client's next request is answered (issue 11, item 2).
/// </summary>
public sealed class EarlyAnswerTests : IAsyncLifetime
{
    private const string Key = "Authorization: Bearer k1\r\n";
    private const string Next = "POST /echo HTTP/1.1\r\nHost: x\r\n" + Key + "Content-Length: 4\r\n\r\nnext";

    private TestServer _server = null!;

    public Task InitializeAsync()
    {
        _server = TestServer.Start(
            new Router().Map(RequestMethod.Post, "/echo", new EchoEndpoint()),
            TestServer.FastOptions with { MaxBodyBytes = 100 },
            new BearerKeyAuthenticator([.. BearerKeyAuthenticator.Unlimited(["k1"])], TimeProvider.System, new KeyMetrics(new MetricsRegistry())));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, int> Refused => new()
    {
        { "BREW /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", 501 },
        { "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", 401 },
        { "POST /nope HTTP/1.1\r\nHost: x\r\n" + Key + "Content-Length: 5\r\n\r\nhello", 404 },
        { "POST /nope HTTP/1.1\r\nHost: x\r\n" + Key + "Transfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: 1\r\n\r\n", 404 },
        { "PUT /echo HTTP/1.1\r\nHost: x\r\n" + Key + "Content-Length: 5\r\n\r\nhello", 405 },
        { "POST /echo HTTP/1.1\r\nHost: x\r\n" + Key + "Content-Length: 101\r\n\r\n" + new string('a', 101), 413 },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task PipelinedRequestAfterAnEarlyAnswerIsAnswered(string request, int status)
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync(request + Next);

        var refused = await connection.ReadResponseAsync();
        Assert.Equal(status, refused.StatusCode);
        Assert.Null(refused.Header("Connection"));
        Assert.Equal("next", (await connection.ReadResponseAsync()).Body);
    }

    [Fact]
    public async Task ClientThatWaitsForTheAnswerBeforeSendingItsBodyKeepsTheConnection()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("POST /nope HTTP/1.1\r\nHost: x\r\n" + Key + "Content-Length: 5\r\n\r\n");
        Assert.Equal(404, (await connection.ReadResponseAsync()).StatusCode);

        await connection.SendAsync("hello" + Next);
        Assert.Equal("next", (await connection.ReadResponseAsync()).Body);
    }

    /// <summary>
    /// A declared body beyond the bound is not worth reading; behind 100-continue the client may or may not send its
    /// body at all (RFC 9110 §10.1.1), so its end cannot be found. Either way the answer says close, and it does.
    /// </summary>
    [Theory]
    [InlineData("Content-Length: 65537\r\n")]
    [InlineData("Expect: 100-continue\r\nContent-Length: 5\r\n")]
    public async Task BodyThatCannotBeDroppedClosesTheConnectionAfterTheAnswer(string framing)
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("POST /nope HTTP/1.1\r\nHost: x\r\n" + Key + framing + "\r\n");

        var response = await connection.ReadResponseAsync();
        Assert.Equal(404, response.StatusCode);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await connection.IsClosedByServerAsync());
    }

    [Fact]
    public async Task ChunkedBodyThatOutgrowsTheBoundClosesTheConnection()
    {
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("POST /nope HTTP/1.1\r\nHost: x\r\n" + Key + "Transfer-Encoding: chunked\r\n\r\n");
        Assert.Equal(404, (await connection.ReadResponseAsync()).StatusCode);

        await connection.SendAsync("10001\r\n" + new string('a', 0x10001) + "\r\n0\r\n\r\n");
        Assert.True(await connection.IsClosedByServerAsync());
    }
}
