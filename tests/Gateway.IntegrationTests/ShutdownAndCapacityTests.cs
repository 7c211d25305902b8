using Gateway.IntegrationTests.Infrastructure;
using Gateway.Server.Primitives;
using Gateway.Server.Routing;

namespace Gateway.IntegrationTests;

/// <summary>The connection limit and graceful shutdown, observed from clients.</summary>
public sealed class ShutdownAndCapacityTests
{
    [Fact]
    public async Task ConnectionsBeyondTheLimitGet503AndAreClosed()
    {
        await using var server = TestServer.Start(new Router().Map(RequestMethod.Post, "/echo", new EchoEndpoint()), TestServer.FastOptions with { MaxConnections = 1 });
        await using var first = await server.ConnectAsync();
        await first.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na");
        Assert.Equal(200, (await first.ReadResponseAsync()).StatusCode);

        await using var second = await server.ConnectAsync();
        var rejected = await second.ReadResponseAsync();
        Assert.Equal("HTTP/1.1 503 Service Unavailable", rejected.StatusLine);
        Assert.Equal("""{"error":"Server at connection limit"}""", rejected.Body);
        Assert.Equal("close", rejected.Header("Connection"));
        Assert.True(await second.IsClosedByServerAsync());

        // The first connection is unaffected, and once it leaves there is room again.
        await first.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nb");
        Assert.Equal("b", (await first.ReadResponseAsync()).Body);
        Assert.True(await first.IsClosedByServerAsync());
        await WaitUntilAsync(() => server.Server.ConnectionCount == 0);

        await using var third = await server.ConnectAsync();
        await third.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nc");
        Assert.Equal(200, (await third.ReadResponseAsync()).StatusCode);
    }

    [Fact]
    public async Task ShutdownClosesIdleConnectionsAndLetsInFlightRequestsFinish()
    {
        var held = new HeldEndpoint();
        await using var server = TestServer.Start(new Router()
            .Map(RequestMethod.Get, "/held", held)
            .Map(RequestMethod.Post, "/echo", new EchoEndpoint()));

        await using var idle = await server.ConnectAsync();
        await idle.SendAsync("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na");
        await idle.ReadResponseAsync();

        await using var busy = await server.ConnectAsync();
        await busy.SendAsync("GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
        await held.Entered.WaitAsync(RawConnection.ReadTimeout);

        var endPoint = server.EndPoint;
        var stopping = server.Server.StopAsync();
        Assert.True(await idle.IsClosedByServerAsync());
        Assert.False(stopping.IsCompleted);

        held.Release();
        var response = await busy.ReadResponseAsync();
        Assert.Equal("released", response.Body);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await busy.IsClosedByServerAsync());
        await stopping.WaitAsync(RawConnection.ReadTimeout);

        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => RawConnection.ConnectAsync(endPoint));
    }

    [Fact]
    public async Task ShutdownTimeoutAbortsRequestsThatDoNotFinish()
    {
        var held = new HeldEndpoint();
        await using var server = TestServer.Start(new Router().Map(RequestMethod.Get, "/held", held),
            TestServer.FastOptions with { ShutdownTimeout = TimeSpan.FromMilliseconds(200) });
        await using var busy = await server.ConnectAsync();
        await busy.SendAsync("GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
        await held.Entered.WaitAsync(RawConnection.ReadTimeout);

        await server.Server.StopAsync().WaitAsync(RawConnection.ReadTimeout);

        Assert.Equal("", await busy.ReadToEndAsync());
        held.Release();
    }

    /// <summary>Polls a condition the server reaches asynchronously, failing after a bound.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + RawConnection.ReadTimeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(10);
        }
    }
}
