using System.Diagnostics;
using System.Net.Sockets;
using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Primitives;
using Gateway.Server.Routing;

namespace Gateway.IntegrationTests;

/// <summary>
/// Header, body and keep-alive timeouts with small configured values. Each test waits (bounded by
/// <see cref="RawConnection.ReadTimeout"/>) for the server to act, then checks it did not act early, on a
/// clock started before anything that could start the server's (the server's clock is not ours to step).
/// </summary>
public sealed class TimeoutTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(300);
    private TestServer _server = null!;

    public Task InitializeAsync()
    {
        var options = TestServer.FastOptions with { HeadersTimeout = Timeout, BodyTimeout = Timeout, KeepAliveTimeout = Timeout };
        _server = TestServer.Start(new Router().Map(RequestMethod.Post, "/echo", new EchoEndpoint()), options);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task IncompleteHeadIsAnswered408()
    {
        // The first request's clock starts when the server accepts, so start ours before connecting.
        // The server keeps time with Environment.TickCount64, which ticks in milliseconds (coarser on
        // some kernels) while Stopwatch does not: allow the same 10 % as the other timeout tests.
        var clock = Stopwatch.StartNew();
        await using var connection = await _server.ConnectAsync();
        await connection.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\n");

        var response = await connection.ReadResponseAsync();
        Assert.True(clock.Elapsed >= Timeout * 0.9, $"answered after {clock.Elapsed}");
        Assert.Equal("HTTP/1.1 408 Request Timeout", response.StatusLine);
        Assert.Equal("""{"error":"Request header timeout"}""", response.Body);
        Assert.True(await connection.IsClosedByServerAsync());
    }

    [Fact]
    public async Task ConnectionThatSendsNothingGets408()
    {
        await using var connection = await _server.ConnectAsync();
        Assert.Equal(408, (await connection.ReadResponseAsync()).StatusCode);
    }

    [Fact]
    public async Task IncompleteBodyIsAnswered408()
    {
        await using var connection = await _server.ConnectAsync();
        // The body clock starts once the server has read the head, so surely after ours: a busy machine can
        // run the server's read before this test's next line, which is why ours starts before the send.
        var clock = Stopwatch.StartNew();
        await connection.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");

        var response = await connection.ReadResponseAsync();
        Assert.True(clock.Elapsed >= Timeout * 0.9, $"answered after {clock.Elapsed}");
        Assert.Equal(408, response.StatusCode);
        Assert.Equal("""{"error":"Request body timeout"}""", response.Body);
    }

    [Fact]
    public async Task IdleKeepAliveConnectionIsClosedWithoutAResponse()
    {
        await using var connection = await _server.ConnectAsync();
        // The keep-alive clock starts as the server finishes the response, before this test reads it: start ours first.
        var clock = Stopwatch.StartNew();
        await connection.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na");
        await connection.ReadResponseAsync();

        Assert.Equal("", await connection.ReadToEndAsync());
        Assert.True(clock.Elapsed >= Timeout * 0.9, $"closed after {clock.Elapsed}");
    }

    [Fact]
    public async Task TrickleOfBytesDoesNotExtendTheHeaderTimeout()
    {
        await using var connection = await _server.ConnectAsync();
        var clock = Stopwatch.StartNew();
        var trickle = "POST /echo HTTP/1.1\r\nHost: x\r\nX-Slow: " + new string('s', 1000);
        var response = connection.ReadResponseAsync();
        try
        {
            foreach (var b in trickle.TakeWhile(_ => !response.IsCompleted))
            {
                await connection.SendAsync(b.ToString());
                await Task.Delay(5);
            }
        }
        catch (SocketException)
        {
            // The server closed the connection mid-trickle, as it should once the timeout passed.
        }

        Assert.Equal(408, (await response).StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"answered after {clock.Elapsed}");
    }
}
