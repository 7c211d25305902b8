using System.Net;
using Gateway.Server.Diagnostics;
using Gateway.Server.Http;
using Gateway.Server.Primitives;
using Gateway.Server.Routing;

namespace Gateway.IntegrationTests.Infrastructure;

/// <summary>Our HTTP server on a loopback port with routes of the test's choosing.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    /// <summary>Fast heartbeat so timeout tests take milliseconds beyond their configured timeout.</summary>
    public static readonly HttpServerOptions FastOptions = new() { HeartbeatInterval = TimeSpan.FromMilliseconds(20) };

    private TestServer(HttpServer server) => Server = server;

    public HttpServer Server { get; }

    public IPEndPoint EndPoint => Server.EndPoint;

    public static TestServer Start(Router router, HttpServerOptions? options = null, BearerKeyAuthenticator? authenticator = null)
    {
        var server = new HttpServer(options ?? FastOptions, router, GatewayLog.Silent, authenticator);
        server.Start(new IPEndPoint(IPAddress.Loopback, 0));
        return new TestServer(server);
    }

    /// <summary>POST /echo answers with the request body, GET /items/:id with the id: enough to see framing and routing.</summary>
    public static TestServer StartEcho() => Start(new Router()
        .Map(RequestMethod.Post, "/echo", new EchoEndpoint())
        .Map(RequestMethod.Get, "/items/:id", new RouteValueEndpoint()));

    public Task<RawConnection> ConnectAsync() => RawConnection.ConnectAsync(EndPoint);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
