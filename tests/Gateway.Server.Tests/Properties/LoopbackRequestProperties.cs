using System.Net;
using System.Net.Sockets;
using System.Text;
using CsCheck;
using Gateway.Server.Diagnostics;
using Gateway.Server.Http;
using Gateway.Server.Primitives;
using Gateway.Server.Routing;

namespace Gateway.Server.Tests.Properties;

/// <summary>Generated requests sent to the real server over loopback (a smaller sample than the parser's properties: a connection each).</summary>
public sealed class LoopbackRequestProperties : IAsyncLifetime
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);
    private readonly StringWriter _errors = new();
    private HttpServer _server = null!;

    public Task InitializeAsync()
    {
        var router = new Router().Map(RequestMethod.Post, "/echo", new EchoEndpoint()).Map(RequestMethod.Get, "/echo", new EchoEndpoint());
        _server = new HttpServer(new HttpServerOptions(), router, new GatewayLog(LogLevel.Error, _errors));
        _server.Start(new IPEndPoint(IPAddress.Loopback, 0));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public Task AValidRequestIsAnsweredWithItsBody() =>
        RequestGen.Requests(Gen.Const("POST"), Gen.Const("/echo"))
            // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 request is faulty framing, which a server may refuse.
            .Where(request => request.Framing != BodyFraming.Chunked || !TestSequence.Text(request.Wire).Contains(" HTTP/1.0\r\n", StringComparison.Ordinal))
            .SampleAsync(
                async request =>
                {
                    var reply = await ExchangeAsync(request.Wire);
                    Assert.StartsWith("HTTP/1.1 200 OK\r\n", reply, StringComparison.Ordinal);
                    Assert.Equal(TestSequence.Text(request.Body), reply[(reply.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
                },
                iter: 300);

    [Fact]
    public Task AMutatedRequestIsAnsweredOrClosedAndNeverAnUnhandledError() =>
        RequestGen.Mutations(RequestGen.Requests(
                Gen.Frequency((4, Gen.OneOf("POST", "GET")), (1, RequestGen.Method)),
                Gen.Frequency((4, Gen.Const("/echo")), (1, HttpGen.OriginForm))))
            .SampleAsync(
                async request =>
                {
                    var reply = await ExchangeAsync(request.Wire);
                    Assert.True(reply.Length == 0 || reply.StartsWith("HTTP/1.1 ", StringComparison.Ordinal), reply);
                    Assert.DoesNotContain("HTTP/1.1 500", reply, StringComparison.Ordinal);
                    Assert.Equal("", _errors.ToString());
                },
                iter: 400);

    /// <summary>Sends the bytes, ends the sending side (so an incomplete request meets its end) and reads until the server closes.</summary>
    private async Task<string> ExchangeAsync(byte[] request)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_server.EndPoint, timeout.Token);
        await socket.SendAsync(request, SocketFlags.None, timeout.Token);
        socket.Shutdown(SocketShutdown.Send);
        var reply = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            reply.Write(buffer, 0, read);
        }
        return Encoding.Latin1.GetString(reply.GetBuffer(), 0, (int)reply.Length);
    }

    /// <summary>Answers with the request body.</summary>
    private sealed class EchoEndpoint : IEndpoint
    {
        public ValueTask InvokeAsync(IHttpExchange exchange)
        {
            exchange.Respond(200, "application/octet-stream"u8, exchange.Body.Span);
            return ValueTask.CompletedTask;
        }
    }
}
